package tahsilat_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
)

// FuzzParse feeds Parse arbitrary answers. The seed corpus under
// testdata/fuzz/FuzzParse holds real-shaped bodies: the documented success,
// a public-key success, refusals in both errors shapes, a non-JSON page.
// clientstest.CheckParse checks what every gateway's Parse must do;
// Tahsilat's own rules follow.
func FuzzParse(f *testing.F) {
	receivedAt := time.Date(2025, 6, 11, 23, 26, 17, 0, time.FixedZone("+03", 3*3600))
	f.Fuzz(func(t *testing.T, status int, body []byte, public bool) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		key := tahsilat.KeySecret
		if public {
			key = tahsilat.KeyPublic
		}
		var env struct {
			Data struct {
				AccessToken any `json:"access_token"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &env)
		carried, _ := env.Data.AccessToken.(string)
		resp := &clients.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       body,
			ReceivedAt: receivedAt,
			Attempts:   1,
		}
		tok, err := tahsilat.Parse(resp, receivedAt, key)
		tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
			Gateway: "tahsilat", Status: status, Body: body, Token: tok, Err: err,
			Carried: carried, Received: receivedAt, IssuedOnReceipt: true,
		})
		if e != nil {
			if len([]rune(e.Message)) > 1001 || len([]rune(e.Code)) > 70 {
				t.Errorf("code %q or message %q not capped", e.Code, e.Message)
			}
			// Tahsilat's codes are words, so a body that may hold a token
			// gives no code either.
			if clients.BodyCarriesToken(body) && e.Code != "" {
				t.Errorf("failure body with a token quoted: code %q", e.Code)
			}
			return
		}
		if status >= 400 {
			t.Errorf("HTTP %d accepted as a success", status)
		}
		if tok.ExpiresAt.IsZero() {
			t.Error("ExpiresAt not set")
		}
		c := tok.Capabilities
		if c.SupportsBranded != nil || c.Requires3DChoice != nil || tok.Scopes != nil {
			t.Error("supports_branded, requires_3d_choice and scopes must stay nil")
		}
		if public && (c.Supports2D == nil || *c.Supports2D) {
			t.Error("a public-key token must have supports_2d false")
		}
		if len(tok.Warnings) > 5 {
			t.Errorf("%d warnings", len(tok.Warnings))
		}
		var said struct {
			Status bool `json:"status"`
		}
		if json.Unmarshal(body, &said) != nil || !said.Status {
			t.Error("a token accepted from a body without status true")
		}
	})
}
