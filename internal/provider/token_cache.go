package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// tokenCache hands a token already obtained in this provider process to
// every later open with the same key while it stays valid long enough, and
// lets concurrent opens of one key share one gateway call. Different keys
// never wait for each other: the lock guards only map access, and each key
// has its own flight. Tokens live in memory only.
type tokenCache struct {
	mu     sync.Mutex
	tokens map[string]*clients.Token
	group  singleflight.Group
	// joined, when set, is called once a caller is part of a flight, so a
	// test can tell that every caller joined before the flight lands.
	joined func()
}

func newTokenCache() *tokenCache {
	return &tokenCache{tokens: map[string]*clients.Token{}}
}

// cacheKey identifies a token by everything that decides what the gateway
// issues: gateway, the settings and credentials actually used (the token's
// own over the provider's), host choice and arguments. It is a hash, so the
// map never holds credentials in its keys.
func cacheKey(gateway string, cfg clients.Config, args clients.Values) string {
	h := sha256.New()
	write := func(parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	write("gateway", gateway, "base_url", cfg.BaseURL)
	if cfg.Sandbox != nil {
		write("sandbox", map[bool]string{true: "true", false: "false"}[*cfg.Sandbox])
	}
	for _, part := range []struct {
		kind string
		v    clients.Values
	}{{"setting", cfg.Settings}, {"arg", args}} {
		keys := make([]string, 0, len(part.v))
		for k := range part.v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			write(part.kind, k, part.v[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// lookup returns a cached token that stays valid for at least minValidFor.
func (c *tokenCache) lookup(key string, now time.Time, minValidFor time.Duration) (*clients.Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[key]
	if !ok || t.ValidFor(now) < minValidFor {
		return nil, false
	}
	return t, true
}

func (c *tokenCache) store(key string, t *clients.Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.tokens[key]; ok && old.ExpiresAt.After(t.ExpiresAt) {
		return
	}
	c.tokens[key] = t
}

// get returns a token for key: a cached one when it stays valid for
// minValidFor, else the result of fetch, shared with every concurrent
// caller of the same key. reused reports whether no new call was made for
// this caller alone. A freshly fetched token is returned even when it is
// too short-lived for minValidFor: asking again would bring one no longer,
// and the caller reports it.
func (c *tokenCache) get(ctx context.Context, key string, now func() time.Time, minValidFor time.Duration,
	fetch func(context.Context) (*clients.Token, error),
) (tok *clients.Token, reused bool, err error) {
	if t, ok := c.lookup(key, now(), minValidFor); ok {
		return t, true, nil
	}
	// flight is what one shared call gives: a token, and whether it was
	// fetched or found in the cache by the call's leader.
	type flight struct {
		tok     *clients.Token
		fetched bool
	}
	// A caller retries, within bounds, when the flight it joined was led by
	// a request that got cancelled while this one was not, or found a
	// cached token long-lived enough for its leader but not for this caller.
	for attempt := 0; attempt < 3; attempt++ {
		ch := c.group.DoChan(key, func() (any, error) {
			if t, ok := c.lookup(key, now(), minValidFor); ok {
				return flight{tok: t}, nil
			}
			t, err := fetch(ctx)
			if err == nil {
				c.store(key, t)
			}
			return flight{tok: t, fetched: true}, err
		})
		if c.joined != nil {
			c.joined()
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case r := <-ch:
			if r.Err != nil {
				if r.Shared && ctx.Err() == nil && (errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)) {
					continue
				}
				return nil, false, r.Err
			}
			f, _ := r.Val.(flight)
			if !f.fetched && f.tok.ValidFor(now()) < minValidFor {
				continue
			}
			return f.tok, r.Shared || !f.fetched, nil
		}
	}
	t, err := fetch(ctx)
	if err == nil {
		c.store(key, t)
	}
	return t, false, err
}
