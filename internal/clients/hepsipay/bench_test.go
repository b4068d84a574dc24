package hepsipay_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/hepsipaysim"
)

// BenchmarkToken is one full token call, Basic credentials to parsed
// token, against the emulator on a loopback server with keep-alive
// connections, for an opaque token and for an RS256 JWT.
func BenchmarkToken(b *testing.B) {
	for _, m := range []struct{ name, apiKey, secretKey string }{
		{"opaque", hepsipaysim.APIKey, hepsipaysim.SecretKey},
		{"jwt", hepsipaysim.APIKeyJWTExpiry, hepsipaysim.SecretKeyJWTExpiry},
	} {
		b.Run(m.name, func(b *testing.B) {
			gw := newHarness(b).client(b, m.apiKey, m.secretKey, 0, nil)
			ctx := context.Background()
			// The first call makes the emulator's RSA key, which is not
			// what is measured.
			if _, err := gw.Token(ctx, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gw.Token(ctx, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParse is the response parsing alone: the documented success, a
// JWT success whose claims are read, and a refusal.
func BenchmarkParse(b *testing.B) {
	token := clientstest.SignedJWT(b, jwt.MapClaims{"iat": now.Unix(), "exp": now.Unix() + 43199, "scope": "payment installment"})
	for _, bc := range []struct {
		name   string
		status int
		body   string
	}{
		{"documented", http.StatusOK, docBody},
		{"jwt", http.StatusOK, withToken(token, `"expires_in":43199,"scope":"payment installment"`)},
		{"invalid_client", http.StatusUnauthorized, `{"error":"invalid_client","error_description":"Client authentication failed."}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			resp := response(bc.status, dateHeader, bc.body)
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if tok, err := hepsipay.Parse(resp, received); (err == nil) != (bc.status == http.StatusOK) {
					b.Fatalf("Parse = %v, %v", tok, err)
				}
			}
		})
	}
}
