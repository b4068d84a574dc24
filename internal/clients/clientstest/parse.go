package clientstest

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// ParseCase is one answer a gateway's FuzzParse handed its Parse, what
// Parse returned, and what CheckParse needs to know of the gateway.
type ParseCase struct {
	// Gateway is the gateway's name, as its errors carry it.
	Gateway string
	// Status and Body are the answer, given to Parse with Attempts 1.
	Status int
	Body   []byte
	// Token and Err are what Parse returned.
	Token *clients.Token
	Err   error
	// Classify is the gateway's Classify hook; nil for a gateway without
	// one.
	Classify func(status int, body []byte) clients.Verdict
	// Carried is the token the body carries where Parse reads it, "" for
	// none: a success returns exactly it, and no error shows it.
	Carried string
	// Received is the receipt time Parse was given. With IssuedOnReceipt,
	// for gateways whose answers carry no issue time, a token's IssuedAt
	// must be its JWT iat, else Received.
	Received        time.Time
	IssuedOnReceipt bool
	// WarningProse returns what the warnings say for this answer whatever
	// its token (the warnings of the same answer with another token), for
	// a gateway whose warnings quote the answer: a warning may hold the
	// carried token only where that prose does, since a token such as
	// "integration mode" is part of it by chance. Nil for a gateway whose
	// warnings quote nothing of the answer.
	WarningProse func() string
}

// CheckParse checks what every gateway's Parse must do with any answer:
// return exactly one of a token and a *clients.Error; agree with Classify;
// carry the gateway's words only in a refusal, on one clean line, and none
// at all from a body that may hold a token; give a success's token exactly
// as the body carries it, dated in UTC; and never show the carried token
// in an error, a warning or the Token's text. It returns the token or the
// error, exactly one of them non-nil, for the gateway's own rules.
func CheckParse(t testing.TB, c ParseCase) (*clients.Token, *clients.Error) {
	t.Helper()
	tok, err := c.Token, c.Err
	if (tok == nil) == (err == nil) {
		t.Fatalf("Parse() = %v, %v: want exactly one of a token and an error", tok, err)
	}
	verdict := clients.ByStatus
	if c.Classify != nil {
		verdict = c.Classify(c.Status, c.Body)
	}
	carried := checkable(c.Carried)
	if err != nil {
		e, ok := clients.AsError(err)
		if !ok {
			t.Fatalf("Parse error %T is not a *clients.Error", err)
		}
		checkParseError(t, c, e, verdict)
		for _, s := range carried {
			if showsBeyondNumericCode(err, e, s) {
				t.Errorf("error %q shows the body's token %q", err, s)
			}
		}
		if s, ok := QuotedToken(err, c.Body); ok {
			t.Errorf("error %q quotes the body's token %q", err, s)
		}
		return nil, e
	}

	if verdict != clients.ByStatus {
		t.Errorf("Classify() = %v for a success", verdict)
	}
	if strings.TrimSpace(tok.AccessToken) == "" {
		t.Fatalf("success with the blank token %q", tok.AccessToken)
	}
	if tok.AccessToken != c.Carried {
		t.Errorf("AccessToken %q is not the token the body carries, %q", tok.AccessToken, c.Carried)
	}
	if tok.ExpiresAt.Location() != time.UTC || tok.IssuedAt.Location() != time.UTC {
		t.Errorf("ExpiresAt %v, IssuedAt %v: want both in UTC", tok.ExpiresAt, tok.IssuedAt)
	}
	if c.IssuedOnReceipt {
		want, from := c.Received, "the receipt time"
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if iat, ok := claims.IssuedAt(); ok {
				want, from = iat, "the JWT's iat"
			}
		}
		if !tok.IssuedAt.Equal(want) {
			t.Errorf("IssuedAt %v, want %s %v", tok.IssuedAt, from, want)
		}
	}
	// A token short enough to occur in the redacted text itself (say "0")
	// proves nothing; any other must not show.
	if safe := "Token{AccessToken:" + clients.Redacted + ", ExpiresAt:" + tok.ExpiresAt.Format(time.RFC3339) + "}"; !strings.Contains(safe, tok.AccessToken) &&
		strings.Contains(tok.String(), tok.AccessToken) {
		t.Errorf("Token.String shows the token")
	}
	if c.WarningProse != nil {
		for _, s := range carried {
			for _, w := range tok.Warnings {
				if strings.Contains(w, s) && !strings.Contains(c.WarningProse(), s) {
					t.Errorf("warning %q carries the token %q", w, s)
				}
			}
		}
	}
	return tok, nil
}

// checkable returns the forms of a carried token that no error or warning
// may show: the token as carried and without its surrounding spaces, each
// of at least 6 bytes and not all digits, since shorter or all-digit ones
// can occur in the prose or a numeric code by chance.
func checkable(token string) []string {
	var out []string
	for _, s := range []string{token, strings.TrimSpace(token)} {
		if len(s) >= 6 && strings.Trim(s, "0123456789") != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// checkParseError checks the error of a failed Parse, whatever the body.
func checkParseError(t testing.TB, c ParseCase, e *clients.Error, verdict clients.Verdict) {
	t.Helper()
	if strings.TrimSpace(e.Error()) == "" {
		t.Errorf("error %+v has no text", e)
	}
	if e.Gateway != c.Gateway || e.StatusCode != c.Status || e.Attempts != 1 {
		t.Errorf("error gateway %q HTTP %d attempts %d, want %s HTTP %d attempts 1", e.Gateway, e.StatusCode, e.Attempts, c.Gateway, c.Status)
	}
	switch e.Kind {
	case clients.KindRejected, clients.KindMalformed, clients.KindHTTPStatus, clients.KindNoToken:
	default:
		t.Errorf("error kind %v cannot come from Parse", e.Kind)
	}
	if e.Kind == clients.KindMalformed && c.Status >= 400 {
		t.Errorf("HTTP %d reported as malformed, want an HTTP status error", c.Status)
	}
	// What is retried or never retried against the HTTP status must be a
	// refusal Parse agrees on.
	if verdict != clients.ByStatus && e.Kind != clients.KindRejected {
		t.Errorf("Classify() = %v but Parse gave %v", verdict, e.Kind)
	}
	if e.Kind != clients.KindRejected && (e.Code != "" || e.Message != "") {
		t.Errorf("a %v error carries the body's words: code %q message %q", e.Kind, e.Code, e.Message)
	}
	if strings.IndexFunc(e.Code+e.Message, unicode.IsControl) >= 0 {
		t.Errorf("code %q or message %q is not one clean line", e.Code, e.Message)
	}
	// A body that may hold a token is quoted not at all: a number is the
	// only code it may give.
	if clients.BodyCarriesToken(c.Body) && (e.Message != "" || (e.Code != "" && !isInteger(e.Code))) {
		t.Errorf("a body that may hold a token is quoted: code %q message %q", e.Code, e.Message)
	}
}

// showsBeyondNumericCode is ErrorShows, except that a numeric code holding
// the token counts for nothing: the code is the gateway's own number, such
// as Sipay's status_code -123456, and holds a token such as "-123456" by
// chance.
func showsBeyondNumericCode(err error, e *clients.Error, token string) bool {
	if !isInteger(e.Code) {
		return ErrorShows(err, token)
	}
	withoutCode := *e
	withoutCode.Code = ""
	return ErrorShows(&withoutCode, token)
}

// isInteger reports whether s is an integer written in decimal digits.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
