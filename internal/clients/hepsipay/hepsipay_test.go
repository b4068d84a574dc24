package hepsipay_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/hepsipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// now is the fake clock shared by the client and the emulator.
var now = time.Date(2025, 6, 11, 20, 26, 15, 0, time.UTC)

func clock() time.Time { return now }

// harness is an emulator on a loopback server.
type harness struct {
	sim *hepsipaysim.Server
	url string
}

func newHarness(t testing.TB, opts ...hepsipaysim.Option) *harness {
	t.Helper()
	sim := hepsipaysim.New(append([]hepsipaysim.Option{hepsipaysim.WithClock(clock)}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &harness{sim: sim, url: srv.URL}
}

// client builds a client for the emulator whose retries wait a
// millisecond, through transport when it is not nil.
func (h *harness) client(t testing.TB, apiKey, secretKey string, retries int, transport http.RoundTripper) clients.Gateway {
	t.Helper()
	gw, err := hepsipay.New(clients.Config{
		Settings: clients.Values{"api_key": apiKey, "secret_key": secretKey},
		BaseURL:  h.url,
		HTTP: clients.NewHTTP(clients.HTTPOptions{MaxRetries: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
			Transport: transport}),
		Now: clock,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return gw
}

// recording is a transport that keeps each request as the client sent it.
type recording struct {
	requests []*http.Request
	bodies   []string
}

func (rec *recording) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	rec.requests, rec.bodies = append(rec.requests, r), append(rec.bodies, string(body))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(r)
}

func TestSpec(t *testing.T) {
	spec := hepsipay.Spec()
	if spec.Name != "hepsipay" || spec.Title != "Hepsipay" || spec.New == nil || spec.SandboxHint != nil || len(spec.Args) != 0 {
		t.Errorf("Spec = %q %q, New set %t, SandboxHint set %t, %d args; want hepsipay, Hepsipay, New, no hint, no args",
			spec.Name, spec.Title, spec.New != nil, spec.SandboxHint != nil, len(spec.Args))
	}
	if spec.ProductionURL != "https://api.hepsipay.com" || spec.SandboxURL != "https://apientgr.hepsipay.com" {
		t.Errorf("URLs = %q, %q", spec.ProductionURL, spec.SandboxURL)
	}
	want := []clients.Field{{Name: "api_key", PerToken: true}, {Name: "secret_key", Sensitive: true, PerToken: true}}
	if len(spec.Settings) != len(want) {
		t.Fatalf("%d settings, want %d", len(spec.Settings), len(want))
	}
	for i, f := range spec.Settings {
		if f.Name != want[i].Name || f.Sensitive != want[i].Sensitive || f.PerToken != want[i].PerToken {
			t.Errorf("setting %d = %q sensitive %t per token %t, want %+v", i, f.Name, f.Sensitive, f.PerToken, want[i])
		}
	}
}

// TestNewRefusesColon checks that an API key Basic authentication cannot
// carry is refused before any request, without repeating it.
func TestNewRefusesColon(t *testing.T) {
	h := newHarness(t)
	for _, key := range []string{"sandbox-hepsipay:merchant", ":sandbox", "sandbox:"} {
		gw, err := hepsipay.New(clients.Config{Settings: clients.Values{"api_key": key, "secret_key": "s3cret"}, BaseURL: h.url})
		var bad *clients.SettingError
		if !errors.As(err, &bad) || gw != nil || bad.Gateway != "hepsipay" || bad.Setting != "api_key" || bad.Arg {
			t.Fatalf("New with %q = %v, %v; want a *clients.SettingError for api_key", key, gw, err)
		}
		if strings.Contains(err.Error(), "sandbox") || !strings.Contains(err.Error(), "RFC 7617") {
			t.Errorf("error %q repeats the key or does not say why", err)
		}
	}
	if n := h.sim.Faults().Calls(); n != 0 {
		t.Errorf("%d requests made; want none", n)
	}
}

// TestTokenRequest checks the request against Hepsipay's page: a form body
// of exactly grant_type=password and Basic credentials as RFC 7617 writes
// them, a secret key with a colon and non-ASCII letters included.
func TestTokenRequest(t *testing.T) {
	const apiKey, secretKey = "sandbox-hepsipay-ümit", "sandbox-hepsipay-secret-a:b:ç"
	h := newHarness(t, hepsipaysim.WithMerchant(hepsipaysim.Merchant{APIKey: apiKey, SecretKey: secretKey, TokenType: "bearer", ExpiresIn: 60}))
	rec := &recording{}
	tok, err := h.client(t, apiKey, secretKey, 0, rec).Token(t.Context(), nil)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if !tok.IssuedAt.Equal(now) || !tok.ExpiresAt.Equal(now.Add(time.Minute)) {
		t.Errorf("issued %v expires %v, want %v and a minute later", tok.IssuedAt, tok.ExpiresAt, now)
	}
	if len(rec.requests) != 1 {
		t.Fatalf("%d requests, want 1", len(rec.requests))
	}
	r := rec.requests[0]
	for what, got := range map[string][2]string{
		"method":        {r.Method, http.MethodPost},
		"URL":           {r.URL.String(), h.url + "/oauth/token"},
		"Authorization": {r.Header.Get("Authorization"), "Basic " + base64.StdEncoding.EncodeToString([]byte(apiKey+":"+secretKey))},
		"Content-Type":  {r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"},
		"Accept":        {r.Header.Get("Accept"), "application/json"},
		"body":          {rec.bodies[0], "grant_type=password"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", what, got[0], got[1])
		}
	}
}

// TestTokenRetries checks Hepsipay's own reading of answers for retries
// through the HTTP layer: refused credentials are never retried whatever
// the status, a server_error at 503 is.
func TestTokenRetries(t *testing.T) {
	oauth := func(status int, code string) simkit.Fault {
		return simkit.Fault{Kind: simkit.Raw, Status: status, ContentType: "application/json",
			Body: `{"error":"` + code + `","error_description":"from the test"}`}
	}
	tests := []struct {
		name      string
		fault     simkit.Fault
		calls     int64
		code      string
		final     bool
		succeeded bool
	}{
		{"invalid_client at 503", oauth(503, "invalid_client"), 1, "invalid_client", true, false},
		{"invalid_grant at 500", oauth(500, "invalid_grant"), 1, "invalid_grant", true, false},
		{"unauthorized_client at 200", oauth(200, "unauthorized_client"), 1, "unauthorized_client", true, false},
		{"401 with an empty body", simkit.Fault{Kind: simkit.Raw, Status: 401}, 1, "", true, false},
		{"invalid_request at 400", oauth(400, "invalid_request"), 1, "invalid_request", false, false},
		{"server_error at 503, then a token", func() simkit.Fault { f := oauth(503, "server_error"); f.Times = 2; return f }(), 3, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.sim.Faults().Inject(tt.fault)
			tok, err := h.client(t, hepsipaysim.APIKey, hepsipaysim.SecretKey, 3, nil).Token(t.Context(), nil)
			if calls := h.sim.Faults().Calls(); calls != tt.calls || (err == nil) != tt.succeeded {
				t.Fatalf("Token = %v, %v after %d calls; want success %t after %d", tok, err, calls, tt.succeeded, tt.calls)
			}
			if tt.succeeded {
				return
			}
			e, _ := clients.AsError(err)
			if e.Kind != clients.KindRejected || e.Code != tt.code || e.Final != tt.final || e.Retryable() {
				t.Errorf("%v: kind %v code %q final %t retryable %t; want a refusal %q, final %t, not retryable",
					err, e.Kind, e.Code, e.Final, e.Retryable(), tt.code, tt.final)
			}
		})
	}
}

func TestHint(t *testing.T) {
	for code, advises := range map[string]bool{
		"invalid_request": true, "unsupported_grant_type": true, "invalid_scope": true,
		"invalid_client": false, "invalid_grant": false, "unauthorized_client": false, "server_error": false, "": false,
	} {
		hint := hepsipay.Hint(&clients.Error{Gateway: "hepsipay", Kind: clients.KindRejected, Code: code})
		if (hint != "") != advises || (advises && (!strings.Contains(hint, code) || !strings.HasSuffix(hint, "."))) {
			t.Errorf("Hint(%q) = %q; want advice %t, naming the code in sentences", code, hint, advises)
		}
	}
	if hepsipay.Spec().Hint == nil {
		t.Error("Spec has no Hint")
	}
}

// TestFormatting is the one formatting check of the client the shared suite
// cannot make: the Authorization header it keeps is a secret too.
func TestFormatting(t *testing.T) {
	h := newHarness(t)
	gw := h.client(t, hepsipaysim.APIKey, hepsipaysim.SecretKey, 0, nil)
	auth := base64.StdEncoding.EncodeToString([]byte(hepsipaysim.APIKey + ":" + hepsipaysim.SecretKey))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, gw); strings.Contains(s, auth) || strings.Contains(s, hepsipaysim.SecretKey) {
			t.Errorf("%s of the client shows the credentials: %q", verb, s)
		}
	}
}
