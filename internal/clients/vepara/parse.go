package vepara

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// StatusSuccess is the status of a successful answer.
const StatusSuccess = "success"

// BrandedIs3D is Vepara's is_3d for its branded payment solution (Sipay's
// is 4).
const BrandedIs3D = 3

// Lifetime is how long Vepara's tokens are valid, as its token page says.
// It dates a token when neither the JWT's exp nor expired_at can.
const Lifetime = 2 * time.Hour

// Limits on what a refusal quotes, so a huge validation report cannot
// flood a diagnostic.
const (
	maxMessage   = 300
	maxFieldName = 64
	maxFields    = 10
)

// envelope is every answer's outer shape: the success and validation
// envelopes of the token page and the platform's status_code envelope.
// Fields stay raw because the PHP back end sends numbers as strings at
// times, and the shape of each decides what the answer means.
type envelope struct {
	Status            json.RawMessage `json:"status"`
	StatusCode        json.RawMessage `json:"status_code"`
	StatusDescription json.RawMessage `json:"status_description"`
	Message           json.RawMessage `json:"message"`
	Errors            json.RawMessage `json:"errors"`
	Data              json.RawMessage `json:"data"`
}

// succeeded reports whether the answer says success: status "success" (in
// any letter case), or the platform's status_code 100.
func (e *envelope) succeeded() bool {
	if s, ok := clients.JSONString(e.Status); ok && strings.EqualFold(strings.TrimSpace(s), StatusSuccess) {
		return true
	}
	code, ok := sipay.IntValue(e.StatusCode)
	return ok && code == sipay.StatusSuccess
}

// validation reports whether the answer is Laravel's validation envelope,
// whose errors object maps each refused field to its messages.
func (e *envelope) validation() bool {
	return len(e.Errors) > 0 && e.Errors[0] == '{'
}

type payload struct {
	Token     json.RawMessage `json:"token"`
	Is3D      json.RawMessage `json:"is_3d"`
	ExpiredAt json.RawMessage `json:"expired_at"`
	ExpiresAt json.RawMessage `json:"expires_at"`
}

// Classify reads an answer for retries, as the token request's Classify
// hook. A refusal no retry can change is Final whatever the HTTP status:
// the platform's status_code for bad input or invalid credentials (1, 2,
// 30), and the validation envelope. Anything else is left to the HTTP
// status.
func Classify(status int, body []byte) clients.Verdict {
	var env envelope
	switch {
	case json.Unmarshal(sipay.Object(body), &env) != nil, env.succeeded():
		return clients.ByStatus
	case sipay.Classify(status, body) == clients.Final, env.validation():
		return clients.Final
	}
	return clients.ByStatus
}

// Parse reads Vepara's answer to a token call. receivedAt stands in for the
// issue time when the token is not a JWT with iat. Success is status
// "success" or status_code 100, whatever the HTTP status, with a non-empty
// data.token. A refusal is a KindRejected *clients.Error: the platform's
// status_code with its status_description, the validation envelope with
// its message and the names of the refused fields (never their messages,
// which may quote what was sent), or another status with its message. Like
// every answer of the platform, it may come as an object or as an array
// whose first element is that object. The returned times are in UTC. Parse is pure: it reads only its arguments.
func Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	if resp == nil {
		return nil, &clients.Error{Gateway: Name, Kind: clients.KindMalformed, Err: errors.New("there was no response")}
	}
	var env envelope
	if err := sipay.DecodeEnvelope(resp, &env); err != nil {
		return nil, resp.Malformed(Name, err)
	}
	if !env.succeeded() {
		return nil, refusal(resp, &env)
	}
	var data payload
	if len(env.Data) > 0 && env.Data[0] == '{' {
		// The envelope decoded, so env.Data is a valid object, and raw
		// fields accept any JSON value: this cannot fail.
		_ = json.Unmarshal(env.Data, &data)
	}
	token, err := sipay.ReadToken(resp, Name, data.Token)
	if err != nil {
		return nil, err
	}
	return normalise(token, data, receivedAt.UTC()), nil
}

// refusal builds the error for an answer that does not say success.
func refusal(resp *clients.Response, env *envelope) error {
	if code, ok := sipay.IntValue(env.StatusCode); ok {
		return sipay.Refused(resp, Name, code, env.StatusDescription)
	}
	status, isString := clients.JSONString(env.Status)
	switch {
	case env.validation():
	case !clients.JSONNull(env.StatusCode):
		return resp.Malformed(Name, errors.New("the response's status_code is not a number"))
	case !isString:
		return resp.Malformed(Name, errors.New("the response is not a Vepara answer: it has no status, status_code or validation errors"))
	}
	// A failure body that carries a token is not quoted at all: its
	// message could hold the token.
	if clients.BodyCarriesToken(resp.Body) {
		return resp.Rejected(Name, "", "")
	}
	message := ""
	if s, ok := clients.JSONString(env.Message); ok {
		message = clients.CleanText(s, maxMessage)
	}
	if env.validation() {
		if fields := fieldNames(env.Errors); fields != "" {
			message = strings.TrimSpace(message + " (invalid fields: " + fields + ")")
		}
		return resp.Rejected(Name, "", message)
	}
	if s := clients.CleanText(status, maxFieldName); message == "" && s != "" {
		message = "status " + s
	}
	return resp.Rejected(Name, "", message)
}

// fieldNames lists the keys of a validation envelope's errors object,
// sorted, since JSON objects have no order. The messages under them are
// left out: Laravel's may quote the value that was refused.
func fieldNames(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	names := make([]string, 0, len(m))
	for k := range m {
		if k = clients.CleanText(k, maxFieldName); k != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) > maxFields {
		names = append(names[:maxFields], fmt.Sprintf("and %d more", len(names)-maxFields))
	}
	return strings.Join(names, ", ")
}

// normalise builds the token from a successful answer's data. The expiry
// is the JWT's exp, else expired_at (or expires_at) in Turkey time, else
// the receipt time plus Lifetime.
func normalise(token string, data payload, receivedAt time.Time) *clients.Token {
	tok := &clients.Token{AccessToken: token, IssuedAt: receivedAt, ExpiresAt: receivedAt.Add(Lifetime)}
	claims, isJWT := jwtclaims.Read(token)
	exp, hasExp := time.Time{}, false
	if isJWT {
		if iat, ok := claims.IssuedAt(); ok {
			tok.IssuedAt = iat
		}
		if scopes, ok := claims.Strings("scopes"); ok {
			tok.Scopes = scopes
		}
		exp, hasExp = claims.ExpiresAt()
	}

	field, raw := "expired_at", data.ExpiredAt
	if clients.JSONNull(raw) {
		field, raw = "expires_at", data.ExpiresAt
	}
	switch {
	case hasExp:
		tok.ExpiresAt = exp
	case !clients.JSONNull(raw):
		s, isString := clients.JSONString(raw)
		var at time.Time
		var err error
		if isString {
			at, err = sipay.ParseTurkeyTime(s)
		}
		if isString && err == nil {
			tok.ExpiresAt = at
			break
		}
		tok.Warnings = append(tok.Warnings, fmt.Sprintf(
			"Vepara's %s %s could not be read as Turkey time in the form YYYY-MM-DD hh:mm:ss, "+
				"so the expiry was taken as the time the answer was received plus 2 hours instead: %s.",
			field, sipay.Describe(raw, token), tok.ExpiresAt.Format(time.RFC3339)))
	}

	var warning string
	tok.Capabilities, warning = sipay.Is3DCapabilities("Vepara", data.Is3D, BrandedIs3D, token)
	if warning != "" {
		tok.Warnings = append(tok.Warnings, warning)
	}
	return tok
}
