package iyzico_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
)

// FuzzParse feeds Parse and Classify arbitrary answers. Its seed corpus
// (testdata/fuzz/FuzzParse) holds real-shaped bodies: the documented
// success and failure, the rate limit as a string and a number, an opaque
// token, and broken ones. clientstest.CheckParse checks what every
// gateway's Parse must do; iyzico's own rules follow.
func FuzzParse(f *testing.F) {
	received := time.Date(2025, 6, 4, 12, 4, 22, 0, time.FixedZone("TRT", 3*60*60))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var fields struct {
			AccessToken string `json:"accessToken"`
		}
		_ = json.Unmarshal(body, &fields)
		tok, err := iyzico.Parse(&clients.Response{StatusCode: status, Body: body, Attempts: 1}, received)
		tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
			Gateway: "iyzico", Status: status, Body: body, Token: tok, Err: err,
			Classify: iyzico.Classify, Carried: fields.AccessToken,
		})
		if e != nil {
			if iyzico.Classify(status, body) == clients.Temporary && e.Code != iyzico.RateLimitCode {
				t.Errorf("Classify() = Temporary but Parse gave code %q", e.Code)
			}
			for _, s := range []string{e.Code, e.Message} {
				if len([]rune(s)) > 501 {
					t.Errorf("code or message %q is longer than 500 runes and an ellipsis", s)
				}
			}
			return
		}
		if status < 200 || status > 299 {
			t.Errorf("success at HTTP %d", status)
		}
		for name, ts := range map[string]time.Time{"ExpiresAt": tok.ExpiresAt, "IssuedAt": tok.IssuedAt} {
			s := ts.Format(time.RFC3339Nano)
			back, perr := time.Parse(time.RFC3339Nano, s)
			if perr != nil || !back.Equal(ts) || ts.Year() < 1970 {
				t.Errorf("%s %v does not round-trip through RFC 3339 (%q)", name, ts, s)
			}
		}
		if tok.Capabilities != (clients.Capabilities{}) {
			t.Errorf("Capabilities = %+v, want all nil", tok.Capabilities)
		}
	})
}
