package vepara_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

// FuzzParse feeds Parse and Classify arbitrary answers, in the object and
// the array form. Seeds live in testdata/fuzz/FuzzParse: the documented
// sample and 422, the platform's failures and odd shapes.
// clientstest.FuzzPlatform checks what every gateway's Parse must do and
// the platform's rules; Vepara's own follow: a JWT's exp decides the
// expiry, and a validation refusal quotes only its message and field names.
func FuzzParse(f *testing.F) {
	clientstest.FuzzPlatform(f, []clientstest.PlatformParser{{
		Gateway: "vepara", Parse: vepara.Parse, Classify: vepara.Classify,
		ExpiryFields: []string{"expired_at", "expires_at"}, CodelessRefusals: true,
		Success: func(data map[string]any) any { return map[string]any{"status": "success", "data": data} },
	}}, func(t *testing.T, body []byte, tok *clients.Token, e *clients.Error) {
		if e != nil {
			checkFieldMessagesHidden(t, e.Message, sipay.Object(body))
			return
		}
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if exp, ok := claims.ExpiresAt(); ok && !tok.ExpiresAt.Equal(exp) {
				t.Fatalf("expires %v, want the JWT's exp %v whatever expired_at says", tok.ExpiresAt, exp)
			}
		}
	})
}

// checkFieldMessagesHidden fails when a refusal shows a message that the
// validation envelope put under a field, unless the envelope's own message
// or field names hold it too: only those two are ever quoted.
func checkFieldMessagesHidden(t *testing.T, message string, body []byte) {
	t.Helper()
	var env struct {
		Message any            `json:"message"`
		Errors  map[string]any `json:"errors"`
	}
	_ = json.Unmarshal(body, &env)
	quotable, _ := env.Message.(string)
	for k, v := range env.Errors {
		quotable += " " + k
		list, _ := v.([]any)
		for _, m := range list {
			s, _ := m.(string)
			if len(s) >= 8 && strings.Contains(message, s) && !strings.Contains(clients.CleanText(quotable, 1<<20), s) {
				t.Fatalf("message %q shows %q, a message under the field %q", message, s, k)
			}
		}
	}
}
