package clientstest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// SignedJWT returns a JWT with claims, signed with a test key: the clients
// read a token's claims without verifying it, so the key does not matter.
func SignedJWT(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("test-signing-key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Flags renders capabilities compactly, so a table can state them in one
// word: t, f or n (null) for 2d, 3d, white_label, branded, installment and
// requires_3d_choice, in that order.
func Flags(c clients.Capabilities) string {
	var b strings.Builder
	for _, p := range []*bool{c.Supports2D, c.Supports3D, c.SupportsWhiteLabel, c.SupportsBranded, c.SupportsInstallment, c.Requires3DChoice} {
		switch {
		case p == nil:
			b.WriteByte('n')
		case *p:
			b.WriteByte('t')
		default:
			b.WriteByte('f')
		}
	}
	return b.String()
}

// TokenWant is what a parse test expects of a token's dates, scopes and
// warnings.
type TokenWant struct {
	ExpiresAt, IssuedAt time.Time
	// Scopes nil means the token must say nothing of its scopes.
	Scopes   []string
	Warnings int
}

// CheckToken checks tok against want: both dates equal and in UTC, the
// same scopes (nil and empty told apart) and as many warnings.
func CheckToken(t testing.TB, tok *clients.Token, want TokenWant) {
	t.Helper()
	if !tok.ExpiresAt.Equal(want.ExpiresAt) || tok.ExpiresAt.Location() != time.UTC {
		t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, want.ExpiresAt)
	}
	if !tok.IssuedAt.Equal(want.IssuedAt) || tok.IssuedAt.Location() != time.UTC {
		t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, want.IssuedAt)
	}
	if !slices.Equal(tok.Scopes, want.Scopes) || (tok.Scopes == nil) != (want.Scopes == nil) {
		t.Errorf("Scopes = %#v, want %#v", tok.Scopes, want.Scopes)
	}
	if len(tok.Warnings) != want.Warnings {
		t.Errorf("Warnings = %q, want %d", tok.Warnings, want.Warnings)
	}
}
