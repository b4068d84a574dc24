package vepara_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

func response(status int, body string) *clients.Response {
	return &clients.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Attempts: 1}
}

// success renders a success answer as Vepara's token page shows it, with
// token and the rest of data.
func success(token, rest string) string {
	return fmt.Sprintf(`{"status":"success","message":"Token başarıyla alındı.","data":{"token":%q%s}}`, token, rest)
}

// TestParseDocumentedSample reads the answer of Vepara's token page: its
// token is opaque, so expired_at, Turkey time, is the expiry.
func TestParseDocumentedSample(t *testing.T) {
	body := `{"status":"success","message":"Token başarıyla alındı.","data":{"token":"your generated token","is_3d":1,"expired_at":"2023-08-15 17:30:00"}}`
	received := time.Date(2023, 8, 15, 12, 30, 5, 0, time.FixedZone("CEST", 2*3600))
	tok, err := vepara.Parse(response(200, body), received)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if tok.AccessToken != "your generated token" {
		t.Errorf("AccessToken = %q", tok.AccessToken)
	}
	// 17:30 in Turkey; issued when received.
	clientstest.CheckToken(t, tok, clientstest.TokenWant{ExpiresAt: time.Date(2023, 8, 15, 14, 30, 0, 0, time.UTC), IssuedAt: received})
	if got := clientstest.Flags(tok.Capabilities); got != "tttfnt" {
		t.Errorf("flags = %s, want tttfnt", got)
	}
}

// TestParseSuccess covers what counts as success and where the expiry,
// the issue time and the scopes come from.
func TestParseSuccess(t *testing.T) {
	received := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	receivedUTC := received.UTC()
	iat := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	exp := iat.Add(90 * time.Minute)
	full := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix(), "scopes": []string{"payment", "refund"}})
	noScopes := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix()})
	noExp := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "scopes": []string{}})
	// 13:00 in Turkey is 10:00 UTC.
	turkey := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		body     string
		expires  time.Time
		issued   time.Time
		scopes   []string // nil: nil
		warnings int
	}{
		{name: "JWT exp wins over expired_at", body: success(full, `,"is_3d":1,"expired_at":"2026-03-14 13:00:00"`),
			expires: exp, issued: iat, scopes: []string{"payment", "refund"}},
		{name: "JWT exp wins over an unreadable expired_at", body: success(full, `,"is_3d":1,"expired_at":"soon"`),
			expires: exp, issued: iat, scopes: []string{"payment", "refund"}},
		{name: "JWT exp without expired_at", body: success(noScopes, `,"is_3d":1`), expires: exp, issued: iat},
		{name: "JWT without exp: expired_at in Turkey time", body: success(noExp, `,"is_3d":1,"expired_at":"2026-03-14 13:00:00"`),
			expires: turkey, issued: iat, scopes: []string{}},
		{name: "JWT without exp or expired_at: receipt plus 2h", body: success(noExp, `,"is_3d":1`),
			expires: receivedUTC.Add(2 * time.Hour), issued: iat, scopes: []string{}},
		{name: "opaque token: expired_at in Turkey time", body: success("opaque-1", `,"is_3d":1,"expired_at":"2026-03-14 13:00:00"`),
			expires: turkey, issued: receivedUTC},
		{name: "expires_at accepted", body: success("opaque-2", `,"is_3d":1,"expires_at":"2026-03-14 13:00:00"`),
			expires: turkey, issued: receivedUTC},
		{name: "expired_at wins over expires_at", body: success("opaque-3", `,"is_3d":1,"expired_at":"2026-03-14 13:00:00","expires_at":"2026-03-14 14:00:00"`),
			expires: turkey, issued: receivedUTC},
		{name: "expired_at null: expires_at", body: success("opaque-4", `,"is_3d":1,"expired_at":null,"expires_at":"2026-03-14 13:00:00"`),
			expires: turkey, issued: receivedUTC},
		{name: "opaque token without expiry: receipt plus 2h", body: success("opaque-5", `,"is_3d":1`),
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC},
		{name: "expired_at unreadable: receipt plus 2h and a warning", body: success("opaque-6", `,"is_3d":1,"expired_at":"15.08.2023 17:30"`),
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, warnings: 1},
		{name: "expired_at a number: receipt plus 2h and a warning", body: success("opaque-7", `,"is_3d":1,"expired_at":1773482400`),
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, warnings: 1},
		{name: "status in another letter case", body: `{"status":" Success ","data":{"token":"opaque-10","is_3d":1}}`,
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := vepara.Parse(response(http.StatusOK, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			clientstest.CheckToken(t, tok, clientstest.TokenWant{ExpiresAt: tt.expires, IssuedAt: tt.issued, Scopes: tt.scopes, Warnings: tt.warnings})
			for _, w := range tok.Warnings {
				if !strings.Contains(w, "Vepara's expired_at") || !strings.Contains(w, tok.ExpiresAt.Format(time.RFC3339)) {
					t.Errorf("warning %q does not name expired_at and the expiry used", w)
				}
			}
		})
	}
}

// TestParseRefusals covers Vepara's own failures: the validation envelope
// (message and field names, never the messages under the fields) and
// answers with another status or neither status nor status_code. The
// platform's status_code envelope is in sipay's TestPlatformRefusals.
func TestParseRefusals(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    clients.ErrorKind
		code    string
		message string
		hidden  []string // must not appear in the error
	}{
		{
			name: "documented 422", status: 422,
			body: `{"message":"The app secret field must be a string. (and 1 more error)","errors":{"app_secret":["The app secret field must be a string.","The app secret field is required."]}}`,
			kind: clients.KindRejected, message: "The app secret field must be a string. (and 1 more error) (invalid fields: app_secret)",
			hidden: []string{"The app secret field is required."},
		},
		{
			name: "422 with two fields, each quoting what was sent", status: 422,
			body: `{"message":"The app id field is invalid. (and 1 more error)","errors":{"app_secret":["The value vp-secret-QUOTED-1 is invalid."],"app_id":["The value vp-id-QUOTED-2 is invalid."]}}`,
			kind: clients.KindRejected, message: "The app id field is invalid. (and 1 more error) (invalid fields: app_id, app_secret)",
			hidden: []string{"vp-secret-QUOTED-1", "vp-id-QUOTED-2"},
		},
		{
			name: "422 without a message", status: 422, body: `{"errors":{"app_id":["x-QUOTED-3"]}}`,
			kind: clients.KindRejected, message: "(invalid fields: app_id)", hidden: []string{"x-QUOTED-3"},
		},
		{
			name: "422 naming many fields", status: 422,
			body: `{"message":"m","errors":{"f01":[],"f02":[],"f03":[],"f04":[],"f05":[],"f06":[],"f07":[],"f08":[],"f09":[],"f10":[],"f11":[],"f12":[]}}`,
			kind: clients.KindRejected, message: "m (invalid fields: f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, and 2 more)",
		},
		{
			name: "validation envelope at HTTP 200", status: 200, body: `{"message":"The app id field is required.","errors":{"app_id":["The app id field is required."]}}`,
			kind: clients.KindRejected, message: "The app id field is required. (invalid fields: app_id)",
		},
		{
			name: "another status with a message", status: 400, body: `{"status":"error","message":"Üye işyeri pasif."}`,
			kind: clients.KindRejected, message: "Üye işyeri pasif.",
		},
		{
			name: "another status without a message", status: 200, body: `{"status":"failed"}`,
			kind: clients.KindRejected, message: "status failed",
		},
		{name: "an empty status", status: 200, body: `{"status":" "}`, kind: clients.KindRejected},
		{name: "neither status nor status_code", status: 200, body: `{"message":"Server Error"}`, kind: clients.KindMalformed},
		{name: "Laravel's 500 page", status: 500, body: `{"message":"Server Error"}`, kind: clients.KindHTTPStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := vepara.Parse(response(tt.status, tt.body), time.Now())
			e, ok := clients.AsError(err)
			if !ok || tok != nil {
				t.Fatalf("Parse = %v, %v; want a *clients.Error", tok, err)
			}
			if e.Kind != tt.kind || e.Code != tt.code || e.Message != tt.message || e.Gateway != "vepara" || e.StatusCode != tt.status {
				t.Errorf("got %v code %q message %q gateway %q HTTP %d; want %v code %q message %q gateway vepara HTTP %d",
					e.Kind, e.Code, e.Message, e.Gateway, e.StatusCode, tt.kind, tt.code, tt.message, tt.status)
			}
			for _, s := range tt.hidden {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q shows %q, a message under a field", err, s)
				}
			}
		})
	}
}

// TestClassify pins Vepara's own verdicts: the validation envelope is never
// retried, whatever its HTTP status; a success, even with a platform code
// that sipay's TestPlatformClassify calls final, is left to the status.
func TestClassify(t *testing.T) {
	for body, want := range map[string]clients.Verdict{
		`{"message":"The app secret field must be a string.","errors":{"app_secret":["The app secret field must be a string."]}}`: clients.Final,
		`{"errors":{}}`: clients.Final,
		`{"status":"success","status_code":30,"data":{"token":"x"}}`: clients.ByStatus,
		`{"status":"success","data":{"token":"x","is_3d":1}}`:        clients.ByStatus,
		`{"status":"error","message":"x"}`:                           clients.ByStatus,
		`{"message":"Too Many Attempts."}`:                           clients.ByStatus,
		`{"errors":["a list is not Laravel's validation envelope"]}`: clients.ByStatus,
	} {
		for _, status := range []int{200, 422, 500, 503} {
			if got := vepara.Classify(status, []byte(body)); got != want {
				t.Errorf("Classify(%d, %s) = %v, want %v", status, body, got, want)
			}
		}
	}
}
