package vepara_test

import (
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

// BenchmarkParse parses the answer of Vepara's token page.
func BenchmarkParse(b *testing.B) {
	resp := response(200, `{"status":"success","message":"Token başarıyla alındı.","data":{"token":"your generated token","is_3d":1,"expired_at":"2023-08-15 17:30:00"}}`)
	at := time.Unix(1692106200, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vepara.Parse(resp, at); err != nil {
			b.Fatal(err)
		}
	}
}
