package vepara_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

// FuzzParse feeds Parse and Classify arbitrary answers. Seeds live in
// testdata/fuzz/FuzzParse: the documented sample and 422, the platform's
// failures and odd shapes. clientstest.CheckParse checks what every
// gateway's Parse must do; Vepara's own rules follow.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, status int, receivedUnix int64) {
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", 5*3600))
		var carried struct {
			Data struct {
				Token any `json:"token"`
			} `json:"data"`
			Errors map[string]any `json:"errors"`
		}
		_ = json.Unmarshal(body, &carried)
		secret, _ := carried.Data.Token.(string)
		tok, err := vepara.Parse(&clients.Response{StatusCode: status, Body: body, Attempts: 1}, received)
		tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
			Gateway: "vepara", Status: status, Body: body, Token: tok, Err: err,
			Classify: vepara.Classify, Carried: secret, Received: received, IssuedOnReceipt: true,
			WarningProse: func() string { return controlWarnings(body, received) },
		})
		if e != nil {
			if e.Kind == clients.KindRejected && e.Code == "100" {
				t.Fatal("rejection with the success code 100")
			}
			checkFieldMessagesHidden(t, e.Message, body, carried.Errors)
			return
		}
		if strings.IndexFunc(tok.AccessToken, unicode.IsControl) >= 0 {
			t.Fatalf("access token %q holds control characters", tok.AccessToken)
		}
		if tok.ExpiresAt.IsZero() {
			t.Fatalf("zero expiry")
		}
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if exp, ok := claims.ExpiresAt(); ok && !tok.ExpiresAt.Equal(exp) {
				t.Fatalf("expires %v, want the JWT's exp %v whatever expired_at says", tok.ExpiresAt, exp)
			}
		}
		c := tok.Capabilities
		if c.SupportsInstallment != nil {
			t.Fatal("supports_installment is set; Vepara never says")
		}
		if c.SupportsBranded == nil && len(tok.Warnings) == 0 {
			t.Fatal("capabilities unknown without a warning")
		}
		if (c.SupportsBranded == nil) != (c.SupportsWhiteLabel == nil) || (c.SupportsBranded == nil) != (c.Requires3DChoice == nil) {
			t.Fatal("capabilities partly set")
		}
	})
}

// checkFieldMessagesHidden fails when a refusal shows a message that the
// validation envelope put under a field, unless the envelope's own message
// or field names hold it too: only those two are ever quoted.
func checkFieldMessagesHidden(t *testing.T, message string, body []byte, errs map[string]any) {
	t.Helper()
	var env struct {
		Message any `json:"message"`
	}
	_ = json.Unmarshal(body, &env)
	quotable, _ := env.Message.(string)
	for k, v := range errs {
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

// controlWarnings returns the warnings Parse gives for body's is_3d and
// expiry fields with another token: what the warnings' prose and quoted
// values hold by chance, so a token such as "integration mode" that is part
// of that prose is not taken for a leak. It reads the body as Parse does.
func controlWarnings(body []byte, received time.Time) string {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	var data struct {
		Is3D      json.RawMessage `json:"is_3d"`
		ExpiredAt json.RawMessage `json:"expired_at"`
		ExpiresAt json.RawMessage `json:"expires_at"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Data) > 0 && env.Data[0] == '{' {
		_ = json.Unmarshal(env.Data, &data)
	}
	fields := map[string]any{"token": "control-token-0"}
	for k, v := range map[string]json.RawMessage{"is_3d": data.Is3D, "expired_at": data.ExpiredAt, "expires_at": data.ExpiresAt} {
		if v != nil {
			fields[k] = v
		}
	}
	control, _ := json.Marshal(map[string]any{"status": "success", "data": fields})
	tok, err := vepara.Parse(&clients.Response{StatusCode: 200, Body: control, Attempts: 1}, received)
	if err != nil {
		return ""
	}
	return strings.Join(tok.Warnings, "\n")
}
