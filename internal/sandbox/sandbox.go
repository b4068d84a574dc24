// Package sandbox serves the emulators of every gateway's token call
// together on loopback, for the paytoken-sandbox command, the acceptance
// tests, the demo and the benchmarks. Nothing in the provider binary
// imports it.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/hepsipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paybullsim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paynkolaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/qnbpaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// emulator is a gateway's emulator and the path its base URL has.
type emulator struct {
	name     string
	new      func() simkit.Emulator
	basePath string
}

// emulators lists every gateway's emulator.
var emulators = []emulator{
	{"hepsipay", func() simkit.Emulator { return hepsipaysim.New() }, ""},
	{"iyzico", func() simkit.Emulator { return iyzicosim.New() }, ""},
	{"paybull", func() simkit.Emulator { return paybullsim.New() }, paybullsim.BasePath},
	{"paynkolay", func() simkit.Emulator { return paynkolaysim.New() }, ""},
	{"qnbpay", func() simkit.Emulator { return qnbpaysim.New() }, qnbpaysim.BasePath},
	{"sipay", func() simkit.Emulator { return sipaysim.New() }, sipaysim.BasePath},
	{"tahsilat", func() simkit.Emulator { return tahsilatsim.New() }, ""},
	{"vepara", func() simkit.Emulator { return veparasim.New() }, veparasim.BasePath},
}

// Gateway is one running emulator.
type Gateway struct {
	// Name is the gateway's name, e.g. "sipay".
	Name string
	// BaseURL is the base_url to give the provider.
	BaseURL string
	// Emulator is the emulator behind it.
	Emulator simkit.Emulator

	server   *http.Server
	listener net.Listener
}

// Sandbox is the set of running emulators.
type Sandbox struct {
	// Gateways are sorted by name.
	Gateways []*Gateway
}

// Options configure Start.
type Options struct {
	// Addrs maps a gateway's name to its listen address; the default is
	// 127.0.0.1:0, a free loopback port.
	Addrs map[string]string
	// Latency delays every answer, to stand in for a real gateway.
	Latency time.Duration
	// Gateways names the gateways to serve; empty means every one.
	Gateways []string
}

// Start serves every emulator, or those opts.Gateways names, each on its
// own loopback listener.
func Start(opts Options) (*Sandbox, error) {
	for _, name := range opts.Gateways {
		if !slices.ContainsFunc(emulators, func(e emulator) bool { return e.name == name }) {
			return nil, fmt.Errorf("no emulator serves the gateway %q; add one to internal/sandbox/sandbox.go (see CONTRIBUTING.md)", name)
		}
	}
	sb := &Sandbox{}
	for _, e := range emulators {
		if len(opts.Gateways) > 0 && !slices.Contains(opts.Gateways, e.name) {
			continue
		}
		addr := opts.Addrs[e.name]
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil || !clients.IsLoopbackHost(host) {
			sb.Close()
			return nil, fmt.Errorf("%s address %q: the sandbox listens only on loopback addresses, such as 127.0.0.1:8080", e.name, addr)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			sb.Close()
			return nil, fmt.Errorf("%s: %w", e.name, err)
		}
		emu := e.new()
		emu.Faults().SetLatency(opts.Latency)
		g := &Gateway{
			Name:     e.name,
			BaseURL:  "http://" + ln.Addr().String() + e.basePath,
			Emulator: emu,
			listener: ln,
			server:   &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second},
		}
		go func() { _ = g.server.Serve(ln) }()
		sb.Gateways = append(sb.Gateways, g)
	}
	sort.Slice(sb.Gateways, func(i, j int) bool { return sb.Gateways[i].Name < sb.Gateways[j].Name })
	return sb, nil
}

// Gateway returns the running emulator of the gateway called name.
func (s *Sandbox) Gateway(name string) *Gateway {
	for _, g := range s.Gateways {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Close stops every emulator at once.
func (s *Sandbox) Close() {
	for _, g := range s.Gateways {
		_ = g.server.Close()
	}
}

// Shutdown stops every emulator after in-flight requests finish, or when
// ctx ends.
func (s *Sandbox) Shutdown(ctx context.Context) error {
	var errs []error
	for _, g := range s.Gateways {
		errs = append(errs, g.server.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// Calls returns how many requests each emulator has received.
func (s *Sandbox) Calls() map[string]int64 {
	out := map[string]int64{}
	for _, g := range s.Gateways {
		out[g.Name] = g.Emulator.Faults().Calls()
	}
	return out
}

// Issued returns every token the emulators have issued.
func (s *Sandbox) Issued() []string {
	var out []string
	for _, g := range s.Gateways {
		out = append(out, g.Emulator.Issued()...)
	}
	return out
}

// Env returns the provider's environment variables for the first sandbox
// credential of every gateway, with its base URL: enough for a
// configuration that sets nothing but `gateway` on each token.
func (s *Sandbox) Env() map[string]string {
	env := map[string]string{}
	for _, g := range s.Gateways {
		env[clients.EnvVar(g.Name, "base_url")] = g.BaseURL
		creds := g.Emulator.Credentials()
		if len(creds) == 0 {
			continue
		}
		for k, v := range creds[0].Settings {
			env[clients.EnvVar(g.Name, k)] = v
		}
		// Token arguments that are also provider settings, such as iyzico's
		// session_token, go to the environment too.
		spec, _ := gateways.Lookup(g.Name)
		for k, v := range creds[0].Args {
			if spec != nil && hasSetting(spec, k) {
				env[clients.EnvVar(g.Name, k)] = v
			}
		}
	}
	return env
}

func hasSetting(spec *clients.Spec, name string) bool {
	for _, f := range spec.Settings {
		if f.Name == name {
			return true
		}
	}
	return false
}

// ShellExports renders env as sorted, single-quoted shell export lines.
func ShellExports(env map[string]string) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s='%s'\n", k, strings.ReplaceAll(env[k], "'", `'\''`))
	}
	return b.String()
}
