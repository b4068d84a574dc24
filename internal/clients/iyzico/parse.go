package iyzico

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// RateLimitCode is the errorCode of iyzico's "Request Limit Exceeded"
// failure, which may come with HTTP 200 and is worth retrying.
const RateLimitCode = "50000"

// finalCodes are the errorCodes that no retry can change: 1000 invalid
// signature, 1001 API key not found, 260016 session token not found, 11
// invalid request and 24 a mandatory field missing.
var finalCodes = map[string]bool{"1000": true, "1001": true, "260016": true, "11": true, "24": true}

// Limits on the gateway's own words carried into errors, so a misbehaving
// gateway cannot flood a diagnostic.
const (
	maxCodeLen    = 64
	maxMessageLen = 500
)

// tokenResponse holds both the success and the failure body. The fields
// whose JSON type iyzico is known to vary are kept raw and read leniently.
type tokenResponse struct {
	Status       string          `json:"status"`
	ErrorCode    json.RawMessage `json:"errorCode"`
	ErrorMessage json.RawMessage `json:"errorMessage"`
	SystemTime   json.RawMessage `json:"systemTime"`
	AccessToken  string          `json:"accessToken"`
}

// Parse turns an answer of the token call into a Token, received at
// receivedAt. The body decides, not the HTTP status: a failure body is a
// KindRejected error whatever the status, with iyzico's errorCode (a JSON
// string or number) and errorMessage. A success needs a 2xx status and a
// non-empty accessToken. The expiry is the JWT's exp, else systemTime plus
// DefaultLifetime, else receivedAt plus DefaultLifetime; the issue time is
// the JWT's iat, else systemTime, else receivedAt. Both are in UTC.
func Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	var body tokenResponse
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, resp.Malformed(Name, err)
	}
	code := errorCode(body.ErrorCode)
	switch {
	case strings.EqualFold(body.Status, "success"):
		return success(resp, &body, receivedAt)
	case strings.EqualFold(body.Status, "failure") || code != "":
		return nil, rejected(resp, &body, code)
	}
	return nil, resp.Malformed(Name, errors.New(`the response's status is neither "success" nor "failure"`))
}

func success(resp *clients.Response, body *tokenResponse, receivedAt time.Time) (*clients.Token, error) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp.Malformed(Name, errors.New("the response reports success with a non-2xx HTTP status"))
	}
	if strings.TrimSpace(body.AccessToken) == "" {
		return nil, resp.NoToken(Name)
	}
	tok := &clients.Token{AccessToken: body.AccessToken}
	claims, isJWT := jwtclaims.Read(body.AccessToken)
	systemTime, hasSystemTime := millis(body.SystemTime)

	issued := receivedAt.UTC()
	if hasSystemTime {
		issued = systemTime
	}
	if isJWT {
		if iat, ok := claims.IssuedAt(); ok && usable(iat) {
			issued = iat
		}
	}

	expires := receivedAt.UTC().Add(DefaultLifetime)
	if hasSystemTime && usable(systemTime.Add(DefaultLifetime)) {
		expires = systemTime.Add(DefaultLifetime)
	}
	if isJWT {
		if exp, ok := claims.ExpiresAt(); ok && usable(exp) {
			expires = exp
		}
		if scopes, ok := claims.Strings("authorities"); ok {
			tok.Scopes = scopes
		}
	}
	tok.IssuedAt = issued.UTC()
	tok.ExpiresAt = expires.UTC()
	return tok, nil
}

// rejected builds the error for a failure body. When the body also carries
// a token (clients.BodyCarriesToken, which finds a top-level accessToken as
// it finds any other), none of its text is kept, because an error must
// never hold one: the message is dropped, and the code unless it is a
// number.
func rejected(resp *clients.Response, body *tokenResponse, code string) *clients.Error {
	message := ""
	var s string
	if json.Unmarshal(body.ErrorMessage, &s) == nil {
		message = s
	}
	if clients.BodyCarriesToken(resp.Body) {
		message = ""
		if !digits(code) {
			code = ""
		}
	}
	return resp.Rejected(Name, clients.CleanText(code, maxCodeLen), clients.CleanText(message, maxMessageLen))
}

// Classify reads an answer for retries, as the token request's Classify
// hook. iyzico's rate limit (errorCode 50000, as a JSON string or number),
// which may come with HTTP 200, is Temporary. A failure that names bad
// credentials or a bad request is Final whatever the HTTP status, since
// iyzico sends failure bodies with any status. Anything else is left to the
// HTTP status.
func Classify(_ int, body []byte) clients.Verdict {
	// Parse's own struct, so an answer Parse cannot read is never called
	// final or temporary.
	var b tokenResponse
	if json.Unmarshal(body, &b) != nil || strings.EqualFold(b.Status, "success") {
		return clients.ByStatus
	}
	switch code := errorCode(b.ErrorCode); {
	case code == RateLimitCode:
		return clients.Temporary
	case finalCodes[code]:
		return clients.Final
	}
	return clients.ByStatus
}

// errorCode reads errorCode, which iyzico documents as a string but sends as
// a number at times (50000); integral numbers read the same either way.
func errorCode(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	case 'n', 't', 'f', '{', '[':
		return ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return ""
	}
	if i, err := n.Int64(); err == nil {
		return strconv.FormatInt(i, 10)
	}
	if f, err := n.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return n.String()
}

// millis reads systemTime, milliseconds since the Unix epoch, as a JSON
// number or a numeric string. It reports false for anything else, and for
// times no RFC 3339 string can carry.
func millis(raw json.RawMessage) (time.Time, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return time.Time{}, false
	}
	var n json.Number
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}, false
		}
		n = json.Number(strings.TrimSpace(s))
	} else if json.Unmarshal(raw, &n) != nil {
		return time.Time{}, false
	}
	ms, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || math.IsNaN(f) || math.Abs(f) > 1e15 {
			return time.Time{}, false
		}
		ms = int64(f)
	}
	t := time.UnixMilli(ms).UTC()
	return t, usable(t)
}

// usable reports whether t can be a token time: after the epoch and
// within the years an RFC 3339 string can carry.
func usable(t time.Time) bool {
	return t.Year() >= 1970 && t.Year() <= 9999
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
