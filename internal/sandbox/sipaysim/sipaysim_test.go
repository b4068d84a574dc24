package sipaysim_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// sampleNow is the moment Sipay issued its documented sample token (iat).
var sampleNow = time.Unix(1611920761, 0).UTC()

const (
	invalidCredentials = `{"status_code":30,"status_description":"Invalid credentials"}`
	appIDRequired      = `{"status_code":1,"status_description":"app id alanı gereklidir.","data":null}`
	appSecretRequired  = `{"status_code":1,"status_description":"app secret alanı gereklidir.","data":null}`
	fixtureBody        = `{"app_id":"sandbox-sipay-is3d-1","app_secret":"sandbox-secret-is3d-1"}`
)

func start(t *testing.T, opts ...sipaysim.Option) (*sipaysim.Server, *httptest.Server) {
	t.Helper()
	emu := sipaysim.New(append([]sipaysim.Option{sipaysim.WithClock(func() time.Time { return sampleNow })}, opts...)...)
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

type successBody struct {
	StatusCode        json.RawMessage            `json:"status_code"`
	StatusDescription string                     `json:"status_description"`
	Data              map[string]json.RawMessage `json:"data"`
}

func decodeSuccess(t *testing.T, a answer) successBody {
	t.Helper()
	var s successBody
	if err := json.Unmarshal(a.body, &s); err != nil {
		t.Fatalf("the answer is not JSON: %v", err)
	}
	if a.status != http.StatusOK || string(s.StatusCode) != "100" || s.StatusDescription != "Successfully Generated token" {
		t.Fatalf("answer = HTTP %d status_code %s %q, want HTTP 200 status_code 100", a.status, s.StatusCode, s.StatusDescription)
	}
	return s
}

func stringField(t *testing.T, data map[string]json.RawMessage, name string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(data[name], &s); err != nil {
		t.Fatalf("data.%s = %s, want a string", name, data[name])
	}
	return s
}

func TestFixturesIssueSipayShapedTokens(t *testing.T) {
	jtiShape := regexp.MustCompile(`^[0-9a-f]{80}$`)
	for _, is3D := range []string{"0", "1", "2", "4", "7"} {
		t.Run("is_3d="+is3D, func(t *testing.T) {
			emu, ts := start(t)
			body := `{"app_id":"sandbox-sipay-is3d-` + is3D + `","app_secret":"sandbox-secret-is3d-` + is3D + `"}`
			a := call(t, ts, http.MethodPost, "/ccpayment/api/token", "application/json", body)
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			s := decodeSuccess(t, a)
			if got := string(s.Data["is_3d"]); got != is3D {
				t.Errorf("is_3d = %s, want %s", got, is3D)
			}
			// Sipay's sample: "2021-01-29 16:46:01" for exp 1611927961.
			if got := stringField(t, s.Data, "expires_at"); got != "2021-01-29 16:46:01" {
				t.Errorf("expires_at = %q, want 2021-01-29 16:46:01 (Turkey time of iat + 2h)", got)
			}
			token := stringField(t, s.Data, "token")

			claims := jwt.MapClaims{}
			parsed, err := jwt.NewParser(jwt.WithTimeFunc(func() time.Time { return sampleNow }), jwt.WithValidMethods([]string{"RS256"})).
				ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return sipaysim.PublicKey(), nil })
			if err != nil {
				t.Fatalf("the token does not verify with PublicKey at its issue time: %v", err)
			}
			if parsed.Header["typ"] != "JWT" || parsed.Header["jti"] != claims["jti"] {
				t.Errorf("header = %v, want typ JWT and the claims' jti", parsed.Header)
			}
			if jti, _ := claims["jti"].(string); !jtiShape.MatchString(jti) {
				t.Errorf("jti = %q, want 80 hex digits like Passport's", jti)
			}
			want := map[string]any{"aud": "9", "iat": float64(1611920761), "nbf": float64(1611920761), "exp": float64(1611927961)}
			for k, v := range want {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			if sub, ok := claims["sub"].(string); !ok || sub == "" {
				t.Errorf("sub = %v, want a non-empty string", claims["sub"])
			}
			if scopes, ok := claims["scopes"].([]any); !ok || len(scopes) != 0 {
				t.Errorf("scopes = %#v, want []", claims["scopes"])
			}
			if issued := emu.Issued(); len(issued) != 1 || issued[0] != token {
				t.Errorf("ledger holds %d tokens, want exactly the issued one", len(issued))
			}
		})
	}
}

func TestRequestChecks(t *testing.T) {
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
		{name: "GET", method: "GET", path: "/ccpayment/api/token", status: 405, allow: "POST",
			want: `{"message":"The GET method is not supported for this route. Supported methods: POST."}`},
		{name: "PUT", method: "PUT", path: "/ccpayment/api/token", contentType: "application/json", body: fixtureBody, status: 405, allow: "POST"},
		{name: "other path", method: "POST", path: "/ccpayment/api/paySmart3D", contentType: "application/json", body: fixtureBody, status: 404, want: `{"message":"Not Found"}`},
		{name: "path without /ccpayment", method: "POST", path: "/api/token", contentType: "application/json", body: fixtureBody, status: 404},
		{name: "trailing slash", method: "POST", path: "/ccpayment/api/token/", contentType: "application/json", body: fixtureBody, status: 404},
		{name: "missing app_id", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_secret":"sandbox-secret-is3d-1"}`, status: 200, want: appIDRequired},
		{name: "empty app_id", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"","app_secret":"sandbox-secret-is3d-1"}`, status: 200, want: appIDRequired},
		{name: "null app_id", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":null,"app_secret":"sandbox-secret-is3d-1"}`, status: 200, want: appIDRequired},
		{name: "missing app_secret", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"sandbox-sipay-is3d-1"}`, status: 200, want: appSecretRequired},
		{name: "empty body", method: "POST", path: "/ccpayment/api/token", contentType: "application/json", status: 200, want: appIDRequired},
		{name: "not JSON", method: "POST", path: "/ccpayment/api/token", contentType: "application/json", body: `app_id=x`, status: 200, want: appIDRequired},
		{name: "JSON array", method: "POST", path: "/ccpayment/api/token", contentType: "application/json", body: `["sandbox-sipay-is3d-1"]`, status: 200, want: appIDRequired},
		{name: "JSON sent as text/plain", method: "POST", path: "/ccpayment/api/token", contentType: "text/plain", body: fixtureBody, status: 200, want: appIDRequired},
		{name: "no content type", method: "POST", path: "/ccpayment/api/token", body: fixtureBody, status: 200, want: appIDRequired},
		{name: "form-encoded", method: "POST", path: "/ccpayment/api/token", contentType: "application/x-www-form-urlencoded",
			body: "app_id=sandbox-sipay-is3d-1&app_secret=sandbox-secret-is3d-1", status: 200, want: appIDRequired},
		{name: "wrong secret", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"sandbox-sipay-is3d-1","app_secret":"sandbox-secret-is3d-2"}`, status: 200, want: invalidCredentials},
		{name: "unknown app_id", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"077faac7dba364b3f058193de9fea2e6","app_secret":"bb18138fbd6fe9a2512e8933e6f37a01"}`, status: 200, want: invalidCredentials},
		{name: "numeric app_id", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":1,"app_secret":"sandbox-secret-is3d-1"}`, status: 200, want: invalidCredentials},
		{name: "secret with different case", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"sandbox-sipay-is3d-1","app_secret":"SANDBOX-SECRET-IS3D-1"}`, status: 200, want: invalidCredentials},
		{name: "body too large", method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
			body: `{"app_id":"` + strings.Repeat("a", 70<<10) + `"}`, status: 413},
		{name: "JSON with charset", method: "POST", path: "/ccpayment/api/token", contentType: "application/json; charset=utf-8", body: fixtureBody, status: 200},
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
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			wantIssued := 0
			if tt.status == 200 && tt.want == "" {
				decodeSuccess(t, a)
				wantIssued = 1
			}
			if n := len(emu.Issued()); n != wantIssued {
				t.Errorf("ledger holds %d tokens, want %d", n, wantIssued)
			}
			if n := emu.Faults().Calls(); n != 1 {
				t.Errorf("Calls = %d, want 1", n)
			}
		})
	}
}

func TestMerchantOverrides(t *testing.T) {
	tests := []struct {
		name     string
		merchant sipaysim.Merchant
		check    func(t *testing.T, data map[string]json.RawMessage, issued []string)
	}{
		{
			name:     "opaque token",
			merchant: sipaysim.Merchant{OpaqueToken: true, Is3D: json.RawMessage(`1`)},
			check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
				token := stringField(t, data, "token")
				if !strings.HasPrefix(token, "sandbox_") || strings.Count(token, ".") != 0 {
					t.Errorf("token %q is not an opaque sandbox_ token", token)
				}
				if _, err := hex.DecodeString(strings.TrimPrefix(token, "sandbox_")); err != nil {
					t.Errorf("token %q is not sandbox_ plus hex", token)
				}
				if len(issued) != 1 || issued[0] != token {
					t.Error("the opaque token is not in the ledger")
				}
			},
		},
		{
			name:     "no token",
			merchant: sipaysim.Merchant{OmitToken: true, Is3D: json.RawMessage(`1`)},
			check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
				if _, ok := data["token"]; ok || len(issued) != 0 {
					t.Errorf("token sent = %v, ledger = %d; want neither", ok, len(issued))
				}
				if _, ok := data["expires_at"]; !ok {
					t.Error("expires_at missing")
				}
			},
		},
		{
			name:     "no expires_at, no is_3d",
			merchant: sipaysim.Merchant{OmitExpiresAt: true},
			check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
				_, hasExp := data["expires_at"]
				_, hasIs3D := data["is_3d"]
				if hasExp || hasIs3D || len(data) != 1 {
					t.Errorf("data has keys %d (expires_at %v, is_3d %v), want only token", len(data), hasExp, hasIs3D)
				}
			},
		},
		{
			name:     "custom expires_at and is_3d",
			merchant: sipaysim.Merchant{ExpiresAt: "29.01.2021 16:46", Is3D: json.RawMessage(`"x"`)},
			check: func(t *testing.T, data map[string]json.RawMessage, _ []string) {
				if got := stringField(t, data, "expires_at"); got != "29.01.2021 16:46" {
					t.Errorf("expires_at = %q", got)
				}
				if got := string(data["is_3d"]); got != `"x"` {
					t.Errorf("is_3d = %s, want \"x\"", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.merchant
			m.AppID, m.AppSecret = "test-merchant", "test-secret"
			emu, ts := start(t, sipaysim.WithMerchant(m))
			a := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", `{"app_id":"test-merchant","app_secret":"test-secret"}`)
			tt.check(t, decodeSuccess(t, a).Data, emu.Issued())
		})
	}
}

func TestWithMerchantReplacesByAppID(t *testing.T) {
	emu, ts := start(t, sipaysim.WithMerchant(sipaysim.Merchant{AppID: "sandbox-sipay-is3d-1", AppSecret: "rotated", Is3D: json.RawMessage(`2`)}))
	if a := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", fixtureBody); string(a.body) != invalidCredentials {
		t.Errorf("the old secret still works: %s", a.body)
	}
	a := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", `{"app_id":"sandbox-sipay-is3d-1","app_secret":"rotated"}`)
	if got := string(decodeSuccess(t, a).Data["is_3d"]); got != "2" {
		t.Errorf("is_3d = %s, want the replacement's 2", got)
	}
	if n := len(emu.Credentials()); n != len(sipaysim.Fixtures()) {
		t.Errorf("Credentials has %d entries, want %d: a replacement adds none", n, len(sipaysim.Fixtures()))
	}
}

func TestCredentials(t *testing.T) {
	emu := sipaysim.New(sipaysim.WithMerchant(sipaysim.Merchant{AppID: "extra", AppSecret: "extra-secret"}))
	creds := emu.Credentials()
	wantLabels := []string{"is_3d=0", "is_3d=1", "is_3d=2", "is_3d=4", "is_3d=7", "app_id=extra"}
	if len(creds) != len(wantLabels) {
		t.Fatalf("Credentials has %d entries, want %d", len(creds), len(wantLabels))
	}
	for i, c := range creds {
		if c.Label != wantLabels[i] || c.Note == "" || !strings.HasSuffix(c.Note, ".") {
			t.Errorf("Credentials[%d] = label %q note %q, want label %q and a sentence", i, c.Label, c.Note, wantLabels[i])
		}
		if len(c.Settings) != 2 || c.Settings["app_id"] == "" || c.Settings["app_secret"] == "" || c.Args != nil {
			t.Errorf("Credentials[%d] settings %v args %v, want app_id and app_secret only", i, keysOf(c.Settings), c.Args)
		}
		if i < 5 && (!strings.HasPrefix(c.Settings["app_id"], "sandbox-") || !strings.HasPrefix(c.Settings["app_secret"], "sandbox-")) {
			t.Errorf("fixture %d is not obviously fake", i)
		}
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFaultsComeFirst(t *testing.T) {
	emu, ts := start(t)
	emu.Faults().Inject(simkit.Fault{Kind: simkit.HTMLError, Status: 503, Times: 1})
	if a := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", fixtureBody); a.status != 503 {
		t.Errorf("first call HTTP %d, want the injected 503", a.status)
	}
	decodeSuccess(t, call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", fixtureBody))
	if n := emu.Faults().Calls(); n != 2 {
		t.Errorf("Calls = %d, want 2", n)
	}
	if n := len(emu.Issued()); n != 1 {
		t.Errorf("ledger holds %d tokens, want 1", n)
	}
}

func TestClockDrivesExpiry(t *testing.T) {
	now := time.Date(2026, 6, 30, 22, 15, 30, 900_000_000, time.UTC)
	_, ts := start(t, sipaysim.WithClock(func() time.Time { return now }))
	data := decodeSuccess(t, call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", fixtureBody)).Data
	// 22:15:30 UTC + 2h is 00:15:30 UTC, 03:15:30 in Turkey, the next day.
	if got := stringField(t, data, "expires_at"); got != "2026-07-01 03:15:30" {
		t.Errorf("expires_at = %q, want 2026-07-01 03:15:30", got)
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080":  "http://127.0.0.1:8080/ccpayment",
		"http://127.0.0.1:8080/": "http://127.0.0.1:8080/ccpayment",
	} {
		if got := sipaysim.BaseURL(in); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentIssue(t *testing.T) {
	emu, ts := start(t)
	const n = 6
	done := make(chan []byte, n)
	for range n {
		go func() {
			resp, err := ts.Client().Post(ts.URL+sipaysim.TokenPath, "application/json", bytes.NewBufferString(fixtureBody))
			if err != nil {
				done <- nil
				return
			}
			defer func() { _ = resp.Body.Close() }()
			body, _ := io.ReadAll(resp.Body)
			done <- body
		}()
	}
	seen := map[string]bool{}
	for range n {
		body := <-done
		var s successBody
		if err := json.Unmarshal(body, &s); err != nil || string(s.StatusCode) != "100" {
			t.Errorf("a concurrent call failed: %s", body)
			continue
		}
		var tok string
		_ = json.Unmarshal(s.Data["token"], &tok)
		seen[tok] = true
	}
	if len(seen) != n || len(emu.Issued()) != n {
		t.Errorf("%d distinct tokens, %d in the ledger; want %d each", len(seen), len(emu.Issued()), n)
	}
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses a wrong secret.
func TestRefusalIsTheRealOne(t *testing.T) {
	emu, ts := start(t)
	refused := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", `{"app_id":"sandbox-sipay-is3d-1","app_secret":"wrong"}`)
	f := emu.Refusal("Invalid credentials")
	f.Times = 1
	emu.Faults().Inject(f)
	got := call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", fixtureBody)
	if got.status != refused.status || !bytes.Equal(got.body, refused.body) || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
		t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.body,
			refused.status, refused.header.Get("Content-Type"), refused.body)
	}
}
