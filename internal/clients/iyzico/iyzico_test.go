package iyzico_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
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
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
)

// now is the fake time both the client and the emulator read.
var now = time.Date(2025, 6, 4, 9, 4, 22, 133_000_000, time.UTC)

func fakeClock() time.Time { return now }

// seen is one request as it reached the emulator.
type seen struct {
	method, path string
	header       http.Header
	body         []byte
}

// recorder keeps what reaches the emulator, so tests can check the request
// on the wire rather than what the client meant to send.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
	next http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, seen{method: r.Method, path: r.URL.EscapedPath(), header: r.Header.Clone(), body: body})
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) all() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

type harness struct {
	sim *iyzicosim.Server
	srv *httptest.Server
	rec *recorder
}

func newHarness(t testing.TB, opts ...iyzicosim.Option) *harness {
	t.Helper()
	sim := iyzicosim.New(append([]iyzicosim.Option{iyzicosim.WithClock(fakeClock)}, opts...)...)
	rec := &recorder{next: sim}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return &harness{sim: sim, srv: srv, rec: rec}
}

func merchant() clients.Values {
	return clients.Values{"api_key": iyzicosim.APIKey, "secret_key": iyzicosim.SecretKey}
}

func newClient(t testing.TB, baseURL string, settings clients.Values, maxRetries int) clients.Gateway {
	t.Helper()
	gw, err := iyzico.New(clients.Config{
		Settings: settings,
		BaseURL:  baseURL,
		HTTP: clients.NewHTTP(clients.HTTPOptions{
			UserAgent:    "terraform-provider-paytoken/test",
			Timeout:      5 * time.Second,
			MaxRetries:   maxRetries,
			RetryWaitMin: time.Millisecond,
			RetryWaitMax: 2 * time.Millisecond,
		}),
		Now: fakeClock,
	})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return gw
}

// authParams decodes an IYZWSv2 header into its parameters.
func authParams(t *testing.T, h string) map[string]string {
	t.Helper()
	enc, ok := strings.CutPrefix(h, "IYZWSv2 ")
	if !ok {
		t.Fatalf("Authorization = %q, want the IYZWSv2 scheme", h)
	}
	dec, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("Authorization is not base64: %v", err)
	}
	out := map[string]string{}
	for _, p := range strings.Split(string(dec), "&") {
		k, v, _ := strings.Cut(p, ":")
		out[k] = v
	}
	return out
}

func TestTokenSuccess(t *testing.T) {
	const nonASCIIMember = "müşteri-42 ğüşiöç"
	tests := []struct {
		name     string
		prefix   string
		settings clients.Values
		args     clients.Values
		wantBody map[string]string
	}{
		{
			name: "arguments",
			args: clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1, "locale": "tr"},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken1, "memberIdentifier": iyzicosim.MemberIdentifier1,
				"locale": "tr"},
		},
		{
			name: "locale defaults to tr, conversation id sent",
			args: clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1,
				"conversation_id": "order-42"},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken1, "memberIdentifier": iyzicosim.MemberIdentifier1,
				"locale": "tr", "conversationId": "order-42"},
		},
		{
			name:     "settings as fallback",
			settings: clients.Values{"session_token": iyzicosim.SessionToken2, "member_identifier": iyzicosim.MemberIdentifier2},
			args:     clients.Values{"locale": "en"},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken2, "memberIdentifier": iyzicosim.MemberIdentifier2,
				"locale": "en"},
		},
		{
			name:     "arguments win over settings",
			settings: clients.Values{"session_token": "sandbox-session-unknown", "member_identifier": "nobody"},
			args:     clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken1, "memberIdentifier": iyzicosim.MemberIdentifier1,
				"locale": "tr"},
		},
		{
			name: "non-ASCII member and conversation id",
			args: clients.Values{"session_token": "sandbox-session-ü", "member_identifier": nonASCIIMember,
				"conversation_id": "sipariş/€-42 <&>"},
			wantBody: map[string]string{"sessionToken": "sandbox-session-ü", "memberIdentifier": nonASCIIMember,
				"locale": "tr", "conversationId": "sipariş/€-42 <&>"},
		},
		{
			name:     "base_url with a path prefix",
			prefix:   "/prefix",
			args:     clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken1, "memberIdentifier": iyzicosim.MemberIdentifier1, "locale": "tr"},
		},
		{
			name:     "base_url with escaped characters and a trailing slash",
			prefix:   "/api%20gw/a%2Fb/",
			args:     clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1},
			wantBody: map[string]string{"sessionToken": iyzicosim.SessionToken1, "memberIdentifier": iyzicosim.MemberIdentifier1, "locale": "tr"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, iyzicosim.WithSession("sandbox-session-ü", nonASCIIMember))
			settings := merchant()
			for k, v := range tt.settings {
				settings[k] = v
			}
			gw := newClient(t, h.srv.URL+tt.prefix, settings, 0)

			tok, err := gw.Token(context.Background(), tt.args)
			if err != nil {
				t.Fatalf("Token() error = %v", err)
			}

			issued := h.sim.Issued()
			if len(issued) != 1 || tok.AccessToken != issued[0] {
				t.Fatalf("AccessToken is not the one token the emulator issued (%d issued)", len(issued))
			}
			if want := now.Add(iyzicosim.TokenLifetime).Truncate(time.Second); !tok.ExpiresAt.Equal(want) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want the JWT exp %v in UTC", tok.ExpiresAt, want)
			}
			if !tok.IssuedAt.Equal(now) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want systemTime %v in UTC", tok.IssuedAt, now)
			}
			if !slices.Equal(tok.Scopes, iyzicosim.Authorities) {
				t.Errorf("Scopes = %q, want %q", tok.Scopes, iyzicosim.Authorities)
			}
			if tok.Capabilities != (clients.Capabilities{}) {
				t.Errorf("Capabilities = %+v, want all nil", tok.Capabilities)
			}

			reqs := h.rec.all()
			if len(reqs) != 1 {
				t.Fatalf("the emulator saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			wantPath := strings.TrimRight(tt.prefix, "/") + iyzico.TokenPath
			if r.method != http.MethodPost || r.path != wantPath {
				t.Errorf("request = %s %s, want POST %s", r.method, r.path, wantPath)
			}
			for k, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json",
				"User-Agent": "terraform-provider-paytoken/test"} {
				if got := r.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			params := authParams(t, r.header.Get("Authorization"))
			if params["apiKey"] != iyzicosim.APIKey || params["randomKey"] == "" || params["randomKey"] != r.header.Get("x-iyzi-rnd") {
				t.Errorf("Authorization apiKey %q randomKey %q, x-iyzi-rnd %q: want the api key and one random key in both",
					params["apiKey"], params["randomKey"], r.header.Get("x-iyzi-rnd"))
			}
			if want := iyzico.Authorization(iyzicosim.APIKey, iyzicosim.SecretKey, params["randomKey"], r.path, r.body); r.header.Get("Authorization") != want {
				t.Errorf("the signature does not cover the path and body as received")
			}
			var body map[string]string
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Fatalf("request body is not a JSON object of strings: %v", err)
			}
			if !mapsEqual(body, tt.wantBody) {
				t.Errorf("request body = %v, want %v", body, tt.wantBody)
			}
			if m := tt.args.Get("member_identifier"); m != "" && !bytes.Contains(r.body, []byte(m)) {
				t.Errorf("the body does not carry %q as raw UTF-8: %s", m, r.body)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestTokenFallbacks(t *testing.T) {
	tests := []struct {
		name        string
		opts        []iyzicosim.Option
		wantExpires time.Time
		wantIssued  time.Time
		wantScopes  bool
	}{
		{name: "JWT", wantExpires: now.Add(6 * time.Minute).Truncate(time.Second), wantIssued: now, wantScopes: true},
		{name: "JWT with a short lifetime", opts: []iyzicosim.Option{iyzicosim.WithTokenLifetime(90 * time.Second)},
			wantExpires: now.Add(90 * time.Second).Truncate(time.Second), wantIssued: now, wantScopes: true},
		{name: "opaque token with systemTime", opts: []iyzicosim.Option{iyzicosim.WithOpaqueTokens()},
			wantExpires: now.Add(5 * time.Minute), wantIssued: now},
		{name: "opaque token without systemTime", opts: []iyzicosim.Option{iyzicosim.WithOpaqueTokens(), iyzicosim.WithoutSystemTime()},
			wantExpires: now.Add(5 * time.Minute), wantIssued: now},
		{name: "JWT without systemTime", opts: []iyzicosim.Option{iyzicosim.WithoutSystemTime()},
			wantExpires: now.Add(6 * time.Minute).Truncate(time.Second), wantIssued: now, wantScopes: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts...)
			tok, err := newClient(t, h.srv.URL, merchant(), 0).Token(context.Background(),
				clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1})
			if err != nil {
				t.Fatalf("Token() error = %v", err)
			}
			if !tok.ExpiresAt.Equal(tt.wantExpires) || !tok.IssuedAt.Equal(tt.wantIssued) {
				t.Errorf("ExpiresAt, IssuedAt = %v, %v; want %v, %v", tok.ExpiresAt, tok.IssuedAt, tt.wantExpires, tt.wantIssued)
			}
			if (tok.Scopes != nil) != tt.wantScopes {
				t.Errorf("Scopes = %q, want scopes: %v", tok.Scopes, tt.wantScopes)
			}
		})
	}
}

func TestTokenRejected(t *testing.T) {
	good := clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1}
	tests := []struct {
		name     string
		settings clients.Values
		args     clients.Values
		fail     func(*iyzicosim.Server)
		status   int
		code     string
		message  string
	}{
		{name: "unknown api key", settings: clients.Values{"api_key": "sandbox-unknown", "secret_key": iyzicosim.SecretKey},
			args: good, status: 401, code: "1001", message: "Api bilgileri bulunamadı"},
		{name: "wrong secret key", settings: clients.Values{"api_key": iyzicosim.APIKey, "secret_key": "sandbox-wrong-secret"},
			args: good, status: 401, code: "1000", message: "Geçersiz imza"},
		{name: "wrong secret key, English", settings: clients.Values{"api_key": iyzicosim.APIKey, "secret_key": "sandbox-wrong-secret"},
			args:   clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1, "locale": "en"},
			status: 401, code: "1000", message: "Invalid signature"},
		{name: "unknown session token", args: clients.Values{"session_token": "sandbox-session-unknown", "member_identifier": iyzicosim.MemberIdentifier1},
			status: 400, code: "260016", message: "Session token bulunamadı."},
		{name: "member not bound to the session", args: clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier2},
			status: 400, code: "260016", message: "Session token bulunamadı."},
		{name: "24 at 400", args: good, fail: func(s *iyzicosim.Server) { s.FailNext(1, "24", 400) },
			status: 400, code: "24", message: "sessionToken gönderilmesi zorunludur"},
		{name: "11 as a number at 200", args: good, fail: func(s *iyzicosim.Server) { s.FailNext(1, 11, 0) },
			status: 200, code: "11", message: "Geçersiz istek"},
		{name: "1000 at 200", args: good, fail: func(s *iyzicosim.Server) { s.FailNext(1, "1000", 200) },
			status: 200, code: "1000", message: "Geçersiz imza"},
		{name: "1001 at 401", args: good, fail: func(s *iyzicosim.Server) { s.FailNext(1, 1001, 401) },
			status: 401, code: "1001", message: "Api bilgileri bulunamadı"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.fail != nil {
				tt.fail(h.sim)
			}
			settings := tt.settings
			if settings == nil {
				settings = merchant()
			}
			_, err := newClient(t, h.srv.URL, settings, 2).Token(context.Background(), tt.args)
			e, ok := clients.AsError(err)
			if !ok {
				t.Fatalf("Token() error = %v, want *clients.Error", err)
			}
			if e.Kind != clients.KindRejected || e.StatusCode != tt.status || e.Code != tt.code || e.Message != tt.message {
				t.Errorf("error = kind %v, HTTP %d, code %q, message %q; want rejected, %d, %q, %q",
					e.Kind, e.StatusCode, e.Code, e.Message, tt.status, tt.code, tt.message)
			}
			if e.Attempts != 1 || h.sim.Faults().Calls() != 1 {
				t.Errorf("attempts %d, emulator calls %d; a refusal must not be retried", e.Attempts, h.sim.Faults().Calls())
			}
			for _, secret := range []string{settings.Get("secret_key"), tt.args.Get("session_token")} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains a secret", err)
				}
			}
			if len(h.sim.Issued()) != 0 {
				t.Errorf("the emulator issued a token")
			}
		})
	}
}

func TestTokenRateLimitRetried(t *testing.T) {
	const retries = 2
	args := clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1}
	tests := []struct {
		name      string
		code      any
		failures  int
		wantToken bool
	}{
		{name: "string code, always limited", code: "50000", failures: retries + 1},
		{name: "number code, always limited", code: 50000, failures: retries + 1},
		{name: "number code, then a token", code: 50000, failures: retries, wantToken: true},
		{name: "string code, then a token", code: "50000", failures: 1, wantToken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.FailNext(tt.failures, tt.code, http.StatusOK)
			tok, err := newClient(t, h.srv.URL, merchant(), retries).Token(context.Background(), args)

			wantCalls := int64(tt.failures)
			if tt.wantToken {
				wantCalls++
				if err != nil {
					t.Fatalf("Token() error = %v", err)
				}
				if tok.AccessToken == "" {
					t.Fatal("no token")
				}
			} else {
				e, ok := clients.AsError(err)
				if !ok || e.Kind != clients.KindRejected || e.Code != iyzico.RateLimitCode || e.StatusCode != 200 || e.Attempts != retries+1 {
					t.Fatalf("Token() error = %+v, want rejected with code 50000 at HTTP 200 after %d attempts", err, retries+1)
				}
			}
			if got := h.sim.Faults().Calls(); got != wantCalls {
				t.Errorf("emulator calls = %d, want %d", got, wantCalls)
			}
			// Every attempt is signed afresh.
			keys := map[string]bool{}
			for _, r := range h.rec.all() {
				keys[r.header.Get("x-iyzi-rnd")] = true
			}
			if int64(len(keys)) != wantCalls {
				t.Errorf("%d distinct random keys over %d attempts, want one per attempt", len(keys), wantCalls)
			}
		})
	}
}

func TestTokenBadInput(t *testing.T) {
	tests := []struct {
		name     string
		settings clients.Values
		args     clients.Values
		missing  string
		arg      bool
		setting  string
	}{
		{name: "no session_token", settings: merchant(), args: clients.Values{"member_identifier": iyzicosim.MemberIdentifier1},
			missing: "session_token", arg: true},
		{name: "no member_identifier", settings: merchant(), args: clients.Values{"session_token": iyzicosim.SessionToken1},
			missing: "member_identifier", arg: true},
		{name: "no arguments", settings: merchant(), args: nil, missing: "session_token", arg: true},
		{name: "bad locale", settings: merchant(), setting: "locale",
			args: clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1, "locale": "de"}},
		{name: "locale in capitals", settings: merchant(), setting: "locale",
			args: clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1, "locale": "TR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			gw, err := iyzico.New(clients.Config{Settings: tt.settings, BaseURL: h.srv.URL, Now: fakeClock})
			if err == nil {
				_, err = gw.Token(context.Background(), tt.args)
			}
			var missing *clients.MissingSettingError
			var bad *clients.SettingError
			switch {
			case tt.missing != "":
				if !errors.As(err, &missing) || missing.Name != tt.missing || missing.Arg != tt.arg || missing.Gateway != "iyzico" {
					t.Errorf("error = %#v, want a missing %q (arg %v)", err, tt.missing, tt.arg)
				}
			default:
				if !errors.As(err, &bad) || bad.Setting != tt.setting || !bad.Arg || !strings.Contains(bad.Reason, `"tr", "en"`) {
					t.Errorf("error = %#v, want a SettingError for %q listing tr and en", err, tt.setting)
				}
			}
			if got := h.sim.Faults().Calls(); got != 0 {
				t.Errorf("emulator calls = %d, want 0: bad input is caught before any request", got)
			}
		})
	}
}

func TestSpec(t *testing.T) {
	s := iyzico.Spec()
	if s.Name != "iyzico" || s.Title == "" || s.ProductionURL != "https://api.iyzipay.com" || s.SandboxURL != "https://sandbox-api.iyzipay.com" || s.New == nil {
		t.Fatalf("Spec() = %+v", s)
	}
	settings := map[string]bool{"api_key": false, "secret_key": true, "session_token": true, "member_identifier": false}
	if len(s.Settings) != len(settings) {
		t.Errorf("%d settings, want %d", len(s.Settings), len(settings))
	}
	for _, f := range s.Settings {
		sensitive, ok := settings[f.Name]
		if !ok {
			t.Errorf("unexpected setting %q", f.Name)
			continue
		}
		if f.Sensitive != sensitive {
			t.Errorf("setting %q Sensitive = %v, want %v", f.Name, f.Sensitive, sensitive)
		}
	}
	args := map[string]clients.Field{}
	for _, f := range s.Args {
		args[f.Name] = f
	}
	if f := args["session_token"]; !f.Sensitive || f.Fallback != "session_token" {
		t.Errorf("session_token = %+v, want sensitive with fallback session_token", f)
	}
	if f := args["member_identifier"]; f.Sensitive || f.Fallback != "member_identifier" {
		t.Errorf("member_identifier = %+v, want fallback member_identifier", f)
	}
	if f := args["locale"]; f.Default != "tr" || !slices.Equal(f.OneOf, []string{"tr", "en"}) {
		t.Errorf("locale = %+v, want default tr, one of tr, en", f)
	}
	if f, ok := args["conversation_id"]; !ok || f.Sensitive || f.Fallback != "" || f.Default != "" {
		t.Errorf("conversation_id = %+v, want a plain optional argument", f)
	}
	if len(args) != 4 {
		t.Errorf("%d arguments, want 4", len(args))
	}

	// Specs are fresh: changing one leaves the next alone.
	s.Settings[0].Name = "changed"
	s.Args[2].OneOf[0] = "changed"
	if again := iyzico.Spec(); again.Settings[0].Name == "changed" || again.Args[2].OneOf[0] == "changed" {
		t.Error("Spec() shares state between calls")
	}
}
