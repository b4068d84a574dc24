package provider

import (
	"context"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// benchGateway is one gateway of the token benchmarks: its provider
// settings and token arguments as a configuration would give them.
type benchGateway struct {
	name     string
	settings clients.Values
	args     clients.Values
	// onToken moves the merchant's credentials from the provider's
	// settings to the token's block, as for many merchants.
	onToken bool
}

// label names the case in benchmark output.
func (bg benchGateway) label() string {
	if bg.onToken {
		return bg.name + "-token-credentials"
	}
	return bg.name
}

// split returns the provider's settings and the token's arguments of the
// case: with onToken, the credentials a token may carry go with the
// arguments.
func (bg benchGateway) split(spec *clients.Spec) (settings, args clients.Values) {
	settings, args = maps.Clone(bg.settings), maps.Clone(bg.args)
	if args == nil {
		args = clients.Values{}
	}
	if bg.onToken {
		for _, f := range spec.TokenSettings() {
			if v, ok := settings[f.Name]; ok {
				args[f.Name] = v
				delete(settings, f.Name)
			}
		}
	}
	return settings, args
}

var benchGateways = []benchGateway{
	{name: "sipay", settings: clients.Values{"app_id": "bench-app", "app_secret": "bench-secret"}},
	{name: "tahsilat", settings: clients.Values{"secret_key": "sk_test_bench", "public_key": "pk_test_bench"}, args: clients.Values{"key": "secret"}},
	{name: "iyzico", settings: clients.Values{"api_key": "bench-api-key", "secret_key": "bench-secret-key"},
		args: clients.Values{"session_token": "bench-session", "member_identifier": "member-42", "conversation_id": "order-42"}},
	{name: "vepara", settings: clients.Values{"app_id": "bench-app", "app_secret": "bench-secret"}},
	{name: "qnbpay", settings: clients.Values{"app_id": "bench-app", "app_secret": "bench-secret"}},
	{name: "paybull", settings: clients.Values{"app_id": "bench-app", "app_secret": "bench-secret"}},
	{name: "hepsipay", settings: clients.Values{"api_key": "bench-api-key", "secret_key": "bench-secret-key"}},
	{name: "paynkolay", settings: clients.Values{"username": "bench-user", "password": "bench-password", "merchant_no": "400000904"}},
}

// TestBenchGatewaysCoverRegistry keeps the benchmarks' rows in step with
// the registry: every gateway has its row, and each row builds a client.
func TestBenchGatewaysCoverRegistry(t *testing.T) {
	for _, name := range gateways.Names() {
		i := slices.IndexFunc(benchGateways, func(bg benchGateway) bool { return bg.name == name })
		if i < 0 {
			t.Errorf("benchGateways has no row for %s", name)
			continue
		}
		spec, _ := gateways.Lookup(name)
		settings, _ := benchGateways[i].split(spec)
		if _, err := spec.New(clients.Config{Settings: settings, BaseURL: "https://" + name + ".bench.invalid"}); err != nil {
			t.Errorf("%s's row builds no client: %v", name, err)
		}
	}
}

// benchCases are benchGateways, each also with its credentials on the
// token.
func benchCases() []benchGateway {
	out := slices.Clone(benchGateways)
	for _, bg := range benchGateways {
		bg.onToken = true
		out = append(out, bg)
	}
	return out
}

// memGateway answers at once from memory: what is left of a token call
// when the gateway and the network take no time.
type memGateway struct {
	calls *atomic.Int64
	now   func() time.Time
}

func (m memGateway) Token(context.Context, clients.Values) (*clients.Token, error) {
	n := m.calls.Add(1)
	now := m.now()
	return &clients.Token{
		AccessToken:  "in-memory-token-" + strconv.FormatInt(n, 10),
		IssuedAt:     now,
		ExpiresAt:    now.Add(time.Hour),
		Capabilities: clients.Capabilities{Supports2D: clients.Bool(true), Supports3D: clients.Bool(true)},
	}, nil
}

// benchData builds providerData as provider.Configure does, for one
// gateway whose Spec is the real one except that New, after building the
// real client (so its cost, paid on every open, is counted), hands back an
// in-memory gateway. The base URL is never contacted.
func benchData(b *testing.B, bg benchGateway, calls *atomic.Int64) (*providerData, tokenRequest) {
	b.Helper()
	actual, ok := gateways.Lookup(bg.name)
	if !ok {
		b.Fatalf("no gateway %q", bg.name)
	}
	settings, args := bg.split(actual)
	spec := *actual
	spec.New = func(cfg clients.Config) (clients.Gateway, error) {
		if _, err := actual.New(cfg); err != nil {
			return nil, err
		}
		return memGateway{calls: calls, now: cfg.Clock()}, nil
	}
	return &providerData{
		gateways: map[string]*gatewaySettings{bg.name: {
			spec:    &spec,
			values:  settings,
			baseURL: "https://" + bg.name + ".bench.invalid",
		}},
		http:  clients.NewHTTP(clients.HTTPOptions{UserAgent: userAgent("bench", "1.11.4")}),
		cache: newTokenCache(),
		now:   time.Now,
	}, tokenRequest{gateway: bg.name, args: args, minValidFor: defaultMinValidFor}
}

// benchContext is a request context as the plugin server makes it for
// OpenEphemeralResource: the provider's root logger at TRACE with JSON
// output, which is what a provider process gets when TF_LOG_PROVIDER is
// unset, and the fields terraform-plugin-go sets on it. The lines go
// nowhere here instead of to Terraform through stderr, and carry no
// timestamp or caller location.
func benchContext() context.Context {
	ctx := tflogtest.RootLogger(context.Background(), io.Discard)
	ctx = tflog.SetField(ctx, "tf_provider_addr", "registry.terraform.io/paytoken/paytoken")
	ctx = tflog.SetField(ctx, "tf_req_id", "3f0c6f5e-8c1b-4b9e-9a4e-2f1d0c7b6a59")
	ctx = tflog.SetField(ctx, "tf_rpc", "OpenEphemeralResource")
	return tflog.SetField(ctx, "tf_ephemeral_resource_type", "paytoken_token")
}

// BenchmarkTokenReuseHit is the full providerData.token path for a token
// already in the reuse cache: settings, cache key, cache lookup, expiry
// check and the "Token ready" log line. Target: under 10 µs.
func BenchmarkTokenReuseHit(b *testing.B) {
	for _, bg := range benchCases() {
		b.Run(bg.label(), func(b *testing.B) { benchReuseHit(b, bg, benchContext()) })
	}
}

// BenchmarkTokenReuseHitWithoutLogger is BenchmarkTokenReuseHit with no
// logger in the context, so tflog drops every line unformatted: the
// provider's own part of a reuse hit, without terraform-plugin-log's and
// hclog's.
func BenchmarkTokenReuseHitWithoutLogger(b *testing.B) {
	for _, bg := range benchCases() {
		b.Run(bg.label(), func(b *testing.B) { benchReuseHit(b, bg, context.Background()) })
	}
}

func benchReuseHit(b *testing.B, bg benchGateway, ctx context.Context) {
	var calls atomic.Int64
	d, r := benchData(b, bg, &calls)
	r.reuse = true
	if _, diags := d.token(ctx, r); diags.HasError() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := d.token(ctx, r); diags.HasError() {
			b.Fatal(diags)
		}
	}
	if n := calls.Load(); n != 1 {
		b.Fatalf("the gateway was called %d times, want 1: the cached token was not reused", n)
	}
}

// BenchmarkTokenOverhead is the full providerData.token path with reuse =
// false against a gateway that answers at once from memory: the provider's
// own cost per token, excluding the gateway. Target: under 1 ms.
func BenchmarkTokenOverhead(b *testing.B) {
	for _, bg := range benchCases() {
		b.Run(bg.label(), func(b *testing.B) {
			var calls atomic.Int64
			d, r := benchData(b, bg, &calls)
			ctx := benchContext()
			var opens int64
			b.ReportAllocs()
			for b.Loop() {
				opens++
				if _, diags := d.token(ctx, r); diags.HasError() {
					b.Fatal(diags)
				}
			}
			if n, want := calls.Load(), opens; n != want {
				b.Fatalf("the gateway was called %d times, want %d (reuse = false)", n, want)
			}
		})
	}
}

// BenchmarkProviderSchema is what a fresh provider process does for
// Terraform's first call: a new protocol 6 server for the provider, and
// GetProviderSchema on it (the provider's, the data source's and the
// ephemeral resource's schemas). Terraform starts one process per
// provider configuration and walk, so this is paid per process.
func BenchmarkProviderSchema(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := providerserver.NewProtocol6WithError(New("bench")())()
		if err != nil {
			b.Fatal(err)
		}
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			b.Fatal(err)
		}
		if len(resp.Diagnostics) > 0 {
			b.Fatalf("GetProviderSchema: %v", resp.Diagnostics[0].Summary)
		}
	}
}
