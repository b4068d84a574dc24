package jwtclaims_test

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// The instants RFC 3339 can write, in Unix seconds: years 1 to 9999.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// FuzzRead feeds Read arbitrary strings. Seeds live in
// testdata/fuzz/FuzzRead: both gateways' documented tokens, opaque tokens,
// broken JWTs, exp as integer, float, string and out of range, and every
// shape of a list claim.
//
// Besides never panicking, Read must agree with a plain decoding of the
// payload: what it reads as a date is the claim's number, in UTC, that
// RFC 3339 can write; what it reads as a list is exactly the claim's
// strings.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, token string) {
		claims, ok := jwtclaims.Read(token)
		again, okAgain := jwtclaims.Read(token)
		if ok != okAgain {
			t.Fatalf("Read is not deterministic: %t then %t", ok, okAgain)
		}
		if !ok {
			checkAbsent(t, claims)
			return
		}
		if strings.Count(token, ".") != 2 {
			t.Fatalf("a token with %d dots read as a JWT", strings.Count(token, "."))
		}

		// The payload as a plain decoder sees it.
		payload, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
		if err != nil {
			t.Fatalf("read as a JWT, but the payload is not base64url: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(payload, &m); err != nil {
			t.Fatalf("read as a JWT, but the payload is not a JSON object: %v", err)
		}

		for name, get := range map[string]func(jwtclaims.Claims) (time.Time, bool){
			"exp": jwtclaims.Claims.ExpiresAt,
			"iat": jwtclaims.Claims.IssuedAt,
		} {
			at, ok := get(claims)
			at2, ok2 := get(again)
			if ok != ok2 || !at.Equal(at2) {
				t.Fatalf("%s differs between two reads: %s %t, %s %t", name, at, ok, at2, ok2)
			}
			checkDate(t, name, m[name], at, ok)
		}

		for name, v := range m {
			got, ok := claims.Strings(name)
			want, wantOK := stringsOf(v)
			if ok != wantOK || !slices.Equal(got, want) || (ok && got == nil) {
				t.Fatalf("Strings(%q) = %q, %t; the claim %v gives %q, %t", name, got, ok, v, want, wantOK)
			}
		}
		if _, ok := m["paytoken-absent"]; !ok {
			if got, ok := claims.Strings("paytoken-absent"); ok {
				t.Fatalf("an absent claim reads as %q", got)
			}
		}
	})
}

// checkDate checks a date Read returned against the claim it came from.
func checkDate(t *testing.T, name string, claim any, at time.Time, ok bool) {
	t.Helper()
	if !ok {
		if !at.IsZero() {
			t.Fatalf("%s unreadable but not zero: %s", name, at)
		}
		if n, isNum := claim.(float64); isNum && n != 0 && n > minUnix+1 && n < maxUnix-1 {
			t.Fatalf("%s %v is a usable number of seconds but was not read", name, n)
		}
		return
	}
	if at.Location() != time.UTC {
		t.Fatalf("%s is in %s, not UTC", name, at.Location())
	}
	// Whatever is read, RFC 3339 writes it and reads it back: the provider
	// hands expires_at and issued_at out in that form.
	back, err := time.Parse(time.RFC3339Nano, at.Format(time.RFC3339Nano))
	if err != nil || !back.Equal(at) {
		t.Fatalf("%s %s does not survive RFC 3339: %v", name, at.Format(time.RFC3339Nano), err)
	}
	n, isNum := claim.(float64)
	if !isNum || n == 0 {
		t.Fatalf("%s read as %s from the claim %#v, which is not a non-zero number", name, at, claim)
	}
	if d := math.Abs(float64(at.Unix()) - n); d > 1 {
		t.Fatalf("%s read as %s (%d), %v seconds away from the claim %v", name, at, at.Unix(), d, n)
	}
}

// stringsOf is what Strings should give for a claim's decoded value.
func stringsOf(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := []string{}
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// checkAbsent checks that the Claims of a token that is not a JWT answer
// "absent" to everything.
func checkAbsent(t *testing.T, c jwtclaims.Claims) {
	t.Helper()
	if _, ok := c.ExpiresAt(); ok {
		t.Fatal("not a JWT, yet it has an expiry")
	}
	if _, ok := c.IssuedAt(); ok {
		t.Fatal("not a JWT, yet it has an issue time")
	}
	for _, name := range []string{"scopes", "authorities", "scope"} {
		if _, ok := c.Strings(name); ok {
			t.Fatalf("not a JWT, yet it has %s", name)
		}
	}
}
