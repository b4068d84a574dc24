package paynkolay_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paynkolaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// clock is the fake time of the client and the emulator alike.
var clock = time.Date(2026, 2, 9, 11, 0, 0, 0, time.UTC)

func now() time.Time { return clock }

// quickHTTP retries after a millisecond, so retry tests stay fast.
func quickHTTP(retries int) *clients.HTTP {
	return clients.NewHTTP(clients.HTTPOptions{
		UserAgent: "terraform-provider-paytoken/test", Timeout: 5 * time.Second, MaxRetries: retries,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, RetryAfterMax: 2 * time.Millisecond,
	})
}

// sent is what reached the emulator.
type sent struct {
	method, path, contentType, accept string
	body                              []byte
}

// emulator serves paynkolaysim on loopback, noting each request.
type emulator struct {
	sim  *paynkolaysim.Server
	url  string
	mu   sync.Mutex
	seen []sent
}

func serve(t *testing.T) *emulator {
	t.Helper()
	e := &emulator{sim: paynkolaysim.New(paynkolaysim.WithClock(now))}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.seen = append(e.seen, sent{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Accept"), body})
		e.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		e.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

func (e *emulator) client(t *testing.T, m paynkolaysim.Merchant, retries int) clients.Gateway {
	t.Helper()
	gw, err := paynkolay.New(clients.Config{
		Settings: clients.Values{"username": m.Username, "password": m.Password, "merchant_no": m.MerchantNo},
		BaseURL:  e.url, HTTP: quickHTTP(retries), Now: now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return gw
}

// TestSpec checks Paynkolay's settings: three credentials a token may
// carry, the password alone secret, and no token arguments.
func TestSpec(t *testing.T) {
	spec := paynkolay.Spec()
	if spec.Name != "paynkolay" || spec.Title != "Paynkolay" ||
		spec.ProductionURL != "https://api.paynkolay.com.tr" || spec.SandboxURL != "https://apitest.paynkolay.com.tr" {
		t.Errorf("Spec = %q %q %q %q", spec.Name, spec.Title, spec.ProductionURL, spec.SandboxURL)
	}
	want := []struct {
		name      string
		sensitive bool
	}{{"username", false}, {"password", true}, {"merchant_no", false}}
	if len(spec.Settings) != len(want) || len(spec.Args) != 0 {
		t.Fatalf("%d settings and %d arguments, want %d and none", len(spec.Settings), len(spec.Args), len(want))
	}
	for i, w := range want {
		if f := spec.Settings[i]; f.Name != w.name || f.Sensitive != w.sensitive || !f.PerToken {
			t.Errorf("setting %d = %q sensitive %t per token %t; want %q sensitive %t per token", i, f.Name, f.Sensitive, f.PerToken, w.name, w.sensitive)
		}
	}
}

// TestToken gets a token with each of the emulator's merchants: the
// request is the page's, and the token is dated by its JWT, or by receipt
// and 30 minutes when the JWT has no exp.
func TestToken(t *testing.T) {
	e := serve(t)
	for i, m := range paynkolaysim.Fixtures() {
		t.Run(m.Label, func(t *testing.T) {
			tok, err := e.client(t, m, 0).Token(t.Context(), nil)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if issued := e.sim.Issued(); len(issued) != i+1 || tok.AccessToken != issued[i] {
				t.Errorf("the token is not the one the emulator issued")
			}
			// The emulator's exp is iat + 30 min, and the client falls back
			// to receipt + 30 min: both are the same instant here.
			if !tok.IssuedAt.Equal(clock) || !tok.ExpiresAt.Equal(clock.Add(30*time.Minute)) {
				t.Errorf("issued %v expires %v, want %v and 30 minutes later", tok.IssuedAt, tok.ExpiresAt, clock)
			}
			e.mu.Lock()
			got := e.seen[len(e.seen)-1]
			e.mu.Unlock()
			var body map[string]any
			if err := json.Unmarshal(got.body, &body); err != nil {
				t.Fatalf("the request body is not JSON: %v", err)
			}
			want := map[string]any{"username": m.Username, "password": m.Password, "merchantNo": m.MerchantNo}
			if got.method != http.MethodPost || got.path != "/marketplace/v1/authenticate" ||
				got.contentType != "application/json" || got.accept != "application/json" || len(body) != len(want) {
				t.Errorf("sent %s %s Content-Type %q Accept %q with %d fields", got.method, got.path, got.contentType, got.accept, len(body))
			}
			for k, v := range want {
				if body[k] != v {
					t.Errorf("the body's %s is not the merchant's", k)
				}
			}
		})
	}
}

// TestRetries checks that Classify reaches the HTTP layer: invalid
// credentials are never retried, whatever the HTTP status; another failure
// at a retryable status is.
func TestRetries(t *testing.T) {
	fail := func(status int, code string, times int) simkit.Fault {
		return simkit.Fault{Kind: simkit.Raw, Status: status, ContentType: "application/json", Times: times,
			Body: `{"success":false,"responseCode":"` + code + `","responseMessage":"Sistem hatası","data":null}`}
	}
	tests := []struct {
		name      string
		fault     simkit.Fault
		calls     int64
		token     bool
		code      string
		retryable bool
	}{
		{"401 at 503", fail(503, "401", 0), 1, false, "401", false},
		{"403 at 500", fail(500, "403", 0), 1, false, "403", false},
		{"401 at 200", fail(200, "401", 0), 1, false, "401", false},
		{"400 at 400", fail(400, "400", 0), 1, false, "400", false},
		{"HTML at 403", simkit.Fault{Kind: simkit.HTMLError, Status: 403}, 1, false, "", false},
		{"500 at 500, every time", fail(500, "500", 0), 3, false, "500", true},
		{"500 at 503, once", fail(503, "500", 1), 2, true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := serve(t)
			e.sim.Faults().Inject(tt.fault)
			tok, err := e.client(t, paynkolaysim.Fixtures()[0], 2).Token(t.Context(), nil)
			if calls := e.sim.Faults().Calls(); calls != tt.calls || (tok != nil) != tt.token {
				t.Fatalf("Token = %v, %v after %d calls; want a token %t after %d", tok, err, calls, tt.token, tt.calls)
			}
			if tt.token {
				return
			}
			ce, ok := clients.AsError(err)
			if !ok || ce.Kind != clients.KindRejected || ce.Code != tt.code || ce.Retryable() != tt.retryable {
				t.Errorf("error %v; want a rejection with code %q, retryable %t", err, tt.code, tt.retryable)
			}
		})
	}
}
