package provider

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// TestExampleMerchantTokens applies examples/merchant-tokens with the CLI
// under test: a module that returns many merchants' tokens through an
// ephemeral output, called from a root module that hands each token to
// that merchant's endpoint. Two merchants' tokens must reach their own
// endpoints; an empty map of merchants and count = 0 on the module call
// must apply with no token opened.
func TestExampleMerchantTokens(t *testing.T) {
	skipWithout(t, ephemeralResources)
	// The example hands tokens over with curl, as a user's CI would.
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the example hands tokens over with curl, which is not on PATH")
	}
	sb := startSandbox(t)
	endpoints := newTokenEndpoints(t)

	var env []string
	for k, v := range sb.Env() {
		env = append(env, k+"="+v)
	}
	w := newCLIWork(t, "merchant-tokens", env...)
	w.mustRun(t, "init", "-input=false", "-no-color")

	// Two merchants of different integration modes, so different tokens.
	merchants, appSecrets := map[string]map[string]string{}, map[string]string{}
	subs := map[string]string{}
	for _, label := range []string{"is_3d=0", "is_3d=2"} {
		c := credential(t, sb, "sipay", label)
		name := "merchant-" + strings.TrimPrefix(label, "is_3d=")
		merchants[name] = map[string]string{"app_id": c.Settings["app_id"], "token_url": endpoints.url + "/" + name}
		appSecrets[name] = c.Settings["app_secret"]
		subs[name] = sipaySub(t, c.Settings["app_id"])
	}
	apply := func(t *testing.T, merchants map[string]map[string]string, appSecrets map[string]string, extra ...string) {
		t.Helper()
		varFile := filepath.Join(t.TempDir(), "merchants.tfvars.json")
		raw, err := json.Marshal(map[string]any{"merchants": merchants, "app_secrets": appSecrets})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(varFile, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		w.mustRun(t, append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-var-file=" + varFile}, extra...)...)
	}

	t.Run("two merchants", func(t *testing.T) {
		apply(t, merchants, appSecrets)
		got := endpoints.take()
		if len(got) != len(merchants) {
			t.Fatalf("the endpoints received %d tokens, want one per merchant (%d): %v", len(got), len(merchants), slices.Sorted(maps.Keys(got)))
		}
		issued := sb.Issued()
		for name, token := range got {
			if !slices.Contains(issued, token) {
				t.Errorf("%s received a token the sandbox never issued", name)
			}
			if sub := jwtSub(t, token); sub != subs[name] {
				t.Errorf("%s received a token for sub %q, want its own (%q)", name, sub, subs[name])
			}
		}
		noTokenInState(t, w, sb)
	})

	t.Run("no merchants", func(t *testing.T) {
		before := sb.Calls()["sipay"]
		apply(t, map[string]map[string]string{}, map[string]string{})
		if got := endpoints.take(); len(got) > 0 {
			t.Errorf("with no merchants, the endpoints received tokens: %v", slices.Sorted(maps.Keys(got)))
		}
		if n := sb.Calls()["sipay"] - before; n != 0 {
			t.Errorf("with no merchants, Sipay got %d token calls", n)
		}
	})

	t.Run("count = 0", func(t *testing.T) {
		before := sb.Calls()["sipay"]
		if zeroInstanceModuleBug() {
			// Terraform before 1.11.3 fails to apply a module with no
			// instances that holds an ephemeral resource
			// (hashicorp/terraform#36719), whatever the module: the example
			// and the guide say to pass an empty map there instead.
			out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color", "-var=hand_over=false", "-var=merchants={}", "-var=app_secrets={}")
			if err == nil || !strings.Contains(out, "invalid dynamic subgraph") {
				t.Fatalf("%s %s applied a module with count = 0 (%v), which the docs say it cannot:\n%s", cli.Kind, cli.Version, err, out)
			}
			return
		}
		apply(t, merchants, appSecrets, "-var=hand_over=false")
		if got := endpoints.take(); len(got) > 0 {
			t.Errorf("with the module's count = 0, the endpoints received tokens: %v", slices.Sorted(maps.Keys(got)))
		}
		if n := sb.Calls()["sipay"] - before; n != 0 {
			t.Errorf("with the module's count = 0, Sipay got %d token calls", n)
		}
	})
}

// tokenEndpoints stands for the merchants' own endpoints: it records the
// body of each PUT by the last element of its path.
type tokenEndpoints struct {
	url string
	mu  sync.Mutex
	got map[string]string
}

func newTokenEndpoints(t *testing.T) *tokenEndpoints {
	t.Helper()
	e := &tokenEndpoints{got: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if r.Method != http.MethodPut || err != nil {
			http.Error(w, "PUT a token", http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.got[strings.TrimPrefix(r.URL.Path, "/")] = string(body)
		e.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// take returns what the endpoints received since the last call.
func (e *tokenEndpoints) take() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	got := e.got
	e.got = map[string]string{}
	return got
}

// sipaySub returns the sub claim of the tokens the Sipay emulator issues
// to the merchant with appID.
func sipaySub(t *testing.T, appID string) string {
	t.Helper()
	for _, m := range sipaysim.Fixtures() {
		if m.AppID == appID {
			return m.Sub
		}
	}
	t.Fatalf("no Sipay sandbox merchant has app_id %q", appID)
	return ""
}

// jwtSub returns a JWT's sub claim, without checking its signature.
func jwtSub(t *testing.T, token string) string {
	t.Helper()
	claims, ok := jwtclaims.Read(token)
	if !ok {
		t.Fatal("the token is not a JWT")
	}
	sub, ok := claims.Strings("sub")
	if !ok || len(sub) != 1 {
		t.Fatalf("the token's sub claim is %q, want one string", sub)
	}
	return sub[0]
}

// noTokenInState fails when the working directory's state holds any token
// the sandbox issued.
func noTokenInState(t *testing.T, w *cliWork, sb *sandbox.Sandbox) {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for i, token := range sb.Issued() {
		if strings.Contains(string(state), token) {
			t.Errorf("terraform.tfstate holds token %d of those the sandbox issued", i+1)
		}
	}
}

// zeroInstanceModuleBug reports whether the CLI under test fails to apply
// a module with count = 0 that holds an ephemeral resource, as Terraform
// did before 1.11.3 (hashicorp/terraform#36719).
func zeroInstanceModuleBug() bool {
	return cli.Kind == terraformCLI && cli.Version.Core().LessThan(version.Must(version.NewVersion("1.11.3")))
}
