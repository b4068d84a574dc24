package tahsilat_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
)

// FuzzParse feeds Parse arbitrary answers. The seed corpus under
// testdata/fuzz/FuzzParse holds real-shaped bodies: the documented success,
// a public-key success, refusals in both errors shapes, a non-JSON page.
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
		resp := &clients.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       body,
			ReceivedAt: receivedAt,
			Attempts:   1,
		}
		tok, err := tahsilat.Parse(resp, receivedAt, key)
		if err != nil {
			checkError(t, err, status, body)
			return
		}
		if tok == nil {
			t.Fatal("nil token without an error")
		}
		if status >= 400 {
			t.Errorf("HTTP %d accepted as a success", status)
		}
		if strings.TrimSpace(tok.AccessToken) == "" {
			t.Error("empty access token accepted")
		}
		if tok.ExpiresAt.IsZero() || tok.ExpiresAt.Location() != time.UTC || tok.IssuedAt.Location() != time.UTC {
			t.Errorf("ExpiresAt %v, IssuedAt %v: want both set, in UTC", tok.ExpiresAt, tok.IssuedAt)
		}
		if _, isJWT := jwtclaims.Read(tok.AccessToken); !isJWT && !tok.IssuedAt.Equal(receivedAt) {
			t.Errorf("IssuedAt %v for an opaque token, want the receipt time", tok.IssuedAt)
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
		var env struct {
			Status bool `json:"status"`
		}
		if json.Unmarshal(body, &env) != nil || !env.Status {
			t.Error("a token accepted from a body without status true")
		}
	})
}

// checkError asserts what every failed Parse must satisfy.
func checkError(t *testing.T, err error, status int, body []byte) {
	t.Helper()
	e, ok := clients.AsError(err)
	if !ok {
		t.Fatalf("error %T, want *clients.Error", err)
	}
	if e.Gateway != "tahsilat" || e.StatusCode != status || e.Attempts != 1 {
		t.Errorf("gateway %q status %d attempts %d", e.Gateway, e.StatusCode, e.Attempts)
	}
	switch e.Kind {
	case clients.KindRejected, clients.KindHTTPStatus, clients.KindMalformed, clients.KindNoToken:
	default:
		t.Errorf("kind %v from a response", e.Kind)
	}
	if e.Kind == clients.KindMalformed && status >= 400 {
		t.Errorf("HTTP %d reported as malformed, want an HTTP status error", status)
	}
	if e.Kind != clients.KindRejected && (e.Code != "" || e.Message != "") {
		t.Errorf("%v error quotes the body: code %q message %q", e.Kind, e.Code, e.Message)
	}
	if strings.ContainsAny(e.Message+e.Code, "\n\r\t") || len([]rune(e.Message)) > 1001 || len([]rune(e.Code)) > 70 {
		t.Errorf("code %q or message %q not cleaned or capped", e.Code, e.Message)
	}
	// A failure body holding a token is never quoted.
	var env struct {
		Data struct {
			AccessToken any `json:"access_token"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &env) == nil && env.Data.AccessToken != nil && (e.Code != "" || e.Message != "") {
		t.Errorf("failure body with a token quoted: code %q message %q", e.Code, e.Message)
	}
	if s, ok := clientstest.QuotedToken(err, body); ok {
		t.Errorf("error %q quotes the body's token %q", err, s)
	}
	_ = err.Error()
}
