package sipay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// The emulator's clock and the client's differ, so a test can tell the
// gateway's issue time (JWT iat) from the receipt time.
var (
	gatewayNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	receivedAt = gatewayNow.Add(37 * time.Second)
)

const userAgent = "terraform-provider-paytoken/test"

func newHTTP() *clients.HTTP {
	return clients.NewHTTP(clients.HTTPOptions{
		UserAgent:    userAgent,
		Timeout:      5 * time.Second,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 2 * time.Millisecond,
	})
}

// newEmulator serves a Sipay emulator on loopback with the gateway clock.
func newEmulator(t testing.TB, opts ...sipaysim.Option) (*sipaysim.Server, *httptest.Server) {
	t.Helper()
	emu := sipaysim.New(append([]sipaysim.Option{sipaysim.WithClock(func() time.Time { return gatewayNow })}, opts...)...)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts
}

func credentials(appID, appSecret string) clients.Values {
	return clients.Values{sipay.SettingAppID: appID, sipay.SettingAppSecret: appSecret}
}

// newClient builds a client for the emulator at ts with the receipt clock.
func newClient(t testing.TB, ts *httptest.Server, settings clients.Values) clients.Gateway {
	t.Helper()
	gw, err := sipay.New(clients.Config{
		Settings: settings,
		BaseURL:  sipaysim.BaseURL(ts.URL),
		HTTP:     newHTTP(),
		Now:      func() time.Time { return receivedAt },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return gw
}

func fixture(is3D string) clients.Values {
	return credentials("sandbox-sipay-is3d-"+is3D, "sandbox-secret-is3d-"+is3D)
}

func TestSpec(t *testing.T) {
	spec := sipay.Spec()
	if spec.Name != "sipay" || spec.Title != "Sipay" {
		t.Errorf("Name, Title = %q, %q", spec.Name, spec.Title)
	}
	if spec.ProductionURL != "https://app.sipay.com.tr/ccpayment" {
		t.Errorf("ProductionURL = %q", spec.ProductionURL)
	}
	if spec.SandboxURL != "https://provisioning.sipay.com.tr/ccpayment" {
		t.Errorf("SandboxURL = %q", spec.SandboxURL)
	}
	if spec.Args != nil {
		t.Errorf("Args = %v, want nil: Sipay takes no token arguments", spec.Args)
	}
	if spec.New == nil || spec.SandboxHint != nil {
		t.Errorf("New set = %v, SandboxHint set = %v; want true, false", spec.New != nil, spec.SandboxHint != nil)
	}
	want := []struct {
		name      string
		sensitive bool
	}{
		{"app_id", false},
		{"app_secret", true},
	}
	if len(spec.Settings) != len(want) {
		t.Fatalf("Settings = %d fields, want %d", len(spec.Settings), len(want))
	}
	for i, w := range want {
		f := spec.Settings[i]
		if f.Name != w.name || f.Sensitive != w.sensitive {
			t.Errorf("Settings[%d] = %q sensitive %v, want %q sensitive %v", i, f.Name, f.Sensitive, w.name, w.sensitive)
		}
	}
	if sipay.Spec() == spec || &sipay.Spec().Settings[0] == &spec.Settings[0] {
		t.Error("Spec returns shared state; want a fresh Spec per call")
	}
}

func TestTokenRequestShape(t *testing.T) {
	emu := sipaysim.New()
	type seen struct {
		method, path, contentType, accept, userAgent string
		body                                         map[string]any
	}
	var mu sync.Mutex
	var got []seen
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request: %v", err)
		}
		s := seen{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
			accept: r.Header.Get("Accept"), userAgent: r.Header.Get("User-Agent")}
		if err := json.Unmarshal(data, &s.body); err != nil {
			t.Errorf("the request body is not a JSON object: %v", err)
		}
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(data))
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	tok, err := newClient(t, ts, fixture("1")).Token(context.Background(), clients.Values{"ignored": "x"})
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	want := seen{method: "POST", path: "/ccpayment/api/token", contentType: "application/json",
		accept: "application/json", userAgent: userAgent,
		body: map[string]any{"app_id": "sandbox-sipay-is3d-1", "app_secret": "sandbox-secret-is3d-1"}}
	if len(got) != 1 {
		t.Fatalf("the gateway saw %d requests, want 1", len(got))
	}
	g := got[0]
	if g.method != want.method || g.path != want.path || g.contentType != want.contentType ||
		g.accept != want.accept || g.userAgent != want.userAgent {
		t.Errorf("request = %s %s CT %q Accept %q UA %q, want %s %s CT %q Accept %q UA %q",
			g.method, g.path, g.contentType, g.accept, g.userAgent,
			want.method, want.path, want.contentType, want.accept, want.userAgent)
	}
	if len(g.body) != len(want.body) || g.body["app_id"] != want.body["app_id"] || g.body["app_secret"] != want.body["app_secret"] {
		t.Errorf("request body has keys %v, want exactly app_id and app_secret with the settings' values", keys(g.body))
	}
	if issued := emu.Issued(); len(issued) != 1 || issued[0] != tok.AccessToken {
		t.Errorf("the token returned is not the one the gateway issued (%d issued)", len(issued))
	}
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestTokenIs3D(t *testing.T) {
	const (
		unknownNote = "does not know"
		missingNote = "has no is_3d"
	)
	tests := []struct {
		name     string
		settings clients.Values  // a fixture's credentials, or
		is3D     json.RawMessage // a merchant added with this is_3d (nil: none sent)
		want     string          // flags(): 2d 3d white_label branded installment choice
		warning  []string        // substrings of the one warning; nil: no warning
	}{
		{name: "0 white-label 2D only", settings: fixture("0"), want: "tftfnf"},
		{name: "1 white-label 2D or 3D", settings: fixture("1"), want: "tttfnt"},
		{name: "2 white-label 3D only", settings: fixture("2"), want: "fttfnf"},
		{name: "4 branded", settings: fixture("4"), want: "nnftnf"},
		{name: "7 unknown number", settings: fixture("7"), want: "nnnnnn", warning: []string{"is_3d 7,", unknownNote, "still usable"}},
		{name: "string 1", is3D: json.RawMessage(`"1"`), want: "tttfnt"},
		{name: "string 4", is3D: json.RawMessage(`"4"`), want: "nnftnf"},
		{name: "integral float 2.0", is3D: json.RawMessage(`2.0`), want: "fttfnf"},
		{name: "3 unknown number", is3D: json.RawMessage(`3`), want: "nnnnnn", warning: []string{"is_3d 3,", unknownNote, "still usable"}},
		{name: "negative", is3D: json.RawMessage(`-1`), want: "nnnnnn", warning: []string{"is_3d -1,", unknownNote}},
		{name: "fraction", is3D: json.RawMessage(`1.5`), want: "nnnnnn", warning: []string{"is_3d 1.5,", unknownNote}},
		{name: "non-numeric string", is3D: json.RawMessage(`"x"`), want: "nnnnnn", warning: []string{`is_3d "x",`, unknownNote, "still usable"}},
		{name: "boolean", is3D: json.RawMessage(`true`), want: "nnnnnn", warning: []string{"is_3d true,", unknownNote}},
		{name: "null", is3D: json.RawMessage(`null`), want: "nnnnnn", warning: []string{"is_3d null,", unknownNote}},
		{name: "object", is3D: json.RawMessage(`{"mode": 1}`), want: "nnnnnn", warning: []string{`is_3d (a 10-byte JSON object),`, unknownNote}},
		{name: "missing", want: "nnnnnn", warning: []string{missingNote, "still usable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []sipaysim.Option
			settings := tt.settings
			if settings == nil {
				settings = credentials("test-merchant", "test-secret")
				opts = append(opts, sipaysim.WithMerchant(sipaysim.Merchant{AppID: "test-merchant", AppSecret: "test-secret", Is3D: tt.is3D}))
			}
			emu, ts := newEmulator(t, opts...)
			tok, err := newClient(t, ts, settings).Token(context.Background(), nil)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if got := clientstest.Flags(tok.Capabilities); got != tt.want {
				t.Errorf("flags = %s, want %s (2d 3d white_label branded installment choice)", got, tt.want)
			}
			switch {
			case tt.warning == nil && len(tok.Warnings) != 0:
				t.Errorf("Warnings = %q, want none", tok.Warnings)
			case tt.warning != nil && len(tok.Warnings) != 1:
				t.Errorf("Warnings = %q, want one", tok.Warnings)
			case tt.warning != nil:
				for _, s := range tt.warning {
					if !strings.Contains(tok.Warnings[0], s) {
						t.Errorf("warning %q does not contain %q", tok.Warnings[0], s)
					}
				}
			}
			// is_3d changes nothing else.
			if issued := emu.Issued(); len(issued) != 1 || tok.AccessToken != issued[0] {
				t.Error("AccessToken is not the token the gateway issued")
			}
			if want := gatewayNow.Add(2 * time.Hour); !tok.ExpiresAt.Equal(want) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, want)
			}
			if !tok.IssuedAt.Equal(gatewayNow) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want the JWT's iat %v in UTC", tok.IssuedAt, gatewayNow)
			}
			if tok.Scopes == nil || len(tok.Scopes) != 0 {
				t.Errorf("Scopes = %#v, want an empty non-nil list", tok.Scopes)
			}
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	tests := []struct {
		name     string
		merchant sipaysim.Merchant
		expires  time.Time
		issued   time.Time
		scopes   bool     // Scopes is a non-nil (empty) list
		warning  []string // substrings of the one warning; nil: no warning
	}{
		{
			name:    "JWT with expires_at",
			expires: gatewayNow.Add(2 * time.Hour), issued: gatewayNow, scopes: true,
		},
		{
			name:     "expires_at wins over exp",
			merchant: sipaysim.Merchant{ExpiresAt: "2026-03-14 13:00:00"},
			expires:  time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), issued: gatewayNow, scopes: true,
		},
		{
			name:     "opaque token with expires_at",
			merchant: sipaysim.Merchant{OpaqueToken: true},
			expires:  gatewayNow.Add(2 * time.Hour), issued: receivedAt,
		},
		{
			name:     "JWT without expires_at falls back to exp",
			merchant: sipaysim.Merchant{OmitExpiresAt: true},
			expires:  gatewayNow.Add(2 * time.Hour), issued: gatewayNow, scopes: true,
		},
		{
			name:     "opaque token without expires_at: receipt plus 2h",
			merchant: sipaysim.Merchant{OpaqueToken: true, OmitExpiresAt: true},
			expires:  receivedAt.Add(2 * time.Hour), issued: receivedAt,
		},
		{
			name:     "unreadable expires_at with JWT: exp and a warning",
			merchant: sipaysim.Merchant{ExpiresAt: "14/03/2026 13:30"},
			expires:  gatewayNow.Add(2 * time.Hour), issued: gatewayNow, scopes: true,
			warning: []string{`expires_at "14/03/2026 13:30"`, "could not be read", "exp claim", "2026-03-14T11:30:00Z"},
		},
		{
			name:     "unreadable expires_at with opaque token: receipt plus 2h and a warning",
			merchant: sipaysim.Merchant{OpaqueToken: true, ExpiresAt: "2026-03-14T13:30:00+03:00"},
			expires:  receivedAt.Add(2 * time.Hour), issued: receivedAt,
			warning: []string{`expires_at "2026-03-14T13:30:00+03:00"`, "issue time plus 2 hours", "2026-03-14T11:30:37Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.merchant
			m.AppID, m.AppSecret, m.Is3D = "test-merchant", "test-secret", json.RawMessage("1")
			_, ts := newEmulator(t, sipaysim.WithMerchant(m))
			tok, err := newClient(t, ts, credentials(m.AppID, m.AppSecret)).Token(context.Background(), nil)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if !tok.ExpiresAt.Equal(tt.expires) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.expires)
			}
			if !tok.IssuedAt.Equal(tt.issued) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, tt.issued)
			}
			if (tok.Scopes != nil) != tt.scopes || len(tok.Scopes) != 0 {
				t.Errorf("Scopes = %#v, want non-nil %v and empty", tok.Scopes, tt.scopes)
			}
			if tt.warning == nil {
				if len(tok.Warnings) != 0 {
					t.Errorf("Warnings = %q, want none", tok.Warnings)
				}
				return
			}
			if len(tok.Warnings) != 1 {
				t.Fatalf("Warnings = %q, want one", tok.Warnings)
			}
			for _, s := range tt.warning {
				if !strings.Contains(tok.Warnings[0], s) {
					t.Errorf("warning %q does not contain %q", tok.Warnings[0], s)
				}
			}
		})
	}
}

// TestDocumentedSample feeds Sipay's own sample answer, verbatim from its
// doc page, through real HTTP.
func TestDocumentedSample(t *testing.T) {
	body, err := os.ReadFile("testdata/sample-success.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.Data.Token, "eyJ0eXAiOiJKV1Qi") {
		t.Fatalf("testdata/sample-success.json is not the documented sample: %v", err)
	}
	emu, ts := newEmulator(t)
	emu.Faults().Inject(simkit.Fault{Kind: simkit.Raw, Times: 1, Status: http.StatusOK, ContentType: "application/json", Body: string(body)})

	tok, err := newClient(t, ts, fixture("1")).Token(context.Background(), nil)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	// "2021-01-29 16:46:01" in Turkey time is the JWT's exp 1611927961.
	wantExp := time.Unix(1611927961, 0).UTC()
	if got := tok.ExpiresAt.Format(time.RFC3339); got != "2021-01-29T13:46:01Z" || !tok.ExpiresAt.Equal(wantExp) {
		t.Errorf("ExpiresAt = %s, want 2021-01-29T13:46:01Z (the JWT's exp)", got)
	}
	if want := time.Unix(1611920761, 0).UTC(); !tok.IssuedAt.Equal(want) || tok.IssuedAt.Location() != time.UTC {
		t.Errorf("IssuedAt = %v, want the JWT's iat %v", tok.IssuedAt, want)
	}
	if tok.AccessToken != doc.Data.Token {
		t.Error("AccessToken differs from the sample's token")
	}
	if got := clientstest.Flags(tok.Capabilities); got != "tttfnt" {
		t.Errorf("flags = %s, want tttfnt for is_3d 1", got)
	}
	if tok.Scopes == nil || len(tok.Scopes) != 0 || len(tok.Warnings) != 0 {
		t.Errorf("Scopes = %#v, Warnings = %q; want an empty non-nil list and none", tok.Scopes, tok.Warnings)
	}
}

func TestTokenRejected(t *testing.T) {
	sample, err := os.ReadFile("testdata/sample-failure.json")
	if err != nil {
		t.Fatal(err)
	}
	validation := `{"status_code":1,"status_description":"app id alanı gereklidir.","data":null}`
	tests := []struct {
		name     string
		settings clients.Values
		status   int    // HTTP status of an injected answer; 0: the emulator answers
		body     string // the injected answer
		code     string
		message  string
	}{
		{name: "documented 2 with HTTP 200", status: 200, body: string(sample), code: "2", message: "Invalid credentials"},
		{name: "documented 2 with HTTP 401", status: 401, body: string(sample), code: "2", message: "Invalid credentials"},
		{name: "SDK 30 with HTTP 200", status: 200, body: `{"status_code":30,"status_description":"Invalid credentials"}`, code: "30", message: "Invalid credentials"},
		{name: "SDK 30 with HTTP 403", status: 403, body: `{"status_code":30,"status_description":"Invalid credentials"}`, code: "30", message: "Invalid credentials"},
		{name: "validation 1 with HTTP 200", status: 200, body: validation, code: "1", message: "app id alanı gereklidir."},
		{name: "validation 1 with HTTP 422", status: 422, body: validation, code: "1", message: "app id alanı gereklidir."},
		{name: "code as a string", status: 400, body: `{"status_code":"30","status_description":"Invalid credentials","data":[]}`, code: "30", message: "Invalid credentials"},
		{name: "multi-line message made one line", status: 200, body: `{"status_code":41,"status_description":"Merchant\n  is\tpassive"}`, code: "41", message: "Merchant is passive"},
		{name: "no message", status: 200, body: `{"status_code":5}`, code: "5"},
		{name: "non-string message dropped", status: 200, body: `{"status_code":5,"status_description":{"tr":"x"}}`, code: "5"},
		{name: "wrong secret, real emulator", settings: credentials("sandbox-sipay-is3d-1", "wrong-secret"), code: "30", message: "Invalid credentials"},
		{name: "unknown app_id, real emulator", settings: credentials("sandbox-sipay-nobody", "sandbox-secret-is3d-1"), code: "30", message: "Invalid credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu, ts := newEmulator(t)
			if tt.body != "" {
				emu.Faults().Inject(simkit.Fault{Kind: simkit.Raw, Times: 1, Status: tt.status, ContentType: "application/json", Body: tt.body})
			}
			settings := tt.settings
			if settings == nil {
				settings = fixture("1")
			}
			tok, err := newClient(t, ts, settings).Token(context.Background(), nil)
			e, ok := clients.AsError(err)
			if !ok {
				t.Fatalf("Token = %v, %v; want a *clients.Error", tok, err)
			}
			wantStatus := tt.status
			if wantStatus == 0 {
				wantStatus = http.StatusOK
			}
			if e.Kind != clients.KindRejected || e.Gateway != "sipay" || e.StatusCode != wantStatus || e.Attempts != 1 {
				t.Errorf("error = kind %v gateway %q HTTP %d attempts %d, want rejected sipay HTTP %d attempts 1",
					e.Kind, e.Gateway, e.StatusCode, e.Attempts, wantStatus)
			}
			if e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Code, Message = %q, %q; want %q, %q", e.Code, e.Message, tt.code, tt.message)
			}
			if e.Retryable() {
				t.Error("Retryable() = true; a refusal is never retried")
			}
			if strings.Contains(err.Error(), settings.Get("app_secret")) {
				t.Errorf("the error %q contains the secret", err)
			}
			if n := emu.Faults().Calls(); n != 1 {
				t.Errorf("the emulator saw %d calls, want 1", n)
			}
		})
	}
}

func TestTokenUnreadable(t *testing.T) {
	tests := []struct {
		name     string
		fault    *simkit.Fault
		merchant *sipaysim.Merchant
		kind     clients.ErrorKind
		status   int
		detail   string // a substring of the error
	}{
		{name: "no status_code", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_description":"ok","data":{"token":"abc"}}`}, kind: clients.KindMalformed, status: 200, detail: "no status_code"},
		{name: "null status_code with 404", fault: &simkit.Fault{Kind: simkit.Raw, Status: 404, Body: `{"status_code":null}`}, kind: clients.KindHTTPStatus, status: 404, detail: "no status_code"},
		{name: "non-numeric status_code", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":"ok"}`}, kind: clients.KindMalformed, status: 200, detail: "not a number"},
		{name: "JSON array", fault: &simkit.Fault{Kind: simkit.Raw, Body: `[100]`}, kind: clients.KindMalformed, status: 200, detail: "JSON array"},
		{name: "success without token", merchant: &sipaysim.Merchant{OmitToken: true}, kind: clients.KindNoToken, status: 200},
		{name: "success with data null", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":100,"data":null}`}, kind: clients.KindNoToken, status: 200},
		{name: "success with data []", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":"100","data":[]}`}, kind: clients.KindNoToken, status: 200},
		{name: "success with an empty token", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":100,"data":{"token":" ","is_3d":1}}`}, kind: clients.KindNoToken, status: 200},
		{name: "success with a numeric token", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":100,"data":{"token":12345}}`}, kind: clients.KindMalformed, status: 200, detail: "not a string"},
		{name: "token with a line break", fault: &simkit.Fault{Kind: simkit.Raw, Body: `{"status_code":100,"data":{"token":"abc\ndef"}}`}, kind: clients.KindMalformed, status: 200, detail: "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []sipaysim.Option
			settings := fixture("1")
			if tt.merchant != nil {
				m := *tt.merchant
				m.AppID, m.AppSecret = "test-merchant", "test-secret"
				opts = append(opts, sipaysim.WithMerchant(m))
				settings = credentials(m.AppID, m.AppSecret)
			}
			emu, ts := newEmulator(t, opts...)
			if tt.fault != nil {
				f := *tt.fault
				f.Times = 1
				emu.Faults().Inject(f)
			}
			tok, err := newClient(t, ts, settings).Token(context.Background(), nil)
			e, ok := clients.AsError(err)
			if !ok {
				t.Fatalf("Token = %v, %v; want a *clients.Error", tok, err)
			}
			if e.Kind != tt.kind || e.StatusCode != tt.status {
				t.Errorf("error = %v HTTP %d, want %v HTTP %d (%v)", e.Kind, e.StatusCode, tt.kind, tt.status, err)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error %q does not say %q", err, tt.detail)
			}
			if e.Code != "" || e.Message != "" {
				t.Errorf("Code, Message = %q, %q; want none from an unreadable answer", e.Code, e.Message)
			}
			if strings.Contains(err.Error(), "sandbox-secret") || strings.Contains(err.Error(), "abc") {
				t.Errorf("error %q quotes the request or the body", err)
			}
		})
	}
}
