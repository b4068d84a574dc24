package clientstest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// Served is one gateway's emulator, served over real HTTP on loopback.
type Served struct {
	// BaseURL is the base_url that reaches the emulator.
	BaseURL string
	// Emulator is the emulator behind it.
	Emulator simkit.Emulator
}

// Conformance runs the checks every gateway client must pass, for the
// gateway spec describes. serve starts a fresh emulator of that gateway for
// one test and stops it when the test ends. All the suite knows of the
// gateway comes from spec and the emulator (its credentials, its refusal
// and the faults of its injector), so a gateway that is registered and has
// an emulator gets every check without test code of its own.
func Conformance(t *testing.T, spec *clients.Spec, serve func(t *testing.T) Served) {
	s := &suite{spec: spec, serve: serve}
	t.Run("spec", s.testSpec)
	t.Run("token", s.testToken)
	t.Run("missing settings", s.testMissingSettings)
	t.Run("base URL", s.testBaseURL)
	t.Run("refused base URLs", s.testRefusedBaseURLs)
	t.Run("formatting", s.testFormatting)
	t.Run("refusals", s.testRefusals)
	t.Run("faults", s.testFaults)
	t.Run("cancellation", s.testCancellation)
	t.Run("concurrency", s.testConcurrency)
}

type suite struct {
	spec  *clients.Spec
	serve func(*testing.T) Served
}

// bench is one test's emulator and the credentials it accepts.
type bench struct {
	Served
	creds []simkit.Credential
}

func (s *suite) start(t *testing.T) *bench {
	t.Helper()
	served := s.serve(t)
	creds := served.Emulator.Credentials()
	if len(creds) == 0 {
		t.Fatalf("the %s emulator offers no credentials; Credentials must return at least one that gets a token", s.spec.Name)
	}
	return &bench{Served: served, creds: creds}
}

// calls returns how many requests have reached the emulator.
func (b *bench) calls() int64 { return b.Emulator.Faults().Calls() }

// inject replaces the emulator's faults with faults until the test ends.
func (b *bench) inject(t *testing.T, faults ...simkit.Fault) {
	in := b.Emulator.Faults()
	in.Clear()
	in.Inject(faults...)
	t.Cleanup(in.Clear)
}

// httpLayer returns an HTTP layer with tiny waits, changed by mods.
func httpLayer(mods ...func(*clients.HTTPOptions)) *clients.HTTP {
	opts := clients.HTTPOptions{
		UserAgent:     "terraform-provider-paytoken/conformance",
		Timeout:       10 * time.Second,
		RetryWaitMin:  time.Millisecond,
		RetryWaitMax:  2 * time.Millisecond,
		RetryAfterMax: 2 * time.Millisecond,
	}
	for _, mod := range mods {
		mod(&opts)
	}
	return clients.NewHTTP(opts)
}

func retries(n int) func(*clients.HTTPOptions) {
	return func(o *clients.HTTPOptions) { o.MaxRetries = n }
}

// config is a client's configuration for cred against the emulator.
func (b *bench) config(cred simkit.Credential, h *clients.HTTP) clients.Config {
	return clients.Config{Settings: clients.Values(maps.Clone(cred.Settings)), BaseURL: b.BaseURL, HTTP: h}
}

// client builds a client for cred against the emulator.
func (s *suite) client(t *testing.T, b *bench, cred simkit.Credential, h *clients.HTTP) clients.Gateway {
	t.Helper()
	gw, err := s.spec.New(b.config(cred, h))
	if err != nil {
		t.Fatalf("New with the emulator's credential %q: %v", cred.Label, err)
	}
	return gw
}

// token asks gw for a token with cred's arguments, within a bound of the
// suite's own, so a client that ignores its limits fails instead of hanging.
func token(ctx context.Context, gw clients.Gateway, cred simkit.Credential) (*clients.Token, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return gw.Token(ctx, clients.Values(maps.Clone(cred.Args)))
}

// secrets returns cred's values of the settings and arguments spec marks
// sensitive.
func (s *suite) secrets(cred simkit.Credential) []string {
	var out []string
	for _, f := range s.spec.Settings {
		if v := cred.Settings[f.Name]; f.Sensitive && v != "" {
			out = append(out, v)
		}
	}
	for _, f := range s.spec.Args {
		if v := cred.Args[f.Name]; f.Sensitive && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// noSecret fails the test when text shows any of secrets.
func noSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s shows a secret: %q", what, strings.ReplaceAll(text, s, "<the secret>"))
		}
	}
}

// asError returns err as a *clients.Error, failing the test otherwise.
func asError(t *testing.T, tok *clients.Token, err error) *clients.Error {
	t.Helper()
	e, ok := clients.AsError(err)
	if !ok || tok != nil {
		t.Fatalf("Token = %v, %v; want no token and a *clients.Error", tok, err)
	}
	return e
}

func field(fields []clients.Field, name string) (clients.Field, bool) {
	i := slices.IndexFunc(fields, func(f clients.Field) bool { return f.Name == name })
	if i < 0 {
		return clients.Field{}, false
	}
	return fields[i], true
}

// testSpec checks what the provider builds from a Spec: documented hosts,
// every setting named with its environment variable, full sentences.
func (s *suite) testSpec(t *testing.T) {
	spec := s.spec
	if spec.Name == "" || spec.Name != strings.ToLower(spec.Name) || spec.Title == "" || spec.New == nil {
		t.Errorf("Name %q, Title %q, New set %t; want a lower-case name, a title and New", spec.Name, spec.Title, spec.New != nil)
	}
	for _, u := range []string{spec.ProductionURL, spec.SandboxURL} {
		if err := clients.CheckBaseURL(u); err != nil || !strings.HasPrefix(u, "https://") {
			t.Errorf("documented base URL %q (%v); want an https:// URL", u, err)
		}
	}
	for _, f := range spec.Settings {
		env := clients.EnvVar(spec.Name, f.Name)
		if f.Name == "base_url" || f.Name == "sandbox" {
			t.Errorf("setting %q is common to every gateway; the provider adds it", f.Name)
		}
		if !strings.Contains(f.Description, "`"+env+"`") || !strings.HasSuffix(f.Description, ".") {
			t.Errorf("setting %q: the description does not name `%s` or end with a period: %q", f.Name, env, f.Description)
		}
	}
	for _, f := range spec.Args {
		if !strings.HasSuffix(f.Description, ".") {
			t.Errorf("argument %q: the description is not a sentence: %q", f.Name, f.Description)
		}
		if _, ok := field(spec.Settings, f.Fallback); f.Fallback != "" && !ok {
			t.Errorf("argument %q falls back to %q, which is not a setting", f.Name, f.Fallback)
		}
		if f.Default != "" && len(f.OneOf) > 0 && !slices.Contains(f.OneOf, f.Default) {
			t.Errorf("argument %q defaults to %q, which is not one of %q", f.Name, f.Default, f.OneOf)
		}
	}
	if spec.SandboxHint != nil && !strings.HasSuffix(spec.SandboxHintDoc, ".") {
		t.Errorf("SandboxHintDoc %q does not explain the hint in a sentence", spec.SandboxHintDoc)
	}
}

// testToken gets a token with every credential of the emulator: it is the
// one the emulator issued, and both its times are set and in UTC, whatever
// the zone of the client's clock.
func (s *suite) testToken(t *testing.T) {
	b := s.start(t)
	for _, cred := range b.creds {
		t.Run(cred.Label, func(t *testing.T) {
			received := time.Now().In(time.FixedZone("UTC+03", 3*60*60))
			cfg := b.config(cred, httpLayer())
			cfg.Now = func() time.Time { return received }
			gw, err := s.spec.New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			before := len(b.Emulator.Issued())
			tok, err := token(t.Context(), gw, cred)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			issued := b.Emulator.Issued()
			if len(issued) != before+1 || tok.AccessToken == "" || issued[len(issued)-1] != tok.AccessToken {
				t.Errorf("the token returned is not the one the emulator issued (%d issued, %d before)", len(issued), before)
			}
			for name, at := range map[string]time.Time{"ExpiresAt": tok.ExpiresAt, "IssuedAt": tok.IssuedAt} {
				if at.IsZero() || at.Location() != time.UTC {
					t.Errorf("%s = %v; want a time in UTC", name, at)
				}
			}
			if !tok.ExpiresAt.After(tok.IssuedAt) || !tok.ExpiresAt.After(received) {
				t.Errorf("ExpiresAt %v is not after IssuedAt %v and the receipt %v", tok.ExpiresAt, tok.IssuedAt, received)
			}
		})
	}
}

// testFormatting formats every client, token and set of settings with
// every verb: no secret and no access token may show.
func (s *suite) testFormatting(t *testing.T) {
	b := s.start(t)
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q"}
	for _, cred := range b.creds {
		t.Run(cred.Label, func(t *testing.T) {
			secrets := s.secrets(cred)
			gw := s.client(t, b, cred, httpLayer())
			tok, err := token(t.Context(), gw, cred)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			for _, verb := range verbs {
				noSecret(t, verb+" of the client", fmt.Sprintf(verb, gw), secrets...)
				noSecret(t, verb+" of the settings", fmt.Sprintf(verb, clients.Values(cred.Settings)), secrets...)
				noSecret(t, verb+" of the arguments", fmt.Sprintf(verb, clients.Values(cred.Args)), secrets...)
				noSecret(t, verb+" of the token", fmt.Sprintf(verb, tok), tok.AccessToken)
				noSecret(t, verb+" of the token's value", fmt.Sprintf(verb, *tok), tok.AccessToken)
			}
		})
	}
}

// testConcurrency makes calls with every credential at once, several per
// client, all through one HTTP layer: every call gets its own token, the
// one the emulator issued.
func (s *suite) testConcurrency(t *testing.T) {
	b := s.start(t)
	h := httpLayer()
	const perClient = 4
	var (
		mu     sync.Mutex
		tokens []string
		wg     sync.WaitGroup
	)
	for _, cred := range b.creds {
		gw := s.client(t, b, cred, h)
		for range perClient {
			wg.Go(func() {
				tok, err := token(t.Context(), gw, cred)
				if err != nil {
					t.Errorf("Token with %q: %v", cred.Label, err)
					return
				}
				mu.Lock()
				tokens = append(tokens, tok.AccessToken)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	issued := b.Emulator.Issued()
	slices.Sort(tokens)
	slices.Sort(issued)
	if want := len(b.creds) * perClient; len(tokens) != want || !slices.Equal(tokens, issued) || len(slices.Compact(slices.Clone(tokens))) != want {
		t.Errorf("got %d tokens for %d calls, %d issued; want one distinct issued token per call", len(tokens), want, len(issued))
	}
}
