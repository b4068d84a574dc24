package veparasim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// now is the emulator's clock in these tests: 12:30 UTC, 15:30 in Turkey.
var now = time.Date(2026, 3, 14, 12, 30, 0, 0, time.UTC)

const (
	invalidCredentials = `{"status_code":2,"status_description":"Invalid credentials"}`
	fixtureBody        = `{"app_id":"sandbox-vepara-is3d-1","app_secret":"sandbox-vepara-secret-is3d-1"}`
	// bothRequired is Laravel's answer to a request in which it sees no
	// fields at all.
	bothRequired = `{"message":"The app id field is required. (and 1 more error)",` +
		`"errors":{"app_id":["The app id field is required."],"app_secret":["The app secret field is required."]}}`
)

func start(t *testing.T, opts ...sipaysim.Option) (*sipaysim.Server, *httptest.Server) {
	t.Helper()
	emu := veparasim.New(append([]sipaysim.Option{sipaysim.WithClock(func() time.Time { return now })}, opts...)...)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, ts *httptest.Server, method, path, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func post(t *testing.T, ts *httptest.Server, body string) answer {
	t.Helper()
	return call(t, ts, http.MethodPost, veparasim.TokenPath, "application/json", body)
}

// decodeSuccess checks the documented success envelope and returns data.
func decodeSuccess(t *testing.T, a answer) map[string]json.RawMessage {
	t.Helper()
	var s struct {
		Status  string                     `json:"status"`
		Message string                     `json:"message"`
		Data    map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(a.body, &s); err != nil {
		t.Fatalf("the answer is not JSON: %v", err)
	}
	if a.status != http.StatusOK || s.Status != "success" || s.Message != "Token başarıyla alındı." {
		t.Fatalf("answer = HTTP %d %s, want HTTP 200 status success", a.status, a.body)
	}
	return s.Data
}

func stringField(t *testing.T, data map[string]json.RawMessage, name string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(data[name], &s); err != nil {
		t.Fatalf("data.%s = %s, want a string", name, data[name])
	}
	return s
}

// TestFixtures gets a token with every built-in merchant: the documented
// spellings, is_3d, expired_at in Turkey time, and a platform JWT, an
// opaque token or no expired_at where the merchant says so.
func TestFixtures(t *testing.T) {
	tests := []struct {
		label, appID string
		is3D         string
		opaque       bool
		expiredAt    string // "" for none
	}{
		{"is_3d=0", "sandbox-vepara-is3d-0", "0", false, "2026-03-14 17:30:00"},
		{"is_3d=1", "sandbox-vepara-is3d-1", "1", false, "2026-03-14 17:30:00"},
		{"is_3d=2", "sandbox-vepara-is3d-2", "2", false, "2026-03-14 17:30:00"},
		{"is_3d=3", "sandbox-vepara-is3d-3", "3", false, "2026-03-14 17:30:00"},
		{"is_3d=4", "sandbox-vepara-is3d-4", "4", false, "2026-03-14 17:30:00"},
		{"opaque token", "sandbox-vepara-opaque", "1", true, "2026-03-14 17:30:00"},
		{"no expired_at", "sandbox-vepara-no-expired-at", "2", false, ""},
	}
	emu := veparasim.New()
	creds := emu.Credentials()
	if len(creds) != len(tests) {
		t.Fatalf("Credentials has %d entries, want %d", len(creds), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			c := creds[i]
			if c.Label != tt.label || c.Settings["app_id"] != tt.appID || !strings.HasPrefix(c.Settings["app_secret"], "sandbox-vepara-secret-") ||
				len(c.Settings) != 2 || c.Args != nil || !strings.HasSuffix(c.Note, ".") {
				t.Fatalf("Credentials[%d] = %q %v note %q, want %q with app_id %s, an obviously fake app_secret and a sentence",
					i, c.Label, c.Settings["app_id"], c.Note, tt.label, tt.appID)
			}
			emu, ts := start(t)
			body, _ := json.Marshal(c.Settings)
			a := post(t, ts, string(body))
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			data := decodeSuccess(t, a)
			if got := string(data["is_3d"]); got != tt.is3D {
				t.Errorf("is_3d = %s, want %s", got, tt.is3D)
			}
			if _, ok := data["expires_at"]; ok {
				t.Error("data has expires_at, Sipay's spelling; Vepara's is expired_at")
			}
			if _, ok := data["expired_at"]; ok != (tt.expiredAt != "") {
				t.Errorf("expired_at sent = %v, want %v", ok, tt.expiredAt != "")
			} else if ok {
				if got := stringField(t, data, "expired_at"); got != tt.expiredAt {
					t.Errorf("expired_at = %q, want %q (Turkey time of now + 2h)", got, tt.expiredAt)
				}
			}
			token := stringField(t, data, "token")
			if issued := emu.Issued(); len(issued) != 1 || issued[0] != token {
				t.Errorf("ledger holds %d tokens, want exactly the issued one", len(issued))
			}
			claims := jwt.MapClaims{}
			_, err := jwt.NewParser(jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithValidMethods([]string{"RS256"})).
				ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return sipaysim.PublicKey(), nil })
			if tt.opaque {
				if err == nil || !strings.HasPrefix(token, "sandbox_") || strings.Contains(token, ".") {
					t.Errorf("token %q is not an opaque sandbox_ token", token)
				}
				return
			}
			if err != nil {
				t.Fatalf("the token does not verify as the platform's RS256 JWT: %v", err)
			}
			if claims["iat"] != float64(now.Unix()) || claims["exp"] != float64(now.Add(2*time.Hour).Unix()) {
				t.Errorf("iat %v exp %v, want %d and 2 hours later", claims["iat"], claims["exp"], now.Unix())
			}
			if scopes, ok := claims["scopes"].([]any); !ok || len(scopes) != 0 {
				t.Errorf("scopes = %#v, want []", claims["scopes"])
			}
		})
	}
}

// TestRequestChecks pins the answers to bad requests: Laravel's 422 for
// every validation rule, the platform's invalid credentials, 404 and 405.
func TestRequestChecks(t *testing.T) {
	long := strings.Repeat("a", 256)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		want        string // the exact answer body; "" to check only the status
		allow       string
	}{
		{name: "GET", method: "GET", path: veparasim.TokenPath, status: 405, allow: "POST",
			want: `{"message":"The GET method is not supported for this route. Supported methods: POST."}`},
		{name: "other path", method: "POST", path: "/ccpayment/api/paySmart3D", contentType: "application/json", body: fixtureBody,
			status: 404, want: `{"message":"Not Found"}`},
		{name: "path without /ccpayment", method: "POST", path: "/api/token", contentType: "application/json", body: fixtureBody, status: 404},
		{name: "documented 422: null app_secret", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"sandbox-vepara-is3d-1","app_secret":null}`, status: 422,
			want: `{"message":"The app secret field must be a string. (and 1 more error)",` +
				`"errors":{"app_secret":["The app secret field must be a string.","The app secret field is required."]}}`},
		{name: "empty app_id", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"","app_secret":"x"}`, status: 422,
			want: `{"message":"The app id field must be a string. (and 1 more error)",` +
				`"errors":{"app_id":["The app id field must be a string.","The app id field is required."]}}`},
		{name: "missing app_secret", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"sandbox-vepara-is3d-1"}`, status: 422,
			want: `{"message":"The app secret field is required.","errors":{"app_secret":["The app secret field is required."]}}`},
		{name: "numeric app_id", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":1,"app_secret":"x"}`, status: 422,
			want: `{"message":"The app id field must be a string.","errors":{"app_id":["The app id field must be a string."]}}`},
		{name: "both too long", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"` + long + `","app_secret":"` + long + `"}`, status: 422,
			want: `{"message":"The app id field must not be greater than 255 characters. (and 1 more error)",` +
				`"errors":{"app_id":["The app id field must not be greater than 255 characters."],` +
				`"app_secret":["The app secret field must not be greater than 255 characters."]}}`},
		{name: "255 characters pass validation", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"` + long[1:] + `","app_secret":"x"}`, status: 200, want: invalidCredentials},
		{name: "empty body", method: "POST", path: veparasim.TokenPath, contentType: "application/json", status: 422, want: bothRequired},
		{name: "not JSON", method: "POST", path: veparasim.TokenPath, contentType: "application/json", body: `app_id=x`, status: 422, want: bothRequired},
		{name: "JSON array", method: "POST", path: veparasim.TokenPath, contentType: "application/json", body: `["x"]`, status: 422, want: bothRequired},
		{name: "JSON sent as text/plain", method: "POST", path: veparasim.TokenPath, contentType: "text/plain", body: fixtureBody, status: 422, want: bothRequired},
		{name: "wrong secret", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"sandbox-vepara-is3d-1","app_secret":"sandbox-vepara-secret-is3d-2"}`, status: 200, want: invalidCredentials},
		{name: "Sipay's fixture", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"sandbox-sipay-is3d-1","app_secret":"sandbox-secret-is3d-1"}`, status: 200, want: invalidCredentials},
		{name: "body too large", method: "POST", path: veparasim.TokenPath, contentType: "application/json",
			body: `{"app_id":"` + strings.Repeat("a", 70<<10) + `"}`, status: 413},
		{name: "JSON with charset", method: "POST", path: veparasim.TokenPath, contentType: "application/json; charset=utf-8", body: fixtureBody, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu, ts := start(t)
			a := call(t, ts, tt.method, tt.path, tt.contentType, tt.body)
			if a.status != tt.status {
				t.Errorf("HTTP %d, want %d (body %s)", a.status, tt.status, a.body)
			}
			if tt.want != "" && string(a.body) != tt.want {
				t.Errorf("body = %s, want %s", a.body, tt.want)
			}
			if got := a.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			wantIssued := 0
			if tt.status == 200 && tt.want == "" {
				decodeSuccess(t, a)
				wantIssued = 1
			}
			if n := len(emu.Issued()); n != wantIssued {
				t.Errorf("ledger holds %d tokens, want %d", n, wantIssued)
			}
		})
	}
}

// TestMerchantOverrides bends a merchant's answers: the platform's expiry
// fields are Vepara's expired_at, and is_3d goes out verbatim.
func TestMerchantOverrides(t *testing.T) {
	emu, ts := start(t,
		sipaysim.WithMerchant(sipaysim.Merchant{AppID: "custom", AppSecret: "custom-secret", ExpiresAt: "15.03.2026 10:00", Is3D: json.RawMessage(`"x"`)}),
		sipaysim.WithMerchant(sipaysim.Merchant{AppID: "bare", AppSecret: "bare-secret", OmitExpiresAt: true}),
		sipaysim.WithMerchant(sipaysim.Merchant{AppID: "no-token", AppSecret: "no-token-secret", OmitToken: true, Is3D: json.RawMessage(`1`)}),
	)
	data := decodeSuccess(t, post(t, ts, `{"app_id":"custom","app_secret":"custom-secret"}`))
	if got := stringField(t, data, "expired_at"); got != "15.03.2026 10:00" || string(data["is_3d"]) != `"x"` {
		t.Errorf("expired_at %q is_3d %s, want the merchant's verbatim", got, data["is_3d"])
	}
	if data = decodeSuccess(t, post(t, ts, `{"app_id":"bare","app_secret":"bare-secret"}`)); len(data) != 1 || data["token"] == nil {
		t.Errorf("data = %v, want only the token", data)
	}
	data = decodeSuccess(t, post(t, ts, `{"app_id":"no-token","app_secret":"no-token-secret"}`))
	if _, ok := data["token"]; ok || data["expired_at"] == nil {
		t.Errorf("data = %v, want expired_at and no token", data)
	}
	if n := len(emu.Issued()); n != 2 {
		t.Errorf("ledger holds %d tokens, want the 2 sent", n)
	}
}
