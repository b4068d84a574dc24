package clients_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// TestTokenFormatting formats a Token, a *Token and a nil *Token with
// every verb: the access token never shows, and nil reads as <nil>.
func TestTokenFormatting(t *testing.T) {
	tok := &clients.Token{AccessToken: "tok-secret-5Rk", ExpiresAt: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{tok, *tok, []clients.Token{*tok}, map[string]*clients.Token{"k": tok}} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, tok.AccessToken) || !strings.Contains(s, "2026-03-14T09:30:00Z") {
				t.Errorf("%s of %T = %s; want the expiry and not the token", verb, v, s)
			}
		}
	}
	if s := fmt.Sprint((*clients.Token)(nil)); s != "<nil>" {
		t.Errorf("a nil *Token formats as %q, want <nil>", s)
	}
}
