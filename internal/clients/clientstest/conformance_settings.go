package clientstest

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// testMissingSettings leaves out each setting of each credential, and sets
// it empty: the call either needs it not, or fails before any request with
// a MissingSettingError that names it (or the argument that falls back to
// it), whose environment variable its description names. Every secret
// setting must be needed by some credential, so each is checked.
func (s *suite) testMissingSettings(t *testing.T) {
	b := s.start(t)
	needed := map[string]bool{}
	for _, cred := range b.creds {
		t.Run(cred.Label, func(t *testing.T) {
			for _, name := range slices.Sorted(maps.Keys(cred.Settings)) {
				for _, empty := range []bool{false, true} {
					settings := maps.Clone(cred.Settings)
					variant := "without " + name
					delete(settings, name)
					if empty {
						variant, settings[name] = name+" empty", ""
					}
					t.Run(variant, func(t *testing.T) {
						if s.checkMissing(t, b, simkit.Credential{Settings: settings, Args: cred.Args}, name, s.secrets(cred)) {
							needed[name] = true
						}
					})
				}
			}
		})
	}
	for _, f := range s.spec.Settings {
		if f.Sensitive && !needed[f.Name] {
			t.Errorf("no credential of the %s emulator needs the secret setting %q, so nothing checks that it is reported missing; "+
				"add one that does to the emulator's Credentials", s.spec.Name, f.Name)
		}
	}
}

// checkMissing makes a call with cred, which lacks the setting name, and
// reports whether the call needed it.
func (s *suite) checkMissing(t *testing.T, b *bench, cred simkit.Credential, name string, secrets []string) bool {
	t.Helper()
	before := b.calls()
	gw, err := s.spec.New(b.config(cred, httpLayer()))
	if err == nil {
		_, err = token(t.Context(), gw, cred)
	}
	if err == nil {
		return false
	}
	noSecret(t, "the error", err.Error(), secrets...)
	var missing *clients.MissingSettingError
	if !errors.As(err, &missing) {
		t.Fatalf("error %v; want a *clients.MissingSettingError naming %q", err, name)
	}
	setting := missing.Name
	if missing.Arg {
		arg, _ := field(s.spec.Args, missing.Name)
		setting = arg.Fallback
	}
	if missing.Gateway != s.spec.Name || setting != name {
		t.Errorf("MissingSettingError %+v; want gateway %q and the setting %q, or an argument that falls back to it", *missing, s.spec.Name, name)
	}
	env := clients.EnvVar(s.spec.Name, name)
	if f, _ := field(s.spec.Settings, name); !strings.Contains(f.Description, "`"+env+"`") {
		t.Errorf("the setting %q is reported missing, but its description does not name its environment variable %s", name, env)
	}
	if n := b.calls() - before; n != 0 {
		t.Errorf("%d requests reached the emulator without %q; want none", n, name)
	}
	return true
}

// addressTransport records where each request was addressed, then sends it
// to the emulator on loopback with its path unchanged, so the choice of
// host is checked without leaving loopback.
type addressTransport struct {
	target *url.URL
	mu     sync.Mutex
	seen   []string
}

func (a *addressTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.seen = append(a.seen, r.URL.String())
	a.mu.Unlock()
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host, out.Host = a.target.Scheme, a.target.Host, ""
	return http.DefaultTransport.RoundTrip(out)
}

func (a *addressTransport) addressed() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.seen)
}

// testBaseURL checks the choice of host: an explicit base_url wins, then
// an explicit sandbox, then the gateway's hint, then production. The token
// path below the base URL is learnt from a call to the emulator itself.
func (s *suite) testBaseURL(t *testing.T) {
	b := s.start(t)
	target, err := url.Parse(b.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	call := func(t *testing.T, cred simkit.Credential, sandbox *bool, baseURL string) string {
		t.Helper()
		rt := &addressTransport{target: target}
		cfg := b.config(cred, httpLayer(func(o *clients.HTTPOptions) { o.Transport = rt }))
		cfg.Sandbox, cfg.BaseURL = sandbox, baseURL
		gw, err := s.spec.New(cfg)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if _, err := token(t.Context(), gw, cred); err != nil {
			t.Fatalf("Token: %v", err)
		}
		seen := rt.addressed()
		if len(seen) != 1 {
			t.Fatalf("%d requests, want 1", len(seen))
		}
		return seen[0]
	}
	direct := call(t, b.creds[0], nil, b.BaseURL)
	path, ok := strings.CutPrefix(direct, b.BaseURL)
	if !ok {
		t.Fatalf("the request to base_url %q went to %q", b.BaseURL, direct)
	}

	yes, no := true, false
	host := func(cred simkit.Credential) string {
		if s.spec.SandboxHint != nil && s.spec.SandboxHint(clients.Values(cred.Settings), clients.Values(cred.Args)) {
			return s.spec.SandboxURL
		}
		return s.spec.ProductionURL
	}
	explicit := "https://gateway.example.test" + target.Path
	type hostCase struct {
		name    string
		cred    simkit.Credential
		sandbox *bool
		baseURL string
		want    string
	}
	cases := []hostCase{
		{"base_url wins over sandbox", b.creds[0], &yes, explicit + "/", explicit},
		{"sandbox", b.creds[0], &yes, "", s.spec.SandboxURL},
		{"sandbox false", b.creds[0], &no, "", s.spec.ProductionURL},
	}
	for _, cred := range b.creds {
		cases = append(cases, hostCase{"sandbox unset: the hint, else production, for " + cred.Label, cred, nil, "", host(cred)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := call(t, tc.cred, tc.sandbox, tc.baseURL); got != tc.want+path {
				t.Errorf("requested %q, want %q", got, tc.want+path)
			}
		})
	}
}

// testRefusedBaseURLs checks that New refuses every base URL SPEC refuses,
// before any request and without repeating what the URL carries.
func (s *suite) testRefusedBaseURLs(t *testing.T) {
	b := s.start(t)
	target, err := url.Parse(b.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		"http://gateway.example.test",
		"gateway.example.test",
		"/token",
		"ftp://gateway.example.test",
		"https://user:hunter2-pass@gateway.example.test",
		"https://gateway.example.test/?key=hunter2-query",
		"https://gateway.example.test/#hunter2-fragment",
	} {
		t.Run(raw, func(t *testing.T) {
			rt := &addressTransport{target: target}
			cfg := b.config(b.creds[0], httpLayer(func(o *clients.HTTPOptions) { o.Transport = rt }))
			cfg.BaseURL = raw
			gw, err := s.spec.New(cfg)
			var bad *clients.SettingError
			if !errors.As(err, &bad) || gw != nil || bad.Gateway != s.spec.Name || bad.Setting != "base_url" || bad.Arg {
				t.Fatalf("New = %v, %v; want a *clients.SettingError for base_url", gw, err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q repeats what the URL carries", err)
			}
			if n := len(rt.addressed()) + int(b.calls()); n != 0 {
				t.Errorf("%d requests made; want none", n)
			}
		})
	}
}
