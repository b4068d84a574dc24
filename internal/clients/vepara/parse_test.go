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
	if want := time.Date(2023, 8, 15, 14, 30, 0, 0, time.UTC); !tok.ExpiresAt.Equal(want) || tok.ExpiresAt.Location() != time.UTC {
		t.Errorf("ExpiresAt = %v, want %v in UTC (17:30 in Turkey)", tok.ExpiresAt, want)
	}
	if !tok.IssuedAt.Equal(received) || tok.IssuedAt.Location() != time.UTC {
		t.Errorf("IssuedAt = %v, want the receipt time %v in UTC", tok.IssuedAt, received)
	}
	if got := clientstest.Flags(tok.Capabilities); got != "tttfnt" || tok.Scopes != nil || len(tok.Warnings) != 0 {
		t.Errorf("flags %s scopes %v warnings %q; want tttfnt, nil, none", got, tok.Scopes, tok.Warnings)
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
		status   int
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
		{name: "status_code 100 alone", body: `{"status_code":100,"status_description":"Successfully Generated token","data":{"token":"opaque-8","is_3d":1,"expired_at":"2026-03-14 13:00:00"}}`,
			expires: turkey, issued: receivedUTC},
		{name: "status_code 100 as a string", body: `{"status_code":"100","data":{"token":"opaque-9","is_3d":1}}`,
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC},
		{name: "status in another letter case", body: `{"status":" Success ","data":{"token":"opaque-10","is_3d":1}}`,
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC},
		{name: "success with HTTP 500", status: 500, body: success("opaque-11", `,"is_3d":1`),
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = http.StatusOK
			}
			tok, err := vepara.Parse(response(status, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tok.ExpiresAt.Equal(tt.expires) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.expires)
			}
			if !tok.IssuedAt.Equal(tt.issued) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, tt.issued)
			}
			if fmt.Sprint(tok.Scopes) != fmt.Sprint(tt.scopes) || (tok.Scopes == nil) != (tt.scopes == nil) {
				t.Errorf("Scopes = %#v, want %#v", tok.Scopes, tt.scopes)
			}
			if len(tok.Warnings) != tt.warnings {
				t.Errorf("Warnings = %q, want %d", tok.Warnings, tt.warnings)
			}
			for _, w := range tok.Warnings {
				if !strings.Contains(w, "Vepara's expired_at") || !strings.Contains(w, tok.ExpiresAt.Format(time.RFC3339)) {
					t.Errorf("warning %q does not name expired_at and the expiry used", w)
				}
			}
		})
	}
}

// TestParseIs3D maps every is_3d: 0, 1 and 2 as Sipay's, 3 as the branded
// row (Sipay's 4), anything else all null with a warning naming the value.
func TestParseIs3D(t *testing.T) {
	tests := []struct {
		is3D    string // "" leaves is_3d out
		flags   string
		warning string // a substring of the one warning; "" for none
	}{
		{"0", "tftfnf", ""},
		{"1", "tttfnt", ""},
		{"2", "fttfnf", ""},
		{"3", "nnftnf", ""},
		{`"3"`, "nnftnf", ""},
		{"4", "nnnnnn", "Vepara answered is_3d 4, a payment integration mode this provider does not know (it knows 0, 1, 2 and 3)"},
		{"7", "nnnnnn", "is_3d 7,"},
		{`"x"`, "nnnnnn", `is_3d "x",`},
		{"null", "nnnnnn", "is_3d null,"},
		{`{"mode":3}`, "nnnnnn", "is_3d (a 10-byte JSON object),"},
		{"", "nnnnnn", "Vepara's answer has no is_3d"},
	}
	for _, tt := range tests {
		t.Run("is_3d="+tt.is3D, func(t *testing.T) {
			rest := ""
			if tt.is3D != "" {
				rest = `,"is_3d":` + tt.is3D
			}
			tok, err := vepara.Parse(response(200, success("opaque-token-0123456789", rest+`,"expired_at":"2026-03-14 13:00:00"`)), time.Now())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := clientstest.Flags(tok.Capabilities); got != tt.flags {
				t.Errorf("flags = %s, want %s", got, tt.flags)
			}
			if tt.warning == "" {
				if len(tok.Warnings) != 0 {
					t.Errorf("Warnings = %q, want none", tok.Warnings)
				}
				return
			}
			if len(tok.Warnings) != 1 || !strings.Contains(tok.Warnings[0], tt.warning) || !strings.Contains(tok.Warnings[0], "The token is still usable.") {
				t.Errorf("Warnings = %q, want one containing %q", tok.Warnings, tt.warning)
			}
		})
	}
}

// TestParseRefusals covers Vepara's failures: the validation envelope
// (message and field names, never the messages under the fields), the
// platform's status_code envelope, and answers that are neither.
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
			name: "status_code 30 invalid credentials", status: 200, body: `{"status_code":30,"status_description":"Invalid credentials"}`,
			kind: clients.KindRejected, code: "30", message: "Invalid credentials",
		},
		{
			name: "status_code 2 invalid credentials", status: 200, body: `{"status_code":"2","status_description":"Geçersiz kimlik bilgileri","data":null}`,
			kind: clients.KindRejected, code: "2", message: "Geçersiz kimlik bilgileri",
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
		{name: "success without a token", status: 200, body: success("", `,"is_3d":1`), kind: clients.KindNoToken},
		{name: "success with a null token", status: 200, body: `{"status":"success","data":{"token":null,"is_3d":1}}`, kind: clients.KindNoToken},
		{name: "success without data", status: 200, body: `{"status":"success","message":"ok"}`, kind: clients.KindNoToken},
		{name: "success with a numeric token", status: 200, body: `{"status":"success","data":{"token":12345678}}`, kind: clients.KindMalformed},
		{name: "success with a control character", status: 200, body: `{"status":"success","data":{"token":"a\nb"}}`, kind: clients.KindMalformed},
		{name: "status_code not a number", status: 200, body: `{"status_code":"abc","status_description":"x"}`, kind: clients.KindMalformed},
		{name: "neither status nor status_code", status: 200, body: `{"message":"Server Error"}`, kind: clients.KindMalformed},
		{name: "Laravel's 500 page", status: 500, body: `{"message":"Server Error"}`, kind: clients.KindHTTPStatus},
		{name: "a JSON array", status: 200, body: `[1]`, kind: clients.KindMalformed},
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

// TestClassify pins which answers are never retried, whatever their HTTP
// status: the validation envelope and the platform's codes for bad input
// and invalid credentials. A success, even with such a code, is not.
func TestClassify(t *testing.T) {
	for body, want := range map[string]clients.Verdict{
		`{"message":"The app secret field must be a string.","errors":{"app_secret":["The app secret field must be a string."]}}`: clients.Final,
		`{"errors":{}}`: clients.Final,
		`{"status_code":30,"status_description":"Invalid credentials"}`:        clients.Final,
		`{"status_code":"2","status_description":"Geçersiz kimlik bilgileri"}`: clients.Final,
		`{"status_code":1,"status_description":"app id alanı gereklidir."}`:    clients.Final,
		`{"status":"success","status_code":30,"data":{"token":"x"}}`:           clients.ByStatus,
		`{"status":"success","data":{"token":"x","is_3d":1}}`:                  clients.ByStatus,
		`{"status_code":7,"status_description":"x"}`:                           clients.ByStatus,
		`{"status":"error","message":"x"}`:                                     clients.ByStatus,
		`{"message":"Too Many Attempts."}`:                                     clients.ByStatus,
		`{"errors":["a list is not Laravel's validation envelope"]}`:           clients.ByStatus,
		`<html>502 Bad Gateway</html>`:                                         clients.ByStatus,
		``:                                                                     clients.ByStatus,
	} {
		for _, status := range []int{200, 422, 500, 503} {
			if got := vepara.Classify(status, []byte(body)); got != want {
				t.Errorf("Classify(%d, %s) = %v, want %v", status, body, got, want)
			}
		}
	}
}
