package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// TestProviderDataToken_concurrent opens many tokens at once through the
// provider's own token path, against the emulators of all three gateways:
// several distinct keys (iyzico tokens with distinct conversation ids, the
// provider's merchant of each gateway, and other merchants whose
// credentials the tokens carry themselves, one of them the provider's own
// merchant again), each opened by many goroutines. Every merchant and
// arguments make exactly one gateway call, however the credentials were
// given, every opener of them gets the same token, and different ones get
// different tokens. Run under -race by `make race`.
func TestProviderDataToken_concurrent(t *testing.T) {
	const openersPerKey = 16
	sb := startSandbox(t)
	env := sb.Env()
	data := &providerData{
		gateways: map[string]*gatewaySettings{},
		http:     clients.NewHTTP(clients.HTTPOptions{UserAgent: "test", MaxRetries: 0}),
		cache:    newTokenCache(),
		now:      time.Now,
	}
	for _, spec := range gateways.All() {
		g := &gatewaySettings{spec: spec, values: clients.Values{}, baseURL: env[clients.EnvVar(spec.Name, "base_url")]}
		for _, f := range spec.Settings {
			if v := env[clients.EnvVar(spec.Name, f.Name)]; v != "" {
				g.values[f.Name] = v
			}
		}
		data.gateways[spec.Name] = g
	}

	// Each request names the token it must get: requests with the same
	// name must share one call.
	type request struct {
		r     tokenRequest
		token string
	}
	open := func(token, gateway string, args clients.Values) request {
		return request{token: token, r: tokenRequest{gateway: gateway, args: args, minValidFor: time.Minute, reuse: true}}
	}
	own := func(gateway, label string, names ...string) clients.Values {
		c := credential(t, sb, gateway, label)
		args := clients.Values{}
		for _, n := range names {
			args[n] = c.Settings[n]
		}
		return args
	}
	if env["PAYTOKEN_SIPAY_APP_ID"] != own("sipay", "is_3d=0", "app_id")["app_id"] {
		t.Fatal("the provider's Sipay merchant is no longer is_3d=0; the test's shared key needs another merchant")
	}
	requests := []request{
		open("sipay provider", "sipay", clients.Values{}),
		open("sipay provider", "sipay", own("sipay", "is_3d=0", "app_id", "app_secret")),
		open("sipay is_3d=1", "sipay", own("sipay", "is_3d=1", "app_id", "app_secret")),
		open("sipay is_3d=2", "sipay", own("sipay", "is_3d=2", "app_id", "app_secret")),
		open("tahsilat provider", "tahsilat", clients.Values{}),
		open("tahsilat 3d-only", "tahsilat", own("tahsilat", "3d-only (secret key)", "secret_key", "public_key")),
		open("iyzico merchant-2", "iyzico", own("iyzico", "merchant-2", "api_key", "secret_key")),
	}
	const iyzicoKeys = 6
	for i := range iyzicoKeys {
		requests = append(requests, open(fmt.Sprintf("iyzico order-%d", i), "iyzico", clients.Values{"conversation_id": fmt.Sprintf("order-%d", i)}))
	}

	tokens := make([][]string, len(requests))
	for i := range tokens {
		tokens[i] = make([]string, openersPerKey)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range requests {
		for j := range openersPerKey {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				tok, diags := data.token(ctx, r.r)
				if diags.HasError() {
					t.Errorf("%s: %v", r.token, diags)
					return
				}
				tokens[i][j] = tok.AccessToken
			}()
		}
	}
	close(start)
	wg.Wait()

	byName := map[string]string{}
	owner := map[string]string{}
	for i, ts := range tokens {
		name := requests[i].token
		for _, tok := range ts {
			if want, ok := byName[name]; ok && tok != want {
				t.Errorf("openers of %q got different tokens", name)
				break
			}
			byName[name] = tok
		}
		if prev, ok := owner[ts[0]]; ok && prev != name && ts[0] != "" {
			t.Errorf("%q and %q got the same token", prev, name)
		}
		owner[ts[0]] = name
	}
	calls := sb.Calls()
	want := map[string]int64{"sipay": 3, "tahsilat": 2, "iyzico": iyzicoKeys + 1}
	for gw, n := range want {
		if calls[gw] != n {
			t.Errorf("%s served %d calls for %d distinct merchants and arguments opened %d times each", gw, calls[gw], n, openersPerKey)
		}
	}
}
