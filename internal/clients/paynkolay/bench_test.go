package paynkolay_test

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
)

// BenchmarkParse parses the answers of a token call: the documented
// success, whose JWT claims are read, and the emulator's refusal.
func BenchmarkParse(b *testing.B) {
	token := clientstest.SignedJWT(b, jwt.MapClaims{"sub": "nkolay_marketplace", "iat": 1770634800, "exp": 1770636600})
	for _, bc := range []struct {
		name   string
		status int
		body   string
	}{
		{"success", 200, success(token)},
		{"refusal", 401, failure(`"401"`, "Kullanıcı adı veya şifre hatalı")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			resp := response(bc.status, bc.body)
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				tok, err := paynkolay.Parse(resp, received)
				if (err == nil) != (bc.status == 200) || (err == nil && tok.AccessToken != token) {
					b.Fatalf("Parse = %v, %v", tok, err)
				}
			}
		})
	}
}
