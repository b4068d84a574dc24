package iyzico_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
)

// sampleToken and sampleBody are the documented success answer, verbatim.
const sampleToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX25hbWUiOiItIiwic2NvcGUiOlsidGhpcmRQYXJ0eVNlc3Npb24iXSwic2Vzc2lvblRva2VuIjoiZDUzZWRiNzItNTNmMy00NmY0LTk5NWQtNDM1NzBhOTdiZDg4IiwiZXhwIjoxNzQ5MDI4MjIyLCJhdXRob3JpdGllcyI6WyJwd2lfdHBfc2Vzc2lvbl9jYXJkX2F1dGgiLCJwd2lfdHBfc2Vzc2lvbl9pbml0M2RzX2F1dGgiLCJwd2lfdHBfc2Vzc2lvbl9sYXN0X3BheW1lbnRfcmV0cmlldmUiLCJwd2lfdHBfc2Vzc2lvbl9mdW5kX2F1dGgiXSwianRpIjoiMTUwODdmNTgtZGE4Yy00OTFhLWFjN2QtYmYyODI2ODNmMGRlIiwiY2xpZW50X2lkIjoidGhpcmRQYXJ0eVNlc3Npb25DbGllbnQifQ.YC5McE1SdXrPeCpljrMU1X3kzc3FV7I8DoZ5G0qcS30"

const sampleBody = `{
    "status": "success",
    "locale": "tr",
    "systemTime": 1749027862133,
    "conversationId": "test",
    "accessToken": "` + sampleToken + `"
}`

// sampleFailure is the documented 400 answer, verbatim.
const sampleFailure = `{
    "status": "failure",
    "errorCode": "260016",
    "errorMessage": "Session token bulunamadı.",
    "locale": "tr",
    "systemTime": 1749027045713
}`

var sampleAuthorities = []string{
	"pwi_tp_session_card_auth",
	"pwi_tp_session_init3ds_auth",
	"pwi_tp_session_last_payment_retrieve",
	"pwi_tp_session_fund_auth",
}

// receivedAt is deliberately not in UTC, so the tests see conversion.
var receivedAt = time.Date(2025, 6, 4, 12, 30, 0, 0, time.FixedZone("TRT", 3*60*60))

func failure(code, message string) string {
	return `{"status":"failure","errorCode":` + code + `,"errorMessage":"` + message + `","locale":"tr","systemTime":1749027045713,"conversationId":"order-42"}`
}

func TestParse(t *testing.T) {
	systemTime := time.UnixMilli(1749027862133).UTC()
	withIat := clientstest.SignedJWT(t, jwt.MapClaims{"iat": 1749027800, "exp": 1749028400, "authorities": []string{"a", "b"}})
	noExp := clientstest.SignedJWT(t, jwt.MapClaims{"sessionToken": "x", "scope": []string{"thirdPartySession"}})
	emptyAuthorities := clientstest.SignedJWT(t, jwt.MapClaims{"exp": 1749028222, "authorities": []string{}})

	type want struct {
		token     string
		expiresAt time.Time
		issuedAt  time.Time
		scopes    []string
	}
	tests := []struct {
		name    string
		status  int
		body    string
		want    *want
		kind    clients.ErrorKind
		code    string
		message string
	}{
		{
			name: "documented sample", status: 200, body: sampleBody,
			want: &want{
				token:     sampleToken,
				expiresAt: time.Unix(1749028222, 0).UTC(),
				issuedAt:  systemTime,
				scopes:    sampleAuthorities,
			},
		},
		{
			name: "JWT iat wins over systemTime", status: 200,
			body: `{"status":"success","systemTime":1749027862133,"accessToken":"` + withIat + `"}`,
			want: &want{token: withIat, expiresAt: time.Unix(1749028400, 0).UTC(), issuedAt: time.Unix(1749027800, 0).UTC(), scopes: []string{"a", "b"}},
		},
		{
			name: "JWT without exp falls back to systemTime", status: 200,
			body: `{"status":"success","systemTime":1749027862133,"accessToken":"` + noExp + `"}`,
			want: &want{token: noExp, expiresAt: systemTime.Add(5 * time.Minute), issuedAt: systemTime},
		},
		{
			name: "empty authorities are said, not absent", status: 200,
			body: `{"status":"success","accessToken":"` + emptyAuthorities + `"}`,
			want: &want{token: emptyAuthorities, expiresAt: time.Unix(1749028222, 0).UTC(), issuedAt: receivedAt.UTC(), scopes: []string{}},
		},
		{
			name: "opaque token with systemTime", status: 200,
			body: `{"status":"success","locale":"tr","systemTime":1749027862133,"accessToken":"sandbox-iyzico-opaque-abc123"}`,
			want: &want{token: "sandbox-iyzico-opaque-abc123", expiresAt: systemTime.Add(5 * time.Minute), issuedAt: systemTime},
		},
		{
			name: "opaque token with systemTime as a string", status: 200,
			body: `{"status":"success","systemTime":"1749027862133","accessToken":"opaque.token.value"}`,
			want: &want{token: "opaque.token.value", expiresAt: systemTime.Add(5 * time.Minute), issuedAt: systemTime},
		},
		{
			name: "opaque token, no exp and no systemTime", status: 200,
			body: `{"status":"success","locale":"tr","accessToken":"opaque-token"}`,
			want: &want{token: "opaque-token", expiresAt: receivedAt.UTC().Add(5 * time.Minute), issuedAt: receivedAt.UTC()},
		},
		{
			name: "unusable systemTime is ignored", status: 200,
			body: `{"status":"success","systemTime":"soon","accessToken":"opaque-token"}`,
			want: &want{token: "opaque-token", expiresAt: receivedAt.UTC().Add(5 * time.Minute), issuedAt: receivedAt.UTC()},
		},
		{
			name: "token kept exactly, surrounding spaces too", status: 200,
			body: `{"status":"success","accessToken":" opaque "}`,
			want: &want{token: " opaque ", expiresAt: receivedAt.UTC().Add(5 * time.Minute), issuedAt: receivedAt.UTC()},
		},

		{name: "1000 invalid signature at 401", status: 401, body: failure(`"1000"`, "Geçersiz imza"), kind: clients.KindRejected, code: "1000", message: "Geçersiz imza"},
		{name: "1001 api key not found at 401", status: 401, body: failure(`"1001"`, "Api bilgileri bulunamadı"), kind: clients.KindRejected, code: "1001", message: "Api bilgileri bulunamadı"},
		{name: "260016 documented at 400", status: 400, body: sampleFailure, kind: clients.KindRejected, code: "260016", message: "Session token bulunamadı."},
		{name: "260016 at 200", status: 200, body: failure(`"260016"`, "Session token bulunamadı."), kind: clients.KindRejected, code: "260016", message: "Session token bulunamadı."},
		{name: "50000 as string at 200", status: 200, body: failure(`"50000"`, "Request Limit Exceeded"), kind: clients.KindRejected, code: "50000", message: "Request Limit Exceeded"},
		{name: "50000 as number at 200", status: 200, body: failure(`50000`, "Request Limit Exceeded"), kind: clients.KindRejected, code: "50000", message: "Request Limit Exceeded"},
		{name: "50000 as number at 429", status: 429, body: failure(`50000`, "Request Limit Exceeded"), kind: clients.KindRejected, code: "50000", message: "Request Limit Exceeded"},
		{name: "11 invalid request at 400", status: 400, body: failure(`"11"`, "Geçersiz istek"), kind: clients.KindRejected, code: "11", message: "Geçersiz istek"},
		{name: "11 as number", status: 400, body: failure(`11`, "Geçersiz istek"), kind: clients.KindRejected, code: "11", message: "Geçersiz istek"},
		{name: "24 mandatory field", status: 400, body: failure(`"24"`, "sessionToken gönderilmesi zorunludur"), kind: clients.KindRejected, code: "24", message: "sessionToken gönderilmesi zorunludur"},
		{name: "failure at 500", status: 500, body: failure(`"1"`, "Sistem hatası"), kind: clients.KindRejected, code: "1", message: "Sistem hatası"},
		{name: "errorCode as an integral float", status: 200, body: failure(`5e4`, "x"), kind: clients.KindRejected, code: "50000", message: "x"},
		{name: "errorCode without status", status: 200, body: `{"errorCode":"1001","errorMessage":"Api bilgileri bulunamadı"}`, kind: clients.KindRejected, code: "1001", message: "Api bilgileri bulunamadı"},
		{name: "failure without code or message", status: 400, body: `{"status":"failure"}`, kind: clients.KindRejected},
		{name: "line breaks and control characters become one space", status: 400, body: failure(`"1"`, `line\none\u0007`), kind: clients.KindRejected, code: "1", message: "line one"},
		{name: "failure carrying a token keeps none of its text", status: 400,
			body: `{"status":"failure","errorCode":"1","errorMessage":"see opaque-secret-token","accessToken":"opaque-secret-token"}`,
			kind: clients.KindRejected, code: "1"},
		{name: "failure carrying a token drops a non-numeric code", status: 400,
			body: `{"status":"failure","errorCode":"opaque-secret-token","accessToken":"opaque-secret-token"}`,
			kind: clients.KindRejected},

		{name: "success without accessToken", status: 200, body: `{"status":"success","locale":"tr","systemTime":1749027862133}`, kind: clients.KindNoToken},
		{name: "success with an empty accessToken", status: 200, body: `{"status":"success","accessToken":"  "}`, kind: clients.KindNoToken},
		{name: "success at HTTP 500 is not trusted", status: 500, body: `{"status":"success","accessToken":"opaque-token"}`, kind: clients.KindHTTPStatus},
		{name: "HTML at 200", status: 200, body: "<html><body>Bakım</body></html>", kind: clients.KindMalformed},
		{name: "HTML at 502", status: 502, body: "<html><body>Bad Gateway</body></html>", kind: clients.KindHTTPStatus},
		{name: "empty body", status: 200, body: "", kind: clients.KindMalformed},
		{name: "truncated JSON", status: 200, body: `{"status":"success","accessToken":"eyJ`, kind: clients.KindMalformed},
		{name: "JSON array", status: 200, body: `[]`, kind: clients.KindMalformed},
		{name: "neither success nor failure", status: 200, body: `{"status":"pending"}`, kind: clients.KindMalformed},
		{name: "accessToken of the wrong type", status: 200, body: `{"status":"success","accessToken":42}`, kind: clients.KindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &clients.Response{StatusCode: tt.status, Header: http.Header{}, Body: []byte(tt.body), Attempts: 2}
			tok, err := iyzico.Parse(resp, receivedAt)
			if tt.want != nil {
				if err != nil {
					t.Fatalf("Parse() error = %v", err)
				}
				if tok.AccessToken != tt.want.token {
					t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.want.token)
				}
				if !tok.ExpiresAt.Equal(tt.want.expiresAt) || tok.ExpiresAt.Location() != time.UTC {
					t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.want.expiresAt)
				}
				if !tok.IssuedAt.Equal(tt.want.issuedAt) || tok.IssuedAt.Location() != time.UTC {
					t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, tt.want.issuedAt)
				}
				if !slices.Equal(tok.Scopes, tt.want.scopes) || (tok.Scopes == nil) != (tt.want.scopes == nil) {
					t.Errorf("Scopes = %#v, want %#v", tok.Scopes, tt.want.scopes)
				}
				if tok.Capabilities != (clients.Capabilities{}) {
					t.Errorf("Capabilities = %+v, want all nil", tok.Capabilities)
				}
				if len(tok.Warnings) != 0 {
					t.Errorf("Warnings = %q, want none", tok.Warnings)
				}
				return
			}
			if tok != nil {
				t.Fatalf("Parse() = %v, want an error", tok)
			}
			var e *clients.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse() error = %T %v, want *clients.Error", err, err)
			}
			if e.Kind != tt.kind || e.Gateway != "iyzico" || e.StatusCode != tt.status || e.Attempts != 2 {
				t.Errorf("error = %+v, want kind %v, gateway iyzico, status %d, 2 attempts", e, tt.kind, tt.status)
			}
			if e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Code, Message = %q, %q; want %q, %q", e.Code, e.Message, tt.code, tt.message)
			}
			for _, secret := range []string{"opaque-secret-token", "eyJ"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes the body's token", err)
				}
			}
		})
	}
}

// TestClassify pins which answers overrule their HTTP status for retries.
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		body string
		want clients.Verdict
	}{
		{"string code", failure(`"50000"`, "Request Limit Exceeded"), clients.Temporary},
		{"number code", failure(`50000`, "Request Limit Exceeded"), clients.Temporary},
		{"code without status", `{"errorCode":50000}`, clients.Temporary},
		{"invalid signature", failure(`"1000"`, "Geçersiz imza"), clients.Final},
		{"unknown API key as a number", failure(`1001`, "Api bilgileri bulunamadı"), clients.Final},
		{"session token not found", failure(`"260016"`, "Session token bulunamadı."), clients.Final},
		{"invalid request", failure(`"11"`, "Geçersiz istek"), clients.Final},
		{"mandatory field", failure(`"24"`, "sessionToken gönderilmesi zorunludur"), clients.Final},
		{"system error", failure(`"1"`, "Sistem hatası"), clients.ByStatus},
		{"success", sampleBody, clients.ByStatus},
		{"success claiming a code", `{"status":"success","errorCode":"50000","accessToken":"x"}`, clients.ByStatus},
		{"not JSON", "<html>429</html>", clients.ByStatus},
		{"empty", "", clients.ByStatus},
		{"prefix of the code", failure(`"5000"`, "x"), clients.ByStatus},
		{"code inside a longer one", failure(`"10001"`, "x"), clients.ByStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, status := range []int{200, 401, 503} {
				if got := iyzico.Classify(status, []byte(tt.body)); got != tt.want {
					t.Errorf("Classify(%d) = %v, want %v", status, got, tt.want)
				}
			}
		})
	}
}

// TestParseFailureQuotesNoToken checks that a failure body carrying a
// token, under any key ending in "token", is never quoted, and that a
// message merely ending in the word token still is.
func TestParseFailureQuotesNoToken(t *testing.T) {
	clientstest.CheckTokenBodies(t, "iyzico", "1", func(status int, body []byte) (*clients.Token, error) {
		return iyzico.Parse(&clients.Response{StatusCode: status, Body: body, Attempts: 1}, receivedAt)
	})
	for _, tt := range []struct{ name, body, code, message string }{
		{"a message ending in token", failure(`"1"`, "invalid session token"), "1", "invalid session token"},
		{"the documented 260016", sampleFailure, "260016", "Session token bulunamadı."},
		{"an accessToken that is null", `{"status":"failure","errorCode":"1","errorMessage":"no token","accessToken":null}`, "1", "no token"},
		{"a nested token that is empty", `{"status":"failure","errorCode":"1","errorMessage":"no token","data":{"sessionToken":""}}`, "1", "no token"},
		{"a nested token drops a non-numeric code", `{"status":"failure","errorCode":"tok-CODE","errorMessage":"x","data":{"sessionToken":"tok-CODE"}}`, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := iyzico.Parse(&clients.Response{StatusCode: 400, Body: []byte(tt.body), Attempts: 1}, receivedAt)
			if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindRejected || e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Parse = %v; want a rejection with code %q quoting %q", err, tt.code, tt.message)
			}
		})
	}
}
