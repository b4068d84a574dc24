package clientstest_test

import (
	"errors"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
)

func TestErrorShows(t *testing.T) {
	rejected := &clients.Error{Gateway: "iyzico", Kind: clients.KindRejected, StatusCode: 401, Code: "1000", Message: "bad token tok-123456"}
	malformed := &clients.Error{Gateway: "sipay", Kind: clients.KindMalformed, Err: errors.New("data.token tok-abcdef is odd")}
	for _, tc := range []struct {
		name   string
		err    error
		secret string
		want   bool
	}{
		{"in the message", rejected, "tok-123456", true},
		{"in the code", rejected, "1000", true},
		{"prose only", rejected, "refused", false},
		{"gateway name", rejected, "iyzico", false},
		{"absent", rejected, "other-secret", false},
		{"in the cause", malformed, "tok-abcdef", true},
		{"wrapped", errors.Join(errors.New("x"), rejected), "tok-123456", true},
		{"not a clients.Error", errors.New("has tok-9"), "tok-9", true},
		{"nil", nil, "x", false},
	} {
		if got := clientstest.ErrorShows(tc.err, tc.secret); got != tc.want {
			t.Errorf("%s: ErrorShows(%v, %q) = %v, want %v", tc.name, tc.err, tc.secret, got, tc.want)
		}
	}
}
