package paynkolay_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
)

// received is a receipt time outside UTC, so the tests see Parse convert
// it.
var received = time.Date(2026, 2, 9, 14, 5, 30, 0, time.FixedZone("+03", 3*3600))

func response(status int, body string) *clients.Response {
	return &clients.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Attempts: 1}
}

// success is the documented success envelope around token.
func success(token string) string {
	return fmt.Sprintf(`{"success":true,"responseCode":"200","responseMessage":"SUCCESS","data":{"token":%q}}`, token)
}

// failure is a failure envelope with code as a raw JSON value.
func failure(code, message string) string {
	return fmt.Sprintf(`{"success":false,"responseCode":%s,"responseMessage":%q,"data":null}`, code, message)
}

// TestParseSuccess covers where the expiry and the issue time come from:
// the JWT's exp and iat, else the receipt time and the documented 30
// minutes. Paynkolay says nothing of capabilities or scopes.
func TestParseSuccess(t *testing.T) {
	iat := time.Date(2026, 2, 9, 11, 0, 0, 0, time.UTC)
	exp := iat.Add(30 * time.Minute)
	at := received.UTC()
	jwtOf := func(claims jwt.MapClaims) string { return clientstest.SignedJWT(t, claims) }
	documented := jwtOf(jwt.MapClaims{"sub": "nkolay_marketplace", "iat": iat.Unix(), "exp": exp.Unix()})
	tests := []struct {
		name    string
		body    string
		token   string
		expires time.Time
		issued  time.Time
	}{
		{"documented: exp and iat", success(documented), documented, exp, iat},
		{"exp other than iat + 30 min is believed", success(jwtOf(jwt.MapClaims{"iat": iat.Unix(), "exp": iat.Add(2 * time.Hour).Unix()})),
			"", iat.Add(2 * time.Hour), iat},
		{"no exp: receipt + 30 min, iat kept", success(jwtOf(jwt.MapClaims{"sub": "m", "iat": iat.Unix()})), "", at.Add(30 * time.Minute), iat},
		{"no iat: issued on receipt, exp kept", success(jwtOf(jwt.MapClaims{"sub": "m", "exp": exp.Unix()})), "", exp, at},
		{"exp as a string is no exp", success(jwtOf(jwt.MapClaims{"iat": iat.Unix(), "exp": "1770636600"})), "", at.Add(30 * time.Minute), iat},
		{"opaque token: receipt and receipt + 30 min", success("opaque-paynkolay-token"), "opaque-paynkolay-token", at.Add(30 * time.Minute), at},
		{"responseCode and message do not matter on success",
			`{"success":true,"responseCode":0,"responseMessage":null,"data":{"token":"opaque-2","extra":[1]},"more":{}}`,
			"opaque-2", at.Add(30 * time.Minute), at},
		{"token kept exactly, spaces and all", success(" opaque-3 "), " opaque-3 ", at.Add(30 * time.Minute), at},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := paynkolay.Parse(response(http.StatusOK, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tt.token != "" && tok.AccessToken != tt.token {
				t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.token)
			}
			clientstest.CheckToken(t, tok, clientstest.TokenWant{ExpiresAt: tt.expires, IssuedAt: tt.issued})
			if got := clientstest.Flags(tok.Capabilities); got != "nnnnnn" {
				t.Errorf("flags = %s, want every one null", got)
			}
		})
	}
}

// TestParseFailures covers what is a refusal, what is not Paynkolay's
// answer, and what Classify makes of each for retries.
func TestParseFailures(t *testing.T) {
	const (
		final    = clients.Final
		byStatus = clients.ByStatus
	)
	tokenJWT := clientstest.SignedJWT(t, jwt.MapClaims{"sub": "m"})
	tests := []struct {
		name    string
		status  int
		body    string
		kind    clients.ErrorKind
		code    string
		message string
		verdict clients.Verdict
	}{
		// Refusals: success false at any status, with Paynkolay's words.
		{"invalid credentials at 401", 401, failure(`"401"`, "Kullanıcı adı veya şifre hatalı"),
			clients.KindRejected, "401", "Kullanıcı adı veya şifre hatalı", final},
		{"forbidden at 403", 403, failure(`"403"`, "Yetkisiz erişim"), clients.KindRejected, "403", "Yetkisiz erişim", final},
		{"invalid credentials at 200", 200, failure(`"401"`, "Hatalı giriş"), clients.KindRejected, "401", "Hatalı giriş", final},
		{"invalid credentials at 503 are not retried", 503, failure(`"401"`, "Hatalı giriş"), clients.KindRejected, "401", "Hatalı giriş", final},
		{"numeric 403 at 500", 500, failure(`403`, "Yetkisiz"), clients.KindRejected, "403", "Yetkisiz", final},
		{"bad request at 400", 400, failure(`"400"`, "merchantNo zorunludur"), clients.KindRejected, "400", "merchantNo zorunludur", byStatus},
		{"server error at 500 is left to the status", 500, failure(`"500"`, "Sistem hatası"), clients.KindRejected, "500", "Sistem hatası", byStatus},
		{"another code at 200", 200, failure(`1001`, "Üye işyeri pasif"), clients.KindRejected, "1001", "Üye işyeri pasif", byStatus},
		{"no code or message", 200, `{"success":false}`, clients.KindRejected, "", "", byStatus},
		{"code 4010 is not 401", 200, failure(`"4010"`, "x"), clients.KindRejected, "4010", "x", byStatus},
		{"message cleaned and capped", 400, failure(`" 400\n"`, "satır\r\n\tikinci "+strings.Repeat("ç", 400)),
			clients.KindRejected, "400", "satır ikinci " + strings.Repeat("ç", 300-len([]rune("satır ikinci "))) + "…", byStatus},
		{"a message that is not a string is left out", 400, `{"success":false,"responseCode":"400","responseMessage":{"tr":"x"}}`,
			clients.KindRejected, "400", "", byStatus},
		{"a failure carrying a token quotes nothing", 200, `{"success":false,"responseCode":"401","responseMessage":"tok-PNK-1 geçersiz","data":{"token":"tok-PNK-1"}}`,
			clients.KindRejected, "", "", final},
		{"a failure with a JWT in its message quotes nothing", 400, failure(`"400"`, "oturum "+tokenJWT),
			clients.KindRejected, "", "", byStatus},
		// HTTP 401 and 403 are refusals whatever the body.
		{"empty body at 401", 401, ``, clients.KindRejected, "", "", final},
		{"HTML page at 403", 403, `<html><body>403 Forbidden</body></html>`, clients.KindRejected, "", "", final},
		{"another JSON shape at 401", 401, `{"error":"unauthorized"}`, clients.KindRejected, "", "", final},
		{"success true at 401", 401, success("opaque-at-401"), clients.KindRejected, "", "", final},
		// Not Paynkolay's answer.
		{"HTML at 502", 502, `<html>Bad Gateway</html>`, clients.KindHTTPStatus, "", "", byStatus},
		{"another JSON shape at 400", 400, `{"error":"bad"}`, clients.KindHTTPStatus, "", "", byStatus},
		{"success true at 500", 500, success("opaque-at-500"), clients.KindHTTPStatus, "", "", byStatus},
		{"success as the string true", 200, `{"success":"true","data":{"token":"opaque-4"}}`, clients.KindMalformed, "", "", byStatus},
		{"success as the string false", 200, `{"success":"false","responseCode":"401","responseMessage":"x"}`, clients.KindMalformed, "", "", byStatus},
		{"success as 1", 200, `{"success":1,"data":{"token":"opaque-5"}}`, clients.KindMalformed, "", "", byStatus},
		{"no success", 200, `{"responseCode":"200","data":{"token":"opaque-6"}}`, clients.KindMalformed, "", "", byStatus},
		{"a JSON array", 200, `[{"success":true}]`, clients.KindMalformed, "", "", byStatus},
		{"JSON null", 200, `null`, clients.KindMalformed, "", "", byStatus},
		{"empty body", 200, ``, clients.KindMalformed, "", "", byStatus},
		// Success without a usable token.
		{"no data", 200, `{"success":true,"responseCode":"200"}`, clients.KindNoToken, "", "", byStatus},
		{"data null", 200, `{"success":true,"data":null}`, clients.KindNoToken, "", "", byStatus},
		{"data not an object", 200, `{"success":true,"data":"opaque-7"}`, clients.KindNoToken, "", "", byStatus},
		{"token null", 200, `{"success":true,"data":{"token":null}}`, clients.KindNoToken, "", "", byStatus},
		{"token blank", 200, success(" \t"), clients.KindNoToken, "", "", byStatus},
		{"token a number", 200, `{"success":true,"data":{"token":12345678}}`, clients.KindMalformed, "", "", byStatus},
		{"token with a line break", 200, success("opaque\nsecond-line"), clients.KindMalformed, "", "", byStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := paynkolay.Parse(response(tt.status, tt.body), received)
			e, ok := clients.AsError(err)
			if !ok || tok != nil {
				t.Fatalf("Parse = %v, %v; want a *clients.Error", tok, err)
			}
			if e.Kind != tt.kind || e.Code != tt.code || e.Message != tt.message || e.StatusCode != tt.status || e.Gateway != "paynkolay" {
				t.Errorf("got %v HTTP %d code %q message %q, want %v HTTP %d code %q message %q",
					e.Kind, e.StatusCode, e.Code, e.Message, tt.kind, tt.status, tt.code, tt.message)
			}
			if got := paynkolay.Classify(tt.status, []byte(tt.body)); got != tt.verdict {
				t.Errorf("Classify = %v, want %v", got, tt.verdict)
			}
		})
	}
}

// TestParseTokenBodies runs the failure bodies that carried a token past
// other gateways' checks: none is Paynkolay's envelope, so none may be
// quoted.
func TestParseTokenBodies(t *testing.T) {
	clientstest.CheckTokenBodies(t, "paynkolay", "", func(status int, body []byte) (*clients.Token, error) {
		return paynkolay.Parse(&clients.Response{StatusCode: status, Body: body, Attempts: 1}, received)
	})
}
