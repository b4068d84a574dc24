package hepsipay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// Limits on the gateway's own words carried into errors, so a misbehaving
// gateway cannot flood a diagnostic.
const (
	maxCodeRunes    = 64
	maxMessageRunes = 300
)

// maxExpiresIn bounds the expires_in taken as a lifetime. A larger one is
// no lifetime any gateway means, and would overflow time.Duration first.
const maxExpiresIn = 100 * 365 * 24 * time.Hour

// finalCodes are the RFC 6749 §5.2 error codes that mean the merchant's
// credentials were refused: no retry can change them, whatever the status.
var finalCodes = map[string]bool{"invalid_client": true, "invalid_grant": true, "unauthorized_client": true}

// tokenResponse holds both an RFC 6749 §5.1 success and a §5.2 error
// body. Fields stay raw so a value of an unexpected type is reported on
// its own, not as a decoding failure of the whole body. error_uri is not
// read: it is a link for people, not something to show or follow.
type tokenResponse struct {
	AccessToken      json.RawMessage `json:"access_token"`
	TokenType        json.RawMessage `json:"token_type"`
	ExpiresIn        json.RawMessage `json:"expires_in"`
	Scope            json.RawMessage `json:"scope"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription json.RawMessage `json:"error_description"`
}

// errorCode returns the body's OAuth error code, cleaned to one line, and
// whether the body is an OAuth error at all: its error is a string with
// something in it. Parse and Classify both decide with it, so they agree.
func (r *tokenResponse) errorCode() (string, bool) {
	s, ok := clients.JSONString(r.Error)
	if !ok {
		return "", false
	}
	code := clients.CleanText(s, maxCodeRunes)
	return code, code != ""
}

// Parse turns Hepsipay's answer to a token call into a Token, or into a
// *clients.Error. receivedAt is when the answer arrived. Parse is pure: it
// reads only its arguments.
//
// An OAuth 2.0 error body ({"error","error_description"}) is a refusal at
// any HTTP status, carrying the code and the description unless the body
// holds a token. HTTP 401 is a refusal whatever its body, since it says
// the client's credentials were not accepted. Success is HTTP 200 with a
// non-empty access_token whose token_type, when sent, is bearer.
func Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	var body tokenResponse
	decodeErr := decode(resp, &body)
	if decodeErr == nil {
		if code, ok := body.errorCode(); ok {
			return nil, rejected(resp, code, body.ErrorDescription)
		}
	}
	if resp.StatusCode == http.StatusUnauthorized {
		// An empty body, a WWW-Authenticate challenge alone or a web
		// server's own page: the credentials were refused, in no words
		// worth quoting.
		return nil, resp.Rejected(Name, "", "")
	}
	if decodeErr != nil {
		return nil, resp.Malformed(Name, decodeErr)
	}
	if resp.StatusCode >= 400 {
		return nil, resp.Malformed(Name, errors.New("the response has an HTTP error status but no OAuth 2.0 error field"))
	}

	token, isString := clients.JSONString(body.AccessToken)
	switch {
	case clients.JSONNull(body.AccessToken):
		return nil, noToken(resp)
	case !isString:
		return nil, resp.Malformed(Name, errors.New("the response's access_token is not a string"))
	case strings.TrimSpace(token) == "":
		return nil, noToken(resp)
	case strings.IndexFunc(token, unicode.IsControl) >= 0:
		return nil, resp.Malformed(Name, errors.New("the response's access_token holds control characters, which a bearer token cannot"))
	case resp.StatusCode != http.StatusOK:
		return nil, resp.Malformed(Name, fmt.Errorf("the response carries a token with HTTP status %d, where OAuth 2.0 answers 200", resp.StatusCode))
	}
	if tt, ok := clients.JSONString(body.TokenType); !clients.JSONNull(body.TokenType) && (!ok || !strings.EqualFold(strings.TrimSpace(tt), "bearer")) {
		return nil, resp.Malformed(Name, errors.New(`the response's token_type is not "bearer", the only type this provider can hand out`))
	}
	return normalise(resp, token, &body, receivedAt), nil
}

// noToken is the error for a 200 answer without a token; the HTTP layer
// never hands Parse a redirect, so anything else without one is an odd
// 2xx, 1xx or a fuzzed status, reported as unreadable.
func noToken(resp *clients.Response) error {
	if resp.StatusCode != http.StatusOK {
		return resp.Malformed(Name, fmt.Errorf("the response has HTTP status %d and no access_token", resp.StatusCode))
	}
	return resp.NoToken(Name)
}

// decode reads the body as a JSON object. Other JSON values are reported
// as such rather than as a field of the wrong type.
func decode(resp *clients.Response, body *tokenResponse) error {
	if trimmed := bytes.TrimSpace(resp.Body); len(trimmed) > 0 && trimmed[0] != '{' && json.Valid(trimmed) {
		return errors.New("the response body is JSON but not an object")
	}
	return resp.DecodeJSON(body)
}

// normalise dates a successful answer's token. The issue time is the
// JWT's iat, else the answer's Date header, else receipt; the expiry is
// the issue time plus expires_in, else the JWT's exp, else receipt plus
// DefaultLifetime.
func normalise(resp *clients.Response, token string, body *tokenResponse, receivedAt time.Time) *clients.Token {
	tok := &clients.Token{AccessToken: token, IssuedAt: receivedAt.UTC()}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil && usable(date) {
		tok.IssuedAt = date.UTC()
	}
	claims, isJWT := jwtclaims.Read(token)
	if isJWT {
		if iat, ok := claims.IssuedAt(); ok {
			tok.IssuedAt = iat
		}
	}

	fallback, source := receivedAt.UTC().Add(DefaultLifetime), "an hour after it was received"
	if isJWT {
		if exp, ok := claims.ExpiresAt(); ok {
			fallback, source = exp, "at the token's own exp claim"
		}
	}
	tok.ExpiresAt = fallback
	if !clients.JSONNull(body.ExpiresIn) {
		if d, ok := expiresIn(body.ExpiresIn); ok && usable(tok.IssuedAt.Add(d)) {
			tok.ExpiresAt = tok.IssuedAt.Add(d)
		} else {
			tok.Warnings = append(tok.Warnings, fmt.Sprintf(
				"Hepsipay sent an expires_in that is not a positive number of seconds, so the token is taken to expire %s (%s); "+
					"it may expire sooner.", source, fallback.Format(time.RFC3339)))
		}
	}

	if !clients.JSONNull(body.Scope) {
		if s, ok := clients.JSONString(body.Scope); ok {
			tok.Scopes = strings.Fields(s)
		} else {
			tok.Warnings = append(tok.Warnings,
				"Hepsipay sent a scope that is not a space-separated string, so scopes is null (unknown).")
		}
	}
	return tok
}

// expiresIn reads expires_in, a lifetime in seconds: a JSON number, or a
// string holding one, as some servers send it. It reports false for
// anything else, for a lifetime that is not positive, and for one beyond
// maxExpiresIn.
func expiresIn(raw json.RawMessage) (time.Duration, bool) {
	num := []byte(raw)
	if s, ok := clients.JSONString(raw); ok {
		num = []byte(strings.TrimSpace(s))
	}
	// A JSON value that starts with a digit or a minus sign is a number;
	// strconv alone would also take "Inf", "NaN" and hexadecimal.
	if len(num) == 0 || (num[0] != '-' && (num[0] < '0' || num[0] > '9')) || !json.Valid(num) {
		return 0, false
	}
	secs, err := strconv.ParseFloat(string(num), 64)
	if err != nil || secs <= 0 || secs > maxExpiresIn.Seconds() {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

// rejected builds the error for an OAuth error body. The code and the
// description are the gateway's own words, quoted only when the body holds
// no token (clients.BodyCarriesToken), so no token can reach an error.
func rejected(resp *clients.Response, code string, description json.RawMessage) *clients.Error {
	if clients.BodyCarriesToken(resp.Body) {
		return resp.Rejected(Name, "", "")
	}
	message, _ := clients.JSONString(description)
	return resp.Rejected(Name, code, clients.CleanText(message, maxMessageRunes))
}

// Classify reads an answer for retries, as the token request's Classify
// hook. An OAuth error that means refused credentials (invalid_client,
// invalid_grant, unauthorized_client) is Final at any HTTP status, and so
// is HTTP 401, whose body Parse turns into a refusal whatever it holds.
// Anything else, server_error at HTTP 503 included, is left to the status.
func Classify(status int, body []byte) clients.Verdict {
	// Parse's own struct and reading, so an answer Parse does not refuse is
	// never called final.
	var r tokenResponse
	if json.Unmarshal(body, &r) == nil {
		if code, ok := r.errorCode(); ok && finalCodes[strings.ToLower(code)] {
			return clients.Final
		}
	}
	if status == http.StatusUnauthorized {
		return clients.Final
	}
	return clients.ByStatus
}

// usable reports whether t can be a token time: within the years an RFC
// 3339 string can carry.
func usable(t time.Time) bool {
	return t.Year() >= 1 && t.Year() <= 9999
}
