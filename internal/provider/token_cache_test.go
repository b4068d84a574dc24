package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }

// TestTokenCache_concurrentSameKey opens one key from many goroutines at
// once: one fetch, and every caller gets its token.
func TestTokenCache_concurrentSameKey(t *testing.T) {
	const callers = 64
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newTokenCache()
	var fetches atomic.Int64
	release := make(chan struct{})
	fetch := func(context.Context) (*clients.Token, error) { //nolint:unparam // the cache's fetch signature
		fetches.Add(1)
		<-release
		return &clients.Token{AccessToken: "t", ExpiresAt: now.Add(time.Hour)}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, _, err := c.get(context.Background(), "k", fixedClock(now), time.Minute, fetch)
			if err == nil && tok.AccessToken != "t" {
				err = fmt.Errorf("got token %q", tok.AccessToken)
			}
			errs <- err
		}()
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d concurrent opens of one key made %d fetches, want 1", callers, n)
	}
}

// TestTokenCache_keysDoNotWait makes one key's fetch wait for another key's
// to finish: if keys shared a lock or a flight, this would deadlock, and the
// deadline turns that into a failure.
func TestTokenCache_keysDoNotWait(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now()
	c := newTokenCache()
	bDone := make(chan struct{})
	aErr := make(chan error, 1)
	go func() {
		_, _, err := c.get(ctx, "a", fixedClock(now), 0, func(ctx context.Context) (*clients.Token, error) {
			select {
			case <-bDone:
				return &clients.Token{AccessToken: "a", ExpiresAt: now.Add(time.Hour)}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
		aErr <- err
	}()
	tok, _, err := c.get(ctx, "b", fixedClock(now), 0, func(context.Context) (*clients.Token, error) {
		return &clients.Token{AccessToken: "b", ExpiresAt: now.Add(time.Hour)}, nil
	})
	close(bDone)
	if err != nil || tok.AccessToken != "b" {
		t.Fatalf("key b: %v %v", tok, err)
	}
	if err := <-aErr; err != nil {
		t.Fatalf("key a waited for key b and failed: %v", err)
	}
}

// TestTokenCache_minValidFor reuses a token only while it stays valid long
// enough for the caller.
func TestTokenCache_minValidFor(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newTokenCache()
	n := 0
	fetch := func(context.Context) (*clients.Token, error) { //nolint:unparam // the cache's fetch signature
		n++
		return &clients.Token{AccessToken: fmt.Sprint(n), ExpiresAt: now.Add(5 * time.Minute)}, nil
	}
	get := func(minValidFor time.Duration) string {
		tok, _, err := c.get(context.Background(), "k", fixedClock(now), minValidFor, fetch)
		if err != nil {
			t.Fatal(err)
		}
		return tok.AccessToken
	}
	if got := get(time.Minute); got != "1" {
		t.Fatalf("first open got %s", got)
	}
	if got := get(4 * time.Minute); got != "1" {
		t.Errorf("a token valid for 5m was not reused for min_valid_for 4m (got %s)", got)
	}
	if got := get(6 * time.Minute); got != "2" {
		t.Errorf("a token valid for 5m was reused for min_valid_for 6m (got %s)", got)
	}
}

// TestTokenCache_shortLivedSharedOnce opens one key from many goroutines
// while the gateway issues tokens shorter than min_valid_for: asking again
// cannot help, so there is still one fetch, and every caller gets the token
// to report as too short-lived.
func TestTokenCache_shortLivedSharedOnce(t *testing.T) {
	const callers = 16
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := newTokenCache()
	var fetches, joined atomic.Int64
	c.joined = func() { joined.Add(1) }
	release := make(chan struct{})
	fetch := func(context.Context) (*clients.Token, error) { //nolint:unparam // the cache's fetch signature
		fetches.Add(1)
		<-release
		return &clients.Token{AccessToken: "short", ExpiresAt: now.Add(5 * time.Minute)}, nil
	}
	var wg sync.WaitGroup
	got := make(chan *clients.Token, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, _, err := c.get(context.Background(), "k", fixedClock(now), 10*time.Minute, fetch)
			if err != nil {
				t.Error(err)
			}
			got <- tok
		}()
	}
	// Every caller joins the flight before it lands. (One that came later
	// would rightly fetch a token of its own: the cached one is too short.)
	deadline := time.Now().Add(10 * time.Second)
	for joined.Load() < callers && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(got)
	for tok := range got {
		if tok == nil || tok.AccessToken != "short" {
			t.Errorf("a caller got %v, want the short-lived token", tok)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d concurrent opens of one key with short-lived tokens made %d fetches, want 1", callers, n)
	}
}

// TestTokenCache_errorsAreNotCached fetches again after a failure.
func TestTokenCache_errorsAreNotCached(t *testing.T) {
	now := time.Now()
	c := newTokenCache()
	fail := true
	fetch := func(context.Context) (*clients.Token, error) {
		if fail {
			return nil, errors.New("gateway down")
		}
		return &clients.Token{AccessToken: "ok", ExpiresAt: now.Add(time.Hour)}, nil
	}
	if _, _, err := c.get(context.Background(), "k", fixedClock(now), 0, fetch); err == nil {
		t.Fatal("want the fetch error")
	}
	fail = false
	tok, _, err := c.get(context.Background(), "k", fixedClock(now), 0, fetch)
	if err != nil || tok.AccessToken != "ok" {
		t.Fatalf("after a failure: %v %v", tok, err)
	}
}

// TestCacheKey tells apart everything that changes which token a gateway
// issues, and nothing else.
func TestCacheKey(t *testing.T) {
	base := func() clients.Config {
		return clients.Config{Settings: clients.Values{"app_id": "a", "app_secret": "s"}}
	}
	k0 := cacheKey("sipay", base(), clients.Values{})
	if k0 != cacheKey("sipay", base(), clients.Values{}) {
		t.Fatal("the same inputs gave different keys")
	}
	sandbox := true
	variants := map[string]string{
		"gateway":  cacheKey("vepara", base(), clients.Values{}),
		"secret":   cacheKey("sipay", clients.Config{Settings: clients.Values{"app_id": "a", "app_secret": "t"}}, clients.Values{}),
		"base_url": cacheKey("sipay", clients.Config{Settings: base().Settings, BaseURL: "https://x"}, clients.Values{}),
		"sandbox":  cacheKey("sipay", clients.Config{Settings: base().Settings, Sandbox: &sandbox}, clients.Values{}),
		"arg":      cacheKey("sipay", base(), clients.Values{"locale": "en"}),
		"arg/set":  cacheKey("sipay", clients.Config{Settings: clients.Values{"app_id": "a", "app_secret": "s", "locale": "en"}}, clients.Values{}),
	}
	for name, k := range variants {
		if k == k0 {
			t.Errorf("changing %s did not change the key", name)
		}
	}
	if variants["arg"] == variants["arg/set"] {
		t.Error("a token argument and a provider setting of the same name gave the same key")
	}
}

// TestGatewaySettingsFormatting formats a gateway's settings every way fmt
// can: no secret shows.
func TestGatewaySettingsFormatting(t *testing.T) {
	spec, _ := gateways.Lookup("sipay")
	g := &gatewaySettings{spec: spec, values: clients.Values{"app_id": "id-1", "app_secret": "s3cr3t-app-secret"}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(verb, g); strings.Contains(out, "s3cr3t") {
			t.Errorf("%s shows the secret: %s", verb, out)
		}
	}
}
