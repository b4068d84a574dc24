package iyzico_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
)

// BenchmarkToken is the full token call: build, sign, send over loopback,
// verify and issue in the emulator, parse.
func BenchmarkToken(b *testing.B) {
	h := newHarness(b)
	gw := newClient(b, h.srv.URL, merchant(), 0)
	args := clients.Values{"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1,
		"conversation_id": "order-42"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := gw.Token(ctx, args); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses the documented success sample, JWT claims included.
func BenchmarkParse(b *testing.B) {
	resp := &clients.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: []byte(sampleBody)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iyzico.Parse(resp, receivedAt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorization signs a real-sized request body.
func BenchmarkAuthorization(b *testing.B) {
	body := []byte(`{"sessionToken":"d53edb72-53f3-46f4-995d-43570a97bd88","memberIdentifier":"member-42","locale":"tr","conversationId":"order-42"}`)
	b.ReportAllocs()
	for b.Loop() {
		_ = iyzico.Authorization(iyzicosim.APIKey, iyzicosim.SecretKey, "K7Q2ZJX4MNA3PLW5", iyzico.TokenPath, body)
	}
}
