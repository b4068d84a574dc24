package sandbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// TestSandbox starts every emulator and gets a token from each through the
// real clients with the environment the sandbox advertises, so what the
// sandbox prints is what works.
func TestSandbox(t *testing.T) {
	sb, err := Start(Options{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	env := sb.Env()
	if len(sb.Gateways) != len(gateways.Names()) {
		t.Fatalf("the sandbox serves %d gateways, the registry has %d", len(sb.Gateways), len(gateways.Names()))
	}
	for _, spec := range gateways.All() {
		g := sb.Gateway(spec.Name)
		if g == nil || !strings.HasPrefix(g.BaseURL, "http://127.0.0.1:") {
			t.Fatalf("%s: gateway %+v", spec.Name, g)
		}
		settings := clients.Values{}
		for _, f := range spec.Settings {
			settings[f.Name] = env[clients.EnvVar(spec.Name, f.Name)]
		}
		args := clients.Values{}
		for _, f := range spec.Args {
			if v := settings.Get(f.Fallback); v != "" {
				args[f.Name] = v
			} else if f.Default != "" {
				args[f.Name] = f.Default
			}
		}
		gw, err := spec.New(clients.Config{Settings: settings, BaseURL: env[clients.EnvVar(spec.Name, "base_url")]})
		if err != nil {
			t.Fatalf("%s: %v", spec.Name, err)
		}
		tok, err := gw.Token(context.Background(), args)
		if err != nil {
			t.Fatalf("%s: %v", spec.Name, err)
		}
		if tok.AccessToken == "" || !tok.ExpiresAt.After(time.Now()) {
			t.Errorf("%s: token %v", spec.Name, tok)
		}
	}
	calls := sb.Calls()
	for _, name := range gateways.Names() {
		if calls[name] != 1 {
			t.Errorf("%s served %d calls, want 1", name, calls[name])
		}
	}
	if n := len(sb.Issued()); n != len(gateways.Names()) {
		t.Errorf("issued %d tokens, want one per gateway", n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := sb.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(sb.Gateway("sipay").BaseURL); err == nil {
		_ = resp.Body.Close()
		t.Error("the emulator still answers after Shutdown")
	}
}

// TestStartRefusesNonLoopback keeps the emulators off the network.
func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:0", "example.com:80", "no-port"} {
		if sb, err := Start(Options{Addrs: map[string]string{"tahsilat": addr}}); err == nil {
			sb.Close()
			t.Errorf("Start with %q succeeded", addr)
		}
	}
}

// TestShellExports quotes values so a shell reads them back unchanged.
func TestShellExports(t *testing.T) {
	got := ShellExports(map[string]string{"B": "it's", "A": "plain"})
	want := "export A='plain'\nexport B='it'\\''s'\n"
	if got != want {
		t.Errorf("ShellExports = %q, want %q", got, want)
	}
}

// TestStartSomeGateways serves only the gateways asked for, and refuses a
// gateway without an emulator.
func TestStartSomeGateways(t *testing.T) {
	sb, err := Start(Options{Gateways: []string{"tahsilat"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if len(sb.Gateways) != 1 || sb.Gateway("tahsilat") == nil {
		t.Errorf("serves %d gateways, want tahsilat alone", len(sb.Gateways))
	}
	if sb, err := Start(Options{Gateways: []string{"tahsilat", "nosuchpay"}}); err == nil || !strings.Contains(err.Error(), `"nosuchpay"`) {
		if sb != nil {
			sb.Close()
		}
		t.Errorf("Start with an unknown gateway = %v; want an error naming it", err)
	}
}
