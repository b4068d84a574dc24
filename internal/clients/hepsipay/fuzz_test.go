package hepsipay_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// FuzzParse feeds Parse and Classify arbitrary answers with an arbitrary
// Date header. The seed corpus under testdata/fuzz/FuzzParse holds
// real-shaped answers: the documented success, JWT successes with and
// without expires_in, the RFC 6749 refusals at 400, 401 and 200, a bare
// 401, HTML 502, and the shared token-carrying failures.
// clientstest.CheckParse checks what every gateway's Parse must do;
// Hepsipay's own rules follow.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, date string, body []byte) {
		if status < 100 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		var fields struct {
			AccessToken any             `json:"access_token"`
			ExpiresIn   json.RawMessage `json:"expires_in"`
			Scope       any             `json:"scope"`
			Error       any             `json:"error"`
		}
		decoded := json.Unmarshal(body, &fields) == nil
		carried, _ := fields.AccessToken.(string)
		resp := &clients.Response{StatusCode: status, Header: http.Header{"Date": {date}}, Body: body, ReceivedAt: received, Attempts: 1}
		tok, err := hepsipay.Parse(resp, received)
		tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
			Gateway: "hepsipay", Status: status, Body: body, Token: tok, Err: err,
			Classify: hepsipay.Classify, Carried: carried, Received: received,
		})
		oauthError := false
		if s, ok := fields.Error.(string); decoded && ok && clients.CleanText(s, 64) != "" {
			oauthError = true
		}
		if e != nil {
			if len([]rune(e.Code)) > 65 || len([]rune(e.Message)) > 301 {
				t.Errorf("code %q or message %q not capped", e.Code, e.Message)
			}
			if (status == http.StatusUnauthorized || oauthError) && e.Kind != clients.KindRejected {
				t.Errorf("HTTP %d, OAuth error %t: got %v, want a refusal", status, oauthError, e.Kind)
			}
			return
		}
		if status != http.StatusOK || oauthError {
			t.Errorf("a token from HTTP %d, OAuth error %t", status, oauthError)
		}
		if tok.Capabilities != (clients.Capabilities{}) {
			t.Errorf("Capabilities = %s, want every flag null", clientstest.Flags(tok.Capabilities))
		}
		for name, at := range map[string]time.Time{"ExpiresAt": tok.ExpiresAt, "IssuedAt": tok.IssuedAt} {
			back, perr := time.Parse(time.RFC3339Nano, at.Format(time.RFC3339Nano))
			if at.IsZero() || perr != nil || !back.Equal(at) {
				t.Errorf("%s %v is unset or does not round-trip through RFC 3339", name, at)
			}
		}
		if _, isString := fields.Scope.(string); (tok.Scopes != nil) != isString {
			t.Errorf("Scopes = %q from a scope of %T", tok.Scopes, fields.Scope)
		}
		if len(tok.Warnings) > 2 {
			t.Errorf("%d warnings", len(tok.Warnings))
		}

		claims, isJWT := jwtclaims.Read(tok.AccessToken)
		issued := received.UTC()
		if d, perr := http.ParseTime(date); perr == nil && d.Year() >= 1 && d.Year() <= 9999 {
			issued = d.UTC()
		}
		if iat, ok := claims.IssuedAt(); isJWT && ok {
			issued = iat
		}
		if !tok.IssuedAt.Equal(issued) {
			t.Errorf("IssuedAt %v, want %v (JWT iat, else Date, else receipt)", tok.IssuedAt, issued)
		}
		fallback := received.UTC().Add(hepsipay.DefaultLifetime)
		if exp, ok := claims.ExpiresAt(); isJWT && ok {
			fallback = exp
		}
		raw := string(fields.ExpiresIn)
		n, perr := strconv.ParseInt(raw, 10, 64)
		switch {
		case raw == "" || raw == "null":
			if !tok.ExpiresAt.Equal(fallback) {
				t.Errorf("ExpiresAt %v without expires_in, want %v (JWT exp, else receipt + 1h)", tok.ExpiresAt, fallback)
			}
		case perr == nil && n > 0 && n < 1<<31 && issued.Add(time.Duration(n)*time.Second).Year() <= 9999:
			if want := issued.Add(time.Duration(n) * time.Second); !tok.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt %v, want the issue time + expires_in, %v", tok.ExpiresAt, want)
			}
		}
		for _, w := range tok.Warnings {
			if strings.Contains(w, "expires_in") && !tok.ExpiresAt.Equal(fallback) {
				t.Errorf("ExpiresAt %v with the warning %q, want the fallback %v", tok.ExpiresAt, w, fallback)
			}
		}
	})
}
