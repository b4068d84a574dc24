package clientstest_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
)

// recorder is a testing.TB that keeps the failures it is told of, so a
// test can see what a check reports. Fatalf ends the goroutine, as
// testing.T's does.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// run runs CheckParse on c and returns its failures, joined.
func run(c clientstest.ParseCase) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = clientstest.CheckParse(r, c)
	}()
	<-done
	return strings.Join(r.failures, "\n")
}

// TestCheckParse feeds CheckParse results that break each property once,
// and results that keep them all, including the ones that look like a leak
// only by chance.
func TestCheckParse(t *testing.T) {
	received := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("X", 3600))
	const secret = "tok-SECRET-42"
	body := []byte(`{"data":{"token":"` + secret + `"}}`)
	token := func(mod func(*clients.Token)) *clients.Token {
		tok := &clients.Token{AccessToken: secret, IssuedAt: received.UTC(), ExpiresAt: received.UTC().Add(time.Hour)}
		if mod != nil {
			mod(tok)
		}
		return tok
	}
	refusal := func(mod func(*clients.Error)) *clients.Error {
		e := &clients.Error{Gateway: "gw", Kind: clients.KindRejected, StatusCode: 200, Attempts: 1, Code: "7", Message: "refused"}
		if mod != nil {
			mod(e)
		}
		return e
	}
	final := func(int, []byte) clients.Verdict { return clients.Final }
	success := clientstest.ParseCase{Gateway: "gw", Status: 200, Body: body, Token: token(nil), Carried: secret,
		Received: received, IssuedOnReceipt: true}
	failure := clientstest.ParseCase{Gateway: "gw", Status: 200, Body: []byte(`{"code":7}`), Err: refusal(nil)}
	with := func(c clientstest.ParseCase, mod func(*clientstest.ParseCase)) clientstest.ParseCase {
		mod(&c)
		return c
	}
	for _, tt := range []struct {
		name string
		c    clientstest.ParseCase
		want string // a substring of the failures; "" for none
	}{
		{"a success", success, ""},
		{"a refusal", failure, ""},
		{"a numeric code that holds the token", with(failure, func(c *clientstest.ParseCase) {
			c.Body, c.Carried = []byte(`{"status_code":-1234567,"data":{"token":"-1234567"}}`), "-1234567"
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "-1234567", "" })
		}), ""},
		{"a token that is a word of the prose", with(failure, func(c *clientstest.ParseCase) {
			c.Body, c.Carried = []byte(`{"data":{"token":"refused"}}`), "refused"
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "", "" })
		}), ""},
		{"a warning whose prose holds the token", with(success, func(c *clientstest.ParseCase) {
			c.Token = token(func(tok *clients.Token) { tok.Warnings = []string{"the " + secret + " mode"} })
			c.WarningProse = func() string { return "the " + secret + " mode" }
		}), ""},
		{"a token and an error", with(success, func(c *clientstest.ParseCase) { c.Err = refusal(nil) }), "exactly one"},
		{"neither", with(success, func(c *clientstest.ParseCase) { c.Token = nil }), "exactly one"},
		{"another error type", with(failure, func(c *clientstest.ParseCase) { c.Err = errors.New("x") }), "not a *clients.Error"},
		{"another gateway", with(failure, func(c *clientstest.ParseCase) { c.Gateway = "other" }), "want other HTTP 200 attempts 1"},
		{"another status", with(failure, func(c *clientstest.ParseCase) { c.Status = 503 }), "want gw HTTP 503"},
		{"no attempt", with(failure, func(c *clientstest.ParseCase) { c.Err = refusal(func(e *clients.Error) { e.Attempts = 0 }) }), "attempts 0"},
		{"a transport error", with(failure, func(c *clientstest.ParseCase) {
			c.Err = refusal(func(e *clients.Error) { e.Kind, e.Code, e.Message = clients.KindTransport, "", "" })
		}), "cannot come from Parse"},
		{"malformed at HTTP 500", with(failure, func(c *clientstest.ParseCase) {
			c.Status = 500
			c.Err = refusal(func(e *clients.Error) { e.Kind, e.StatusCode, e.Code, e.Message = clients.KindMalformed, 500, "", "" })
		}), "reported as malformed"},
		{"final but not a refusal", with(failure, func(c *clientstest.ParseCase) {
			c.Classify = final
			c.Err = refusal(func(e *clients.Error) { e.Kind, e.Code, e.Message = clients.KindNoToken, "", "" })
		}), "Classify() = final"},
		{"final but a success", with(success, func(c *clientstest.ParseCase) { c.Classify = final }), "for a success"},
		{"words in a malformed error", with(failure, func(c *clientstest.ParseCase) {
			c.Err = refusal(func(e *clients.Error) { e.Kind = clients.KindMalformed })
		}), "carries the body's words"},
		{"a message of two lines", with(failure, func(c *clientstest.ParseCase) {
			c.Err = refusal(func(e *clients.Error) { e.Message = "a\nb" })
		}), "not one clean line"},
		{"a body with a token quoted", with(failure, func(c *clientstest.ParseCase) { c.Body = body }), "may hold a token is quoted"},
		{"a word code from a body with a token", with(failure, func(c *clientstest.ParseCase) {
			c.Body = body
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "denied", "" })
		}), "may hold a token is quoted"},
		{"the carried token shown", with(failure, func(c *clientstest.ParseCase) {
			c.Body, c.Carried = []byte(`{"data":{"token":[1]},"t":"`+secret+`"}`), secret
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "", "no "+secret })
		}), "shows the body's token"},
		{"the carried token shown, spaces trimmed", with(failure, func(c *clientstest.ParseCase) {
			c.Body, c.Carried = []byte(`{"data":{"token":[1]}}`), "  "+secret+" "
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "", "no "+secret })
		}), "shows the body's token"},
		{"a token of the body quoted", with(failure, func(c *clientstest.ParseCase) {
			c.Body = []byte(`{"x":[1],"sessionToken":"` + secret + `"}`)
			c.Err = refusal(func(e *clients.Error) { e.Code, e.Message = "", secret })
		}), "quotes the body's token"},
		{"a blank token", with(success, func(c *clientstest.ParseCase) {
			c.Token = token(func(tok *clients.Token) { tok.AccessToken = " " })
		}), "blank token"},
		{"another token", with(success, func(c *clientstest.ParseCase) { c.Carried = "tok-OTHER" }), "is not the token the body carries"},
		{"an expiry not in UTC", with(success, func(c *clientstest.ParseCase) {
			c.Token = token(func(tok *clients.Token) { tok.ExpiresAt = received })
		}), "in UTC"},
		{"an opaque token not issued on receipt", with(success, func(c *clientstest.ParseCase) {
			c.Token = token(func(tok *clients.Token) { tok.IssuedAt = tok.IssuedAt.Add(time.Second) })
		}), "want the receipt time"},
		{"a warning that carries the token", with(success, func(c *clientstest.ParseCase) {
			c.Token = token(func(tok *clients.Token) { tok.Warnings = []string{"is_3d " + secret} })
			c.WarningProse = func() string { return "is_3d control-token-0" }
		}), "carries the token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := run(tt.c)
			if tt.want == "" && got != "" {
				t.Errorf("CheckParse failed a Parse that keeps every property:\n%s", got)
			}
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("CheckParse reported %q, want a failure saying %q", got, tt.want)
			}
		})
	}
}
