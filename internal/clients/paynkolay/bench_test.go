package paynkolay_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paynkolaysim"
)

// BenchmarkToken is one whole token call, body to dated token, against the
// emulator on loopback with keep-alive connections: the HS512 signing is
// the emulator's share.
func BenchmarkToken(b *testing.B) {
	srv := httptest.NewServer(paynkolaysim.New(paynkolaysim.WithClock(now)))
	defer srv.Close()
	gw, err := paynkolay.New(clients.Config{
		Settings: clients.Values{"username": paynkolaysim.Username, "password": paynkolaysim.Password, "merchant_no": paynkolaysim.MerchantNo},
		BaseURL:  srv.URL, HTTP: quickHTTP(0), Now: now,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gw.Token(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

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
