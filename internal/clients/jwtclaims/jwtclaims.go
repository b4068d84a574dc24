// Package jwtclaims reads the claims of a JSON Web Token without verifying
// its signature. Gateways sign their tokens with keys the provider does not
// hold; the claims are read only as hints about expiry, issue time and
// scopes, which the token's own holder is entitled to read.
package jwtclaims

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the claims of a token that parsed as a JWT.
type Claims struct {
	m jwt.MapClaims
}

// Read parses token as a JWT. It reports false when token is not one, as
// with opaque tokens.
func Read(token string) (Claims, bool) {
	m := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, m); err != nil {
		return Claims{}, false
	}
	return Claims{m: m}, true
}

// ExpiresAt returns the exp claim in UTC, if present, numeric, not zero and
// within the years 1 to 9999.
func (c Claims) ExpiresAt() (time.Time, bool) {
	return numericDate(c.m.GetExpirationTime())
}

// IssuedAt returns the iat claim in UTC, if present, numeric, not zero and
// within the years 1 to 9999.
func (c Claims) IssuedAt() (time.Time, bool) {
	return numericDate(c.m.GetIssuedAt())
}

// Strings returns a claim that is a list of strings (or a single string).
// It reports false when the claim is absent or of another shape.
func (c Claims) Strings(name string) ([]string, bool) {
	v, ok := c.m[name]
	if !ok {
		return nil, false
	}
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
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

func numericDate(d *jwt.NumericDate, err error) (time.Time, bool) {
	if err != nil || d == nil {
		return time.Time{}, false
	}
	// A claim far out of range (1e300, or past what int64 seconds hold)
	// wraps into a nonsense year; an instant RFC 3339 cannot write is no
	// usable date, so callers fall back as if the claim were absent.
	t := d.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return t, true
}
