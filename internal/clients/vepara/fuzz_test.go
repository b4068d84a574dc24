package vepara_test

import (
	"encoding/json"
	"regexp"
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
// failures and odd shapes.
func FuzzParse(f *testing.F) {
	digits := regexp.MustCompile(`^[0-9]+$`)
	f.Fuzz(func(t *testing.T, body []byte, status int, receivedUnix int64) {
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", 5*3600))
		resp := &clients.Response{StatusCode: status, Body: body, Attempts: 1}
		tok, err := vepara.Parse(resp, received)
		if vepara.Classify(status, body) == clients.Final {
			// What is never retried must be a refusal Parse agrees on.
			if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindRejected {
				t.Fatalf("Classify() = final but Parse gave %v, %v", tok, err)
			}
		}

		// The token the body carries, if any, must never leak into an
		// error or a warning. Short or all-digit tokens are skipped: they
		// can occur in a status code by chance. An error's or warning's own
		// prose is discounted (clientstest.ErrorShows, controlWarnings).
		var carried struct {
			Data struct {
				Token any `json:"token"`
			} `json:"data"`
			Errors map[string]any `json:"errors"`
		}
		_ = json.Unmarshal(body, &carried)
		secret, _ := carried.Data.Token.(string)
		checkable := len(secret) >= 12 && !digits.MatchString(secret)

		if err != nil {
			if tok != nil {
				t.Fatalf("Parse returned both a token and %v", err)
			}
			e, ok := clients.AsError(err)
			if !ok {
				t.Fatalf("Parse error %T is not a *clients.Error", err)
			}
			switch e.Kind {
			case clients.KindRejected:
				if e.Code == "100" {
					t.Fatal("rejection with the success code 100")
				}
			case clients.KindMalformed, clients.KindHTTPStatus, clients.KindNoToken:
				if e.Code != "" || e.Message != "" {
					t.Fatalf("%v error carries code %q message %q", e.Kind, e.Code, e.Message)
				}
			default:
				t.Fatalf("unexpected error kind %v", e.Kind)
			}
			if e.Gateway != "vepara" || e.StatusCode != status {
				t.Fatalf("error gateway %q status %d, want vepara %d", e.Gateway, e.StatusCode, status)
			}
			if strings.IndexFunc(e.Message, func(r rune) bool { return r == '\n' || unicode.IsControl(r) }) >= 0 {
				t.Fatalf("message %q is not one line", e.Message)
			}
			if checkable && clientstest.ErrorShows(err, secret) {
				t.Fatalf("error %q carries the token", err)
			}
			if s, ok := clientstest.QuotedToken(err, body); ok {
				t.Fatalf("error %q quotes the body's token %q", err, s)
			}
			checkFieldMessagesHidden(t, e.Message, body, carried.Errors)
			return
		}
		if tok == nil {
			t.Fatal("Parse returned neither a token nor an error")
		}
		if strings.TrimSpace(tok.AccessToken) == "" || strings.IndexFunc(tok.AccessToken, unicode.IsControl) >= 0 {
			t.Fatalf("unusable access token %q", tok.AccessToken)
		}
		if tok.AccessToken != secret {
			t.Fatalf("access token %q is not data.token %q", tok.AccessToken, secret)
		}
		if tok.ExpiresAt.Location() != time.UTC || tok.IssuedAt.Location() != time.UTC || tok.ExpiresAt.IsZero() {
			t.Fatalf("times not in UTC or zero: expires %v, issued %v", tok.ExpiresAt, tok.IssuedAt)
		}
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if iat, ok := claims.IssuedAt(); ok && !tok.IssuedAt.Equal(iat) {
				t.Fatalf("issued %v, want the JWT's iat %v", tok.IssuedAt, iat)
			}
			if exp, ok := claims.ExpiresAt(); ok && !tok.ExpiresAt.Equal(exp) {
				t.Fatalf("expires %v, want the JWT's exp %v whatever expired_at says", tok.ExpiresAt, exp)
			}
		} else if !tok.IssuedAt.Equal(received) {
			t.Fatalf("issued %v for an opaque token, want the receipt time %v", tok.IssuedAt, received)
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
		for _, w := range tok.Warnings {
			if checkable && strings.Contains(w, secret) && !strings.Contains(controlWarnings(body, received), secret) {
				t.Fatalf("warning %q carries the token", w)
			}
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
