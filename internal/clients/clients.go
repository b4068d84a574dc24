// Package clients is the framework-free core shared by every gateway client:
// the normalised Token, the typed errors, the description of a gateway's
// settings and token arguments (Spec), and the HTTP layer all gateways use.
//
// Nothing here imports a Terraform package: values go in and come out as
// plain Go (strings, time.Time, *bool), and the provider translates them to
// framework types and diagnostics.
package clients

import (
	"context"
	"time"
)

// Gateway is one payment gateway's token call, bound to one merchant's
// settings. Implementations are safe for concurrent use.
type Gateway interface {
	// Token asks the gateway for a fresh access token. args holds the token
	// arguments the gateway's Spec declares, already resolved against their
	// fallbacks; absent keys mean "not set".
	Token(ctx context.Context, args Values) (*Token, error)
}

// Token is an access token normalised across gateways.
type Token struct {
	// AccessToken is the bearer token exactly as the gateway issued it.
	AccessToken string
	// ExpiresAt is when the token stops being valid, in UTC.
	ExpiresAt time.Time
	// IssuedAt is when the gateway issued the token, in UTC.
	IssuedAt time.Time
	// Capabilities says what the token can be used for; nil fields mean the
	// gateway does not say.
	Capabilities Capabilities
	// Scopes lists the scopes or authorities the gateway put in the token;
	// nil means the gateway does not say.
	Scopes []string
	// Warnings are things the user should know that do not stop the token
	// from being used, such as an integration mode this provider does not
	// recognise.
	Warnings []string
}

// ValidFor reports how long the token stays valid after now.
func (t *Token) ValidFor(now time.Time) time.Duration {
	return t.ExpiresAt.Sub(now)
}

// String keeps the access token out of anything that formats a Token or a
// *Token: a value receiver serves both, and fmt shows a nil *Token as <nil>.
func (t Token) String() string {
	return "Token{AccessToken:" + Redacted + ", ExpiresAt:" + t.ExpiresAt.Format(time.RFC3339) + "}"
}

// GoString keeps the access token out of %#v.
func (t Token) GoString() string { return t.String() }

// Capabilities are the capability flags of a token. A nil field means the
// gateway does not say, never false.
type Capabilities struct {
	Supports2D          *bool
	Supports3D          *bool
	SupportsWhiteLabel  *bool
	SupportsBranded     *bool
	SupportsInstallment *bool
	Requires3DChoice    *bool
}

// Bool returns a pointer to b, for building Capabilities.
func Bool(b bool) *bool { return &b }

// Redacted stands in for a secret wherever a value is formatted.
const Redacted = "(redacted)"

// Values holds named string settings or arguments. Its formatting methods
// never print the values, because some of them are secrets.
type Values map[string]string

// Get returns the value of name, or "" when it is not set.
func (v Values) Get(name string) string { return v[name] }

// String lists the names that are set, never their values.
func (v Values) String() string {
	return "Values{" + joinKeys(v) + "}"
}

// GoString keeps the values out of %#v.
func (v Values) GoString() string { return v.String() }
