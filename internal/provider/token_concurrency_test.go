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
// several distinct keys (iyzico tokens with distinct conversation ids, and
// one key each for Sipay and Tahsilat), each opened by many goroutines.
// Every key makes exactly one gateway call, every opener of a key gets the
// same token, and different keys get different tokens. Run under -race by
// `make race`.
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

	var requests []tokenRequest
	requests = append(requests,
		tokenRequest{gateway: "sipay", args: clients.Values{}, minValidFor: time.Minute, reuse: true},
		tokenRequest{gateway: "tahsilat", args: clients.Values{}, minValidFor: time.Minute, reuse: true})
	const iyzicoKeys = 6
	for i := range iyzicoKeys {
		requests = append(requests, tokenRequest{gateway: "iyzico", args: clients.Values{"conversation_id": fmt.Sprintf("order-%d", i)},
			minValidFor: time.Minute, reuse: true})
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
				tok, diags := data.token(ctx, r)
				if diags.HasError() {
					t.Errorf("%s %v: %v", r.gateway, r.args, diags)
					return
				}
				tokens[i][j] = tok.AccessToken
			}()
		}
	}
	close(start)
	wg.Wait()

	seen := map[string]int{}
	for i, ts := range tokens {
		for _, tok := range ts[1:] {
			if tok != ts[0] {
				t.Errorf("key %d: openers of one key got different tokens", i)
				break
			}
		}
		if prev, ok := seen[ts[0]]; ok && ts[0] != "" {
			t.Errorf("keys %d and %d got the same token", prev, i)
		}
		seen[ts[0]] = i
	}
	calls := sb.Calls()
	want := map[string]int64{"sipay": 1, "tahsilat": 1, "iyzico": iyzicoKeys}
	for gw, n := range want {
		if calls[gw] != n {
			t.Errorf("%s served %d calls for %d distinct keys opened %d times each", gw, calls[gw], n, openersPerKey)
		}
	}
}
