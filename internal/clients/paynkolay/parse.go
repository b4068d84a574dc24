package paynkolay

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// Lifetime is how long Paynkolay's tokens are valid: exp − iat of the
// documented token. It dates a token whose JWT has no exp.
const Lifetime = 30 * time.Minute

// Limits on the gateway's words a refusal carries, so a huge message cannot
// flood a diagnostic.
const (
	maxMessage = 300
	maxCode    = 64
)

// envelope is every Paynkolay answer, success or failure. Fields stay raw
// so that the type of each, not only its value, decides what the answer
// means: only a JSON boolean success is Paynkolay's word.
type envelope struct {
	Success         json.RawMessage `json:"success"`
	ResponseCode    json.RawMessage `json:"responseCode"`
	ResponseMessage json.RawMessage `json:"responseMessage"`
	Data            json.RawMessage `json:"data"`
}

// payload is the data object of a successful answer.
type payload struct {
	Token json.RawMessage `json:"token"`
}

// outcome reads success. ok is false unless it is a JSON boolean: a string
// "true" is not taken for one, since the page shows a boolean and a token
// accepted on a guess could be a failure's.
func (e *envelope) outcome() (success, ok bool) {
	switch string(e.Success) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// code returns responseCode as one clean line: the text of a JSON string
// or the digits of a JSON number, "" for anything else.
func (e *envelope) code() string {
	var text string
	if json.Unmarshal(e.ResponseCode, &text) != nil {
		var n json.Number
		if json.Unmarshal(e.ResponseCode, &n) != nil {
			return ""
		}
		text = n.String()
	}
	return clients.CleanText(text, maxCode)
}

// refusedFor reports whether a failure envelope says the credentials are
// invalid: responseCode 401 or 403, which no retry can change.
func (e *envelope) refusedFor() bool {
	code := e.code()
	return code == "401" || code == "403"
}

// deniedStatus reports whether an HTTP status means invalid credentials
// whatever the body says.
func deniedStatus(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden
}

// Classify reads an answer for retries, as the token request's Classify
// hook. Invalid credentials are Final at any HTTP status: HTTP 401 or 403,
// or a failure envelope with responseCode 401 or 403, such as one sent
// with HTTP 503. Anything else is left to the HTTP status, so a 5xx failure
// with another code is retried.
func Classify(status int, body []byte) clients.Verdict {
	if deniedStatus(status) {
		return clients.Final
	}
	var env envelope
	if json.Unmarshal(body, &env) != nil {
		return clients.ByStatus
	}
	if success, ok := env.outcome(); ok && !success && env.refusedFor() {
		return clients.Final
	}
	return clients.ByStatus
}

// Parse reads Paynkolay's answer to a token call. Success is success true
// (a JSON boolean) with a non-empty data.token below HTTP 400. success
// false is a KindRejected *clients.Error at any HTTP status, carrying
// responseCode and responseMessage unless the body may hold a token; HTTP
// 401 and 403 are a rejection whatever the body. A body without a boolean
// success is not Paynkolay's. Expiry is the JWT's exp, else receiving time
// plus Lifetime; the issue time is its iat, else receivedAt. The returned
// times are in UTC. Parse is pure: it reads only its arguments.
func Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	var env envelope
	unreadable := resp.DecodeJSON(&env)
	success, isEnvelope := env.outcome()
	switch {
	case unreadable == nil && isEnvelope && !success:
		return nil, refused(resp, &env)
	case deniedStatus(resp.StatusCode):
		// A proxy's page, an empty body or even a success: Paynkolay's
		// HTTP 401 and 403 mean the credentials were refused.
		return nil, resp.Rejected(Name, "", "")
	case unreadable != nil:
		return nil, resp.Malformed(Name, unreadable)
	case !isEnvelope:
		return nil, resp.Malformed(Name, errors.New(`the response is not a Paynkolay answer: it has no boolean "success" field`))
	case resp.StatusCode >= 400:
		return nil, resp.Malformed(Name, errors.New(`the response has an HTTP error status but says "success": true`))
	}
	var data payload
	if len(env.Data) > 0 && env.Data[0] == '{' {
		// The envelope decoded, so env.Data is a valid object, and a raw
		// field takes any JSON value: this cannot fail.
		_ = json.Unmarshal(env.Data, &data)
	}
	token, err := bearer(resp, data.Token)
	if err != nil {
		return nil, err
	}
	return dated(token, receivedAt.UTC()), nil
}

// refused is the error for a failure envelope. A body that may hold a token
// is quoted not at all, neither code nor message: either could hold it.
func refused(resp *clients.Response, env *envelope) *clients.Error {
	if clients.BodyCarriesToken(resp.Body) {
		return resp.Rejected(Name, "", "")
	}
	var message string
	if json.Unmarshal(env.ResponseMessage, &message) != nil {
		message = ""
	}
	return resp.Rejected(Name, env.code(), clients.CleanText(message, maxMessage))
}

// bearer reads data.token of a success: KindNoToken when it is absent, null
// or blank, KindMalformed when it is not a string a bearer token can be.
func bearer(resp *clients.Response, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", resp.NoToken(Name)
	}
	var token string
	if json.Unmarshal(raw, &token) != nil {
		return "", resp.Malformed(Name, errors.New("the response's data.token is not a string"))
	}
	if strings.TrimSpace(token) == "" {
		return "", resp.NoToken(Name)
	}
	if strings.ContainsFunc(token, unicode.IsControl) {
		return "", resp.Malformed(Name, errors.New("the response's data.token holds control characters, which a bearer token cannot"))
	}
	return token, nil
}

// dated builds the token, dated by its JWT claims where it has them. The
// answer itself carries no time, so receipt stands in for what they lack.
func dated(token string, received time.Time) *clients.Token {
	tok := &clients.Token{AccessToken: token, IssuedAt: received, ExpiresAt: received.Add(Lifetime)}
	claims, isJWT := jwtclaims.Read(token)
	if !isJWT {
		return tok
	}
	if iat, ok := claims.IssuedAt(); ok {
		tok.IssuedAt = iat
	}
	if exp, ok := claims.ExpiresAt(); ok {
		tok.ExpiresAt = exp
	}
	return tok
}
