package tahsilat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
)

// BenchmarkToken is one full token call, key check to parsed token, against
// the emulator on a loopback server with keep-alive connections.
func BenchmarkToken(b *testing.B) {
	for _, key := range []string{"secret", "public"} {
		b.Run(key, func(b *testing.B) {
			sim := tahsilatsim.New(tahsilatsim.WithClock(clock))
			srv := httptest.NewServer(sim)
			defer srv.Close()
			gw, err := tahsilat.New(clients.Config{
				Settings: clients.Values{"secret_key": tahsilatsim.SecretKey, "public_key": tahsilatsim.PublicKey},
				BaseURL:  srv.URL,
				HTTP:     fastHTTP(0),
				Now:      clock,
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			args := clients.Values{"key": key}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gw.Token(ctx, args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParse is the response parsing alone.
func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name   string
		status int
		body   string
	}{
		{"success", http.StatusOK, docSample},
		{"validation_failure", http.StatusUnprocessableEntity, `{"status":false,"message":"Gönderilen veriler doğrulanamadı.",` +
			`"errors":{"merchant":["Üye işyeri aktif değil."],"ip":["IP adresi izinli değil.","IP engellendi."]},"error_code":"validation_error"}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			resp := response(bc.status, bc.body)
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				tok, err := tahsilat.Parse(resp, received, tahsilat.KeySecret)
				if (err == nil) != (bc.status == http.StatusOK) || (err == nil && tok.AccessToken != docToken) {
					b.Fatalf("Parse = %v, %v", tok, err)
				}
			}
		})
	}
}
