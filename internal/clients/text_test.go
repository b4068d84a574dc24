package clients_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// TestRedactError checks the second fence on a gateway's own words: every
// copy of a secret goes, and so does the start of one that CleanText's
// length limit cut through.
func TestRedactError(t *testing.T) {
	const secret = "sipay-app-secret-0123456789abcdef"
	cut := clients.CleanText(strings.Repeat("x", 285)+" "+secret, 300)
	if !strings.Contains(cut, secret[:14]) {
		t.Fatalf("the set-up does not cut the secret: %q", cut)
	}
	for _, tc := range []struct {
		name, message, want string
	}{
		{"whole", "refused " + secret + " twice: " + secret, "refused " + clients.Redacted + " twice: " + clients.Redacted},
		{"cut by the limit", cut, strings.Repeat("x", 285) + " " + clients.Redacted + "…"},
		{"a short prefix at the cut stays", "refused sip…", "refused sip…"},
		{"ellipsis without the secret", "refused by the gateway…", "refused by the gateway…"},
		{"absent", "refused", "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := clients.RedactError(&clients.Error{Gateway: "sipay", Kind: clients.KindRejected, Code: secret, Message: tc.message}, "", secret)
			e, _ := clients.AsError(err)
			if e.Message != tc.want || e.Code != clients.Redacted {
				t.Errorf("code %q, message %q; want %q and %q", e.Code, e.Message, clients.Redacted, tc.want)
			}
		})
	}
	plain := errors.New("not a gateway error " + secret)
	if got := clients.RedactError(plain, secret); got.Error() != plain.Error() {
		t.Errorf("RedactError changed an error that is not a *clients.Error: %v", got)
	}
}

// TestEndSentence checks that a sentence that already ends gets no second
// mark, and one that does not gets a period.
func TestEndSentence(t *testing.T) {
	for in, want := range map[string]string{
		"Session token bulunamadı.": "Session token bulunamadı.",
		"Limit aşıldı!":             "Limit aşıldı!",
		"Neden?":                    "Neden?",
		"Geçersiz imza":             "Geçersiz imza.",
		"cut short…":                "cut short…",
		"code 30: -":                "code 30: -.",
		"":                          "",
	} {
		if got := clients.EndSentence(in); got != want {
			t.Errorf("EndSentence(%q) = %q, want %q", in, got, want)
		}
	}
}
