package paynkolay_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
)

// FuzzParse feeds Parse and Classify arbitrary answers. Seeds live in
// testdata/fuzz/FuzzParse: the documented success, the emulator's refusals,
// refusals at 200, 403, 500 and 503, answers that are not Paynkolay's, and
// the failure bodies that carried a token past other gateways' checks.
// clientstest.CheckParse checks what every gateway's Parse must do;
// Paynkolay's own rules follow.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte, receivedUnix int64) {
		if status < 100 || status > 599 {
			// Real statuses only, so more inputs land on 401, 403 and 5xx.
			status = 100 + (status%500+500)%500
		}
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", -4*3600))
		var said struct {
			Success any `json:"success"`
			Data    struct {
				Token any `json:"token"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &said)
		carried, _ := said.Data.Token.(string)
		tok, err := paynkolay.Parse(&clients.Response{StatusCode: status, Body: body, Attempts: 1}, received)
		tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
			Gateway: "paynkolay", Status: status, Body: body, Token: tok, Err: err,
			Classify: paynkolay.Classify, Carried: carried, Received: received, IssuedOnReceipt: true,
		})
		denied := status == 401 || status == 403
		if e != nil {
			refusal := said.Success == false
			if (refusal || denied) != (e.Kind == clients.KindRejected) {
				t.Fatalf("HTTP %d, success %v: got %v; a refusal is success false or HTTP 401/403, nothing else", status, said.Success, e.Kind)
			}
			if denied && paynkolay.Classify(status, body) != clients.Final {
				t.Fatalf("HTTP %d is retried", status)
			}
			if len([]rune(e.Message)) > 301 || len([]rune(e.Code)) > 65 {
				t.Fatalf("code %q or message %q not capped", e.Code, e.Message)
			}
			// Paynkolay's codes are any text, so a body that may hold a
			// token gives no code either.
			if clients.BodyCarriesToken(body) && e.Code != "" {
				t.Fatalf("a body that may hold a token gave the code %q", e.Code)
			}
			return
		}
		if said.Success != true || denied || status >= 400 {
			t.Fatalf("HTTP %d, success %v accepted as a success", status, said.Success)
		}
		if clientstest.Flags(tok.Capabilities) != "nnnnnn" || tok.Scopes != nil || tok.Warnings != nil {
			t.Fatalf("flags %s, scopes %q, warnings %q: Paynkolay says none", clientstest.Flags(tok.Capabilities), tok.Scopes, tok.Warnings)
		}
		want := received.UTC().Add(paynkolay.Lifetime)
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if exp, ok := claims.ExpiresAt(); ok {
				want = exp
			}
		}
		if !tok.ExpiresAt.Equal(want) {
			t.Fatalf("ExpiresAt %v, want %v: the JWT's exp, else receipt + 30 minutes", tok.ExpiresAt, want)
		}
	})
}
