package clientstest_test

import (
	"errors"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
)

func TestErrorShows(t *testing.T) {
	rejected := &clients.Error{Gateway: "iyzico", Kind: clients.KindRejected, StatusCode: 401, Code: "1000", Message: "bad token tok-123456"}
	malformed := &clients.Error{Gateway: "iyzico", Kind: clients.KindMalformed, Err: errors.New(`the response's status is neither "success" nor "failure"`)}
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
		{"word of the cause", malformed, "neither", false},
		{"in the location", &clients.Error{Gateway: "x", Kind: clients.KindRedirect, Location: "https://h/?t=tok-77"}, "tok-77", true},
		{"wrapped", errors.Join(errors.New("x"), rejected), "tok-123456", true},
		{"not a clients.Error", errors.New("has tok-9"), "tok-9", true},
		{"nil", nil, "x", false},
	} {
		if got := clientstest.ErrorShows(tc.err, tc.secret); got != tc.want {
			t.Errorf("%s: ErrorShows(%v, %q) = %v, want %v", tc.name, tc.err, tc.secret, got, tc.want)
		}
	}
}
