package sipay_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// BenchmarkToken is one full token call against the emulator on loopback:
// request, RS256 signing on the emulator's side, parsing.
func BenchmarkToken(b *testing.B) {
	_, ts := newEmulator(b)
	gw := newClient(b, ts, fixture("1"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gw.Token(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses the documented sample answer.
func BenchmarkParse(b *testing.B) {
	body, err := os.ReadFile("testdata/sample-success.json")
	if err != nil {
		b.Fatal(err)
	}
	resp := &clients.Response{StatusCode: 200, Body: body}
	at := time.Unix(1611920761, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sipay.Parse(resp, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseTurkeyTime parses one expires_at.
func BenchmarkParseTurkeyTime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sipay.ParseTurkeyTime("2021-01-29 16:46:01"); err != nil {
			b.Fatal(err)
		}
	}
}
