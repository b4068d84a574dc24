package clientstest

import (
	"strings"
	"testing"

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
