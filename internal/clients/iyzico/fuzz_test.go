package iyzico_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
)

// FuzzParse feeds Parse and Classify arbitrary answers. Its seed corpus
// (testdata/fuzz/FuzzParse) holds real-shaped bodies: the documented
// success and failure, the rate limit as a string and a number, an opaque
// token, and broken ones.
func FuzzParse(f *testing.F) {
	received := time.Date(2025, 6, 4, 12, 4, 22, 0, time.FixedZone("TRT", 3*60*60))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &clients.Response{StatusCode: status, Body: body, Attempts: 1}
		tok, err := iyzico.Parse(resp, received)
		verdict := iyzico.Classify(status, body)

		// The token the body carries, if it reads as one.
		var fields struct {
			AccessToken string `json:"accessToken"`
		}
		_ = json.Unmarshal(body, &fields)

		if (tok == nil) == (err == nil) {
			t.Fatalf("Parse() = %v, %v: want exactly one of a token and an error", tok, err)
		}
		if err == nil {
			if verdict != clients.ByStatus {
				t.Errorf("Classify() = %v for a success", verdict)
			}
			if tok.AccessToken == "" || strings.TrimSpace(tok.AccessToken) == "" {
				t.Fatalf("success with an empty token")
			}
			if tok.AccessToken != fields.AccessToken {
				t.Errorf("AccessToken %q is not the body's accessToken %q", tok.AccessToken, fields.AccessToken)
			}
			if status < 200 || status > 299 {
				t.Errorf("success at HTTP %d", status)
			}
			for name, ts := range map[string]time.Time{"ExpiresAt": tok.ExpiresAt, "IssuedAt": tok.IssuedAt} {
				if ts.Location() != time.UTC {
					t.Errorf("%s %v is not in UTC", name, ts)
				}
				s := ts.Format(time.RFC3339Nano)
				back, perr := time.Parse(time.RFC3339Nano, s)
				if perr != nil || !back.Equal(ts) || ts.Year() < 1970 {
					t.Errorf("%s %v does not round-trip through RFC 3339 (%q)", name, ts, s)
				}
			}
			if tok.Capabilities != (clients.Capabilities{}) {
				t.Errorf("Capabilities = %+v, want all nil", tok.Capabilities)
			}
			// A token short enough to occur in the redacted text itself
			// (say "0") proves nothing; any other must not show.
			if safe := "Token{AccessToken:" + clients.Redacted + ", ExpiresAt:" + tok.ExpiresAt.Format(time.RFC3339) + "}"; !strings.Contains(safe, tok.AccessToken) &&
				strings.Contains(tok.String(), tok.AccessToken) {
				t.Errorf("Token.String shows the token")
			}
			return
		}

		var e *clients.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T is not a *clients.Error", err)
		}
		if e.Gateway != "iyzico" || e.StatusCode != status || e.Attempts != 1 {
			t.Errorf("error = %+v, want gateway iyzico, status %d, 1 attempt", e, status)
		}
		switch e.Kind {
		case clients.KindRejected, clients.KindMalformed, clients.KindHTTPStatus, clients.KindNoToken:
		default:
			t.Errorf("error kind %v cannot come from Parse", e.Kind)
		}
		if verdict != clients.ByStatus && e.Kind != clients.KindRejected {
			t.Errorf("Classify() = %v but Parse gave %+v", verdict, e)
		}
		if verdict == clients.Temporary && e.Code != iyzico.RateLimitCode {
			t.Errorf("Classify() = Temporary but Parse gave code %q", e.Code)
		}
		if e.Kind != clients.KindRejected && (e.Code != "" || e.Message != "") {
			t.Errorf("a %v error carries the body's words %q %q", e.Kind, e.Code, e.Message)
		}
		for _, s := range []string{e.Code, e.Message} {
			if strings.IndexFunc(s, unicode.IsControl) >= 0 || len([]rune(s)) > 501 {
				t.Errorf("code or message %q is not one clean, bounded line", s)
			}
		}
		if tokenText := strings.TrimSpace(fields.AccessToken); len(tokenText) >= 6 && !digitsOnly(tokenText) &&
			clientstest.ErrorShows(err, tokenText) {
			t.Errorf("error %q quotes the body's token", err)
		}
		if s, ok := clientstest.QuotedToken(err, body); ok {
			t.Fatalf("error %q quotes the body's token %q", err, s)
		}
	})
}

func digitsOnly(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}
