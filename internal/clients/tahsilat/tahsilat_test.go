package tahsilat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
)

// now is the fake clock shared by the client and the emulator.
var now = time.Date(2025, 6, 11, 20, 26, 17, 0, time.UTC)

func clock() time.Time { return now }

// fastHTTP retries at once, so retry tests take milliseconds.
func fastHTTP(retries int) *clients.HTTP {
	return clients.NewHTTP(clients.HTTPOptions{
		UserAgent:     "terraform-provider-paytoken/test",
		Timeout:       5 * time.Second,
		MaxRetries:    retries,
		RetryWaitMin:  time.Millisecond,
		RetryWaitMax:  2 * time.Millisecond,
		RetryAfterMax: 2 * time.Millisecond,
	})
}

// seenRequest is what the emulator was sent, recorded in front of it.
type seenRequest struct {
	method, path, auth, lang, ctype, accept, ua string
	body                                        int
}

type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []seenRequest
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.seen = append(rec.seen, seenRequest{
		method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"),
		lang: r.Header.Get("Accept-Language"), ctype: r.Header.Get("Content-Type"),
		accept: r.Header.Get("Accept"), ua: r.Header.Get("User-Agent"), body: len(body),
	})
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) last(t *testing.T) seenRequest {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) == 0 {
		t.Fatal("no request reached the emulator")
	}
	return rec.seen[len(rec.seen)-1]
}

// harness is an emulator on a loopback server and a way to build clients
// for it.
type harness struct {
	sim *tahsilatsim.Server
	rec *recorder
	url string
}

func newHarness(t *testing.T, opts ...tahsilatsim.Option) *harness {
	t.Helper()
	sim := tahsilatsim.New(append([]tahsilatsim.Option{tahsilatsim.WithClock(clock)}, opts...)...)
	rec := &recorder{next: sim}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return &harness{sim: sim, rec: rec, url: srv.URL}
}

func (h *harness) client(t *testing.T, settings clients.Values, retries int) clients.Gateway {
	t.Helper()
	gw, err := tahsilat.New(clients.Config{Settings: settings, BaseURL: h.url, HTTP: fastHTTP(retries), Now: clock})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return gw
}

// assertNoSecrets fails when s holds any key or issued token.
func assertNoSecrets(t *testing.T, s string, sim *tahsilatsim.Server, extra ...string) {
	t.Helper()
	secrets := append([]string{tahsilatsim.SecretKey, tahsilatsim.PublicKey, tahsilatsim.SecretKey3DOnly,
		tahsilatsim.PublicKey3DOnly}, extra...)
	secrets = append(secrets, sim.Issued()...)
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("%q holds a secret", s)
		}
	}
}

func TestSpec(t *testing.T) {
	spec := tahsilat.Spec()
	if spec.Name != "tahsilat" || spec.Title != "Tahsilat" {
		t.Errorf("Name, Title = %q, %q", spec.Name, spec.Title)
	}
	if spec.ProductionURL != "https://api.tahsilat.com" || spec.SandboxURL != "https://api.sandbox.tahsilat.com" {
		t.Errorf("URLs = %q, %q", spec.ProductionURL, spec.SandboxURL)
	}
	if spec.New == nil || spec.SandboxHint == nil || spec.SandboxHintDoc == "" {
		t.Errorf("New, SandboxHint or SandboxHintDoc missing")
	}
	wantSettings := []struct {
		name      string
		sensitive bool
	}{
		{"secret_key", true},
		{"public_key", false},
	}
	if len(spec.Settings) != len(wantSettings) {
		t.Fatalf("Settings = %d fields, want %d", len(spec.Settings), len(wantSettings))
	}
	for i, want := range wantSettings {
		f := spec.Settings[i]
		if f.Name != want.name || f.Sensitive != want.sensitive {
			t.Errorf("setting %d = %q sensitive %v, want %q sensitive %v", i, f.Name, f.Sensitive, want.name, want.sensitive)
		}
	}
	if len(spec.Args) != 1 {
		t.Fatalf("Args = %d fields, want 1", len(spec.Args))
	}
	arg := spec.Args[0]
	if arg.Name != "key" || arg.Default != "secret" || !slices.Equal(arg.OneOf, []string{"secret", "public"}) || arg.Sensitive {
		t.Errorf("arg = %+v", arg)
	}
	if !strings.Contains(arg.Description, "3D Secure payments only") {
		t.Errorf("arg description %q does not say public-key tokens are 3D Secure only", arg.Description)
	}
	// Each call is fresh: changing one Spec leaves the next alone.
	spec.Args[0].OneOf[0] = "changed"
	if tahsilat.Spec().Args[0].OneOf[0] != "secret" {
		t.Error("Spec shares its OneOf slice between calls")
	}
}

// roundTripFunc answers requests in process, so tests can see which host a
// client would call without any network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSandboxHint(t *testing.T) {
	const (
		prod    = "https://api.tahsilat.com/v1/token/get-token"
		sandbox = "https://api.sandbox.tahsilat.com/v1/token/get-token"
	)
	tests := []struct {
		name     string
		settings clients.Values
		sandbox  *bool
		baseURL  string
		key      string
		want     string
		hint     bool
	}{
		{"sk_test_ means sandbox", clients.Values{"secret_key": "sk_test_abc"}, nil, "", "secret", sandbox, true},
		{"pk_test_ alone means sandbox", clients.Values{"public_key": "pk_test_abc"}, nil, "", "public", sandbox, true},
		{"sk_live_ means production", clients.Values{"secret_key": "sk_live_abc"}, nil, "", "secret", prod, false},
		{"pk_live_ alone means production", clients.Values{"public_key": "pk_live_abc"}, nil, "", "public", prod, false},
		{"the public key sent decides, not the live secret key", clients.Values{"secret_key": "sk_live_abc", "public_key": "pk_test_abc"}, nil, "", "public", sandbox, true},
		{"the live public key sent decides, not the test secret key", clients.Values{"secret_key": "sk_test_abc", "public_key": "pk_live_abc"}, nil, "", "public", prod, false},
		{"the live secret key sent decides, not the test public key", clients.Values{"secret_key": "sk_live_abc", "public_key": "pk_test_abc"}, nil, "", "secret", prod, false},
		{"the test secret key sent decides, not the live public key", clients.Values{"secret_key": "sk_test_abc", "public_key": "pk_live_abc"}, nil, "", "secret", sandbox, true},
		{"a test public key says nothing of a secret key that is not set", clients.Values{"public_key": "pk_test_abc"}, nil, "", "secret", "", false},
		{"unprefixed key means production", clients.Values{"secret_key": "abc"}, nil, "", "secret", prod, false},
		{"explicit sandbox=false overrides sk_test_", clients.Values{"secret_key": "sk_test_abc"}, no, "", "secret", prod, true},
		{"explicit sandbox=true overrides sk_live_", clients.Values{"secret_key": "sk_live_abc"}, yes, "", "secret", sandbox, false},
		{"base_url wins over everything", clients.Values{"secret_key": "sk_test_abc"}, yes, "https://tahsilat.example.test/", "secret",
			"https://tahsilat.example.test/v1/token/get-token", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tahsilat.Spec().SandboxHint(tt.settings, clients.Values{"key": tt.key}); got != tt.hint {
				t.Errorf("SandboxHint = %v, want %v", got, tt.hint)
			}
			var called string
			h := clients.NewHTTP(clients.HTTPOptions{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				called = r.URL.String()
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(docSample)), Request: r}, nil
			})})
			gw, err := tahsilat.New(clients.Config{Settings: tt.settings, Sandbox: tt.sandbox, BaseURL: tt.baseURL, HTTP: h, Now: clock})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			_, err = gw.Token(context.Background(), clients.Values{"key": tt.key})
			if tt.want == "" {
				if err == nil || called != "" {
					t.Fatalf("Token = %v after calling %q; want the missing key reported before any call", err, called)
				}
				return
			}
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if called != tt.want {
				t.Errorf("called %q, want %q", called, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	for name, settings := range map[string]clients.Values{
		"neither key":     {},
		"nil settings":    nil,
		"secret key only": {"secret_key": "sk_test_x"},
		"public key only": {"public_key": "pk_test_x"},
		"both keys":       {"secret_key": "sk_test_x", "public_key": "pk_test_x"},
	} {
		if gw, err := tahsilat.New(clients.Config{Settings: settings}); err != nil || gw == nil {
			t.Errorf("%s: New = %v, %v; want a client, since Token names the key it needs", name, gw, err)
		}
	}
}

func TestTokenAgainstEmulator(t *testing.T) {
	custom := tahsilatsim.Merchant{
		Label: "custom", SecretKey: "sk_test_custom_flags", PublicKey: "pk_test_custom_flags",
		Supports3D: yes, ExpiresAt: "2025-06-11T18:36:17-05:00",
	}
	noExpiry := tahsilatsim.Merchant{Label: "no-expiry", SecretKey: "sk_test_no_expiry", Supports2D: yes, OmitExpiresAt: true}
	badExpiry := tahsilatsim.Merchant{Label: "bad-expiry", SecretKey: "sk_test_bad_expiry", ExpiresAt: "yarın"}
	tests := []struct {
		name     string
		settings clients.Values
		args     clients.Values
		wantAuth string
		flags    flags
		expires  time.Time
		warnings int
	}{
		{
			name:     "full merchant, secret key",
			settings: clients.Values{"secret_key": tahsilatsim.SecretKey, "public_key": tahsilatsim.PublicKey},
			args:     clients.Values{"key": "secret"},
			wantAuth: "Bearer " + tahsilatsim.SecretKey,
			flags:    flags{yes, yes, yes, yes},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "key argument unset means secret",
			settings: clients.Values{"secret_key": tahsilatsim.SecretKey, "public_key": tahsilatsim.PublicKey},
			args:     clients.Values{},
			wantAuth: "Bearer " + tahsilatsim.SecretKey,
			flags:    flags{yes, yes, yes, yes},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "full merchant, public key only: supports_2d false",
			settings: clients.Values{"public_key": tahsilatsim.PublicKey},
			args:     clients.Values{"key": "public"},
			wantAuth: "Bearer " + tahsilatsim.PublicKey,
			flags:    flags{no, yes, yes, yes},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "3D-only merchant, secret key",
			settings: clients.Values{"secret_key": tahsilatsim.SecretKey3DOnly},
			args:     clients.Values{"key": "secret"},
			wantAuth: "Bearer " + tahsilatsim.SecretKey3DOnly,
			flags:    flags{no, yes, yes, no},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "3D-only merchant, public key",
			settings: clients.Values{"secret_key": tahsilatsim.SecretKey3DOnly, "public_key": tahsilatsim.PublicKey3DOnly},
			args:     clients.Values{"key": "public"},
			wantAuth: "Bearer " + tahsilatsim.PublicKey3DOnly,
			flags:    flags{no, yes, yes, no},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "omitted flags stay nil; -05:00 expiry converted",
			settings: clients.Values{"secret_key": custom.SecretKey},
			wantAuth: "Bearer " + custom.SecretKey,
			flags:    flags{d3: yes},
			expires:  time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
		},
		{
			name:     "public key of a merchant that omits supports_2d still says false",
			settings: clients.Values{"public_key": custom.PublicKey},
			args:     clients.Values{"key": "public"},
			wantAuth: "Bearer " + custom.PublicKey,
			flags:    flags{d2: no, d3: yes},
			expires:  time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
		},
		{
			name:     "missing expires_at falls back to ten minutes",
			settings: clients.Values{"secret_key": noExpiry.SecretKey},
			wantAuth: "Bearer " + noExpiry.SecretKey,
			flags:    flags{d2: yes},
			expires:  now.Add(10 * time.Minute),
		},
		{
			name:     "unparsable expires_at falls back with a warning",
			settings: clients.Values{"secret_key": badExpiry.SecretKey},
			wantAuth: "Bearer " + badExpiry.SecretKey,
			expires:  now.Add(10 * time.Minute),
			warnings: 1,
		},
	}
	h := newHarness(t, tahsilatsim.WithMerchant(custom), tahsilatsim.WithMerchant(noExpiry), tahsilatsim.WithMerchant(badExpiry))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.sim.Faults().Calls()
			tok, err := h.client(t, tt.settings, 0).Token(context.Background(), tt.args)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if calls := h.sim.Faults().Calls() - before; calls != 1 {
				t.Errorf("emulator saw %d calls, want 1", calls)
			}
			issued := h.sim.Issued()
			if len(issued) == 0 || issued[len(issued)-1] != tok.AccessToken || len(tok.AccessToken) != tahsilatsim.TokenLength {
				t.Errorf("token %d chars, not the one the emulator issued last", len(tok.AccessToken))
			}
			if !tok.ExpiresAt.Equal(tt.expires) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.expires)
			}
			if !tok.IssuedAt.Equal(now) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want the fake clock %v", tok.IssuedAt, now)
			}
			got := capsOf(tok)
			if !sameFlag(got.d2, tt.flags.d2) || !sameFlag(got.d3, tt.flags.d3) || !sameFlag(got.wl, tt.flags.wl) || !sameFlag(got.inst, tt.flags.inst) {
				t.Errorf("flags 2d/3d/wl/inst = %s/%s/%s/%s, want %s/%s/%s/%s",
					boolText(got.d2), boolText(got.d3), boolText(got.wl), boolText(got.inst),
					boolText(tt.flags.d2), boolText(tt.flags.d3), boolText(tt.flags.wl), boolText(tt.flags.inst))
			}
			if len(tok.Warnings) != tt.warnings {
				t.Errorf("Warnings = %q, want %d", tok.Warnings, tt.warnings)
			}
			req := h.rec.last(t)
			want := seenRequest{
				method: http.MethodPost, path: "/v1/token/get-token", auth: tt.wantAuth, lang: "tr",
				ctype: "application/json", accept: "application/json", ua: "terraform-provider-paytoken/test",
			}
			if req != want {
				t.Errorf("request = %+v, want %+v", req, want)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	invalid := tahsilatsim.Merchant{Label: "validation", SecretKey: "sk_test_validation",
		ValidationErrors: map[string][]string{"merchant": {"Üye işyeri aktif değil."}, "ip": {"IP adresi izinli değil.", "IP engellendi."}}}
	noToken := tahsilatsim.Merchant{Label: "no-token", SecretKey: "sk_test_no_token", Supports3D: yes, OmitToken: true}
	full := clients.Values{"secret_key": tahsilatsim.SecretKey, "public_key": tahsilatsim.PublicKey}
	tests := []struct {
		name     string
		settings clients.Values
		args     clients.Values
		faults   []simkit.Fault
		retries  int
		kind     clients.ErrorKind
		code     string
		message  string
		status   int
		attempts int
		calls    int64
		missing  string // a MissingSettingError for this setting
		badArg   bool   // a SettingError for the key argument
	}{
		{
			name: "unknown secret key", settings: clients.Values{"secret_key": "sk_test_not_a_merchant"},
			kind: clients.KindRejected, code: "invalid_api_key", message: "Geçersiz API anahtarı.",
			status: http.StatusUnauthorized, attempts: 1, calls: 1,
		},
		{
			name: "validation errors, object form, HTTP 422", settings: clients.Values{"secret_key": invalid.SecretKey},
			kind: clients.KindRejected, code: "validation_error",
			message: "Gönderilen veriler doğrulanamadı. (ip: IP adresi izinli değil.; ip: IP engellendi.; merchant: Üye işyeri aktif değil.)",
			status:  http.StatusUnprocessableEntity, attempts: 1, calls: 1,
		},
		{
			name: "validation errors, array form, HTTP 400", settings: full,
			faults: []simkit.Fault{{Kind: simkit.Raw, Times: 1, Status: http.StatusBadRequest, ContentType: "application/json",
				Body: `{"status":false,"message":"Doğrulama hatası.","errors":["Accept-Language desteklenmiyor."],"error_code":"validation_error"}`}},
			kind: clients.KindRejected, code: "validation_error", message: "Doğrulama hatası. (Accept-Language desteklenmiyor.)",
			status: http.StatusBadRequest, attempts: 1, calls: 1,
		},
		{
			name: "status true without a token", settings: clients.Values{"secret_key": noToken.SecretKey},
			kind: clients.KindNoToken, status: http.StatusOK, attempts: 1, calls: 1,
		},
		{
			name: "rate limited beyond the retries", settings: full, retries: 1,
			faults: []simkit.Fault{{Kind: simkit.RateLimit, RetryAfter: "1"}},
			kind:   clients.KindRejected, code: "rate_limit", message: "Too Many Attempts.",
			status: http.StatusTooManyRequests, attempts: 2, calls: 2,
		},
		{
			name: "secret requested, only public set", settings: clients.Values{"public_key": tahsilatsim.PublicKey},
			args: clients.Values{"key": "secret"}, missing: "secret_key",
		},
		{
			name: "default key, only public set", settings: clients.Values{"public_key": tahsilatsim.PublicKey},
			missing: "secret_key",
		},
		{
			name: "public requested, only secret set", settings: clients.Values{"secret_key": tahsilatsim.SecretKey},
			args: clients.Values{"key": "public"}, missing: "public_key",
		},
		{
			name: "public requested, neither set", settings: clients.Values{},
			args: clients.Values{"key": "public"}, missing: "public_key",
		},
		{
			name: "default key, both empty", settings: clients.Values{"secret_key": "", "public_key": ""},
			missing: "secret_key",
		},
		{
			name: "unknown key value", settings: full, args: clients.Values{"key": "both"}, badArg: true,
		},
		{
			name: "key value is case-sensitive", settings: full, args: clients.Values{"key": "Secret"}, badArg: true,
		},
	}
	h := newHarness(t, tahsilatsim.WithMerchant(invalid), tahsilatsim.WithMerchant(noToken))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.sim.Faults().Clear()
			h.sim.Faults().Inject(tt.faults...)
			t.Cleanup(h.sim.Faults().Clear)
			before := h.sim.Faults().Calls()
			tok, err := h.client(t, tt.settings, tt.retries).Token(context.Background(), tt.args)
			if err == nil {
				t.Fatalf("Token = %v, want an error", tok)
			}
			calls := h.sim.Faults().Calls() - before
			assertNoSecrets(t, err.Error(), h.sim, "sk_test_not_a_merchant", "pk_test_not_a_merchant", invalid.SecretKey, noToken.SecretKey)
			var missing *clients.MissingSettingError
			var bad *clients.SettingError
			switch {
			case tt.missing != "":
				if !errors.As(err, &missing) || missing.Name != tt.missing || missing.Arg || missing.Gateway != "tahsilat" {
					t.Errorf("error = %v, want a missing %q setting", err, tt.missing)
				}
			case tt.badArg:
				if !errors.As(err, &bad) || bad.Setting != "key" || !bad.Arg || !strings.Contains(bad.Reason, `"secret", "public"`) {
					t.Errorf("error = %v, want a SettingError for the key argument", err)
				}
			default:
				e, ok := clients.AsError(err)
				if !ok {
					t.Fatalf("error %T %v, want *clients.Error", err, err)
				}
				if e.Kind != tt.kind || e.Code != tt.code || e.Message != tt.message || e.StatusCode != tt.status || e.Attempts != tt.attempts {
					t.Errorf("got %v/%q/%q/HTTP %d/%d attempts, want %v/%q/%q/HTTP %d/%d attempts",
						e.Kind, e.Code, e.Message, e.StatusCode, e.Attempts, tt.kind, tt.code, tt.message, tt.status, tt.attempts)
				}
			}
			if calls != tt.calls {
				t.Errorf("emulator saw %d calls, want %d", calls, tt.calls)
			}
		})
	}
}
