package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// TestRequestFailedDetail_sentences checks that a gateway's message joins
// the advice after it with exactly one mark, whether it ends with a period,
// "!", "?", a cut or nothing.
func TestRequestFailedDetail_sentences(t *testing.T) {
	spec, _ := gateways.Lookup("iyzico")
	g := &gatewaySettings{spec: spec, values: clients.Values{}}
	m := resolveMerchant(g, tokenRequest{gateway: "iyzico"})
	h := clients.NewHTTP(clients.HTTPOptions{})
	for _, tc := range []struct {
		message, want string
		transient     bool
	}{
		{"Session token bulunamadı.", "with error code 260016: Session token bulunamadı. Check the iyzico credentials", false},
		{"Limit aşıldı!", "with error code 260016: Limit aşıldı! The gateway is limiting", true},
		{"Oturum nerede?", "with error code 260016: Oturum nerede? Check", false},
		{"Geçersiz imza", "with error code 260016: Geçersiz imza. Check", false},
		{"Session token bulun…", "with error code 260016: Session token bulun… Check", false},
	} {
		e := &clients.Error{Gateway: "iyzico", Kind: clients.KindRejected, StatusCode: 400, Attempts: 1,
			Code: "260016", Message: tc.message, Transient: tc.transient}
		got := requestFailedDetail(spec, m, h, tokenRequest{gateway: "iyzico"}, e)
		if !strings.Contains(got, tc.want) || strings.Contains(got, "..") {
			t.Errorf("message %q: detail %q; want it to contain %q and no \"..\"", tc.message, got, tc.want)
		}
	}
	other := errorDiagnostics(spec, m, h, tokenRequest{gateway: "iyzico"}, errors.New("the cache failed."), nil)
	if d := other[0].Detail(); !strings.HasSuffix(d, "the cache failed.") || strings.Contains(d, "..") {
		t.Errorf("detail %q; want the error's own sentence ending once", d)
	}
}

// TestRequestFailedDetail_tooLarge checks that the body limit is given as
// people read it.
func TestRequestFailedDetail_tooLarge(t *testing.T) {
	spec, _ := gateways.Lookup("sipay")
	g := &gatewaySettings{spec: spec, values: clients.Values{}}
	got := requestFailedDetail(spec, resolveMerchant(g, tokenRequest{gateway: "sipay"}), clients.NewHTTP(clients.HTTPOptions{}), tokenRequest{gateway: "sipay"},
		&clients.Error{Gateway: "sipay", Kind: clients.KindTooLarge, StatusCode: 200, Attempts: 1})
	if !strings.Contains(got, "with a body larger than 1 MiB, which is refused.") || strings.Contains(got, "1048576") {
		t.Errorf("detail %q; want the limit as 1 MiB", got)
	}
}
