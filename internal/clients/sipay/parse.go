package sipay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// StatusSuccess is the status_code of a successful answer; every other
// code is a failure, whatever the HTTP status.
const StatusSuccess = 100

// finalCodes are the status_codes that no retry can change: 1 a validation
// error, 2 and 30 invalid credentials.
var finalCodes = map[int64]bool{1: true, 2: true, 30: true}

// Lifetime is how long Sipay's tokens are valid. It dates a token when
// neither expires_at nor the JWT's exp can.
const Lifetime = 2 * time.Hour

// TimeLayout is the layout of expires_at: Turkey local time without a zone.
const TimeLayout = "2006-01-02 15:04:05"

// turkey is Turkey's zone, UTC+03:00 all year since 2016. A fixed zone,
// rather than the tz database's Europe/Istanbul, keeps the result the same
// on machines without tzdata.
var turkey = time.FixedZone("TRT", 3*60*60)

// ParseTurkeyTime reads a time such as "2021-01-29 16:46:01" as Turkey time
// (UTC+03:00) and returns it in UTC. Only that zero-padded form is read,
// optionally with fractional seconds: time.Parse alone would also take
// unpadded hours and runs of spaces, which Sipay never sends, and a value in
// another shape is better reported than guessed at. The error does not
// quote s.
func ParseTurkeyTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation(TimeLayout, s, turkey)
	var buf [len(TimeLayout)]byte
	if err != nil || len(s) < len(TimeLayout) || string(t.AppendFormat(buf[:0], TimeLayout)) != s[:len(TimeLayout)] {
		return time.Time{}, errors.New("not a YYYY-MM-DD hh:mm:ss time")
	}
	return t.UTC(), nil
}

// Classify reads an answer for retries, as the token request's Classify
// hook. A refusal for invalid credentials or bad input is Final whatever the
// HTTP status, since the platform's status_code, not the HTTP status, says
// what happened. Anything else is left to the HTTP status.
func Classify(_ int, body []byte) clients.Verdict {
	var env envelope
	if json.Unmarshal(Object(body), &env) != nil {
		return clients.ByStatus
	}
	if code, ok := IntValue(env.StatusCode); ok && finalCodes[code] {
		return clients.Final
	}
	return clients.ByStatus
}

// Object returns the platform's answer object in body: body itself, or the
// first element of a JSON array whose first element is an object, the form
// in which QNBpay refuses (HTTP 400 with [{"status_code":2,…}]). Anything
// else is returned as it is, for the caller's decoding to describe.
func Object(body []byte) []byte {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return body
	}
	var elems []json.RawMessage
	if json.Unmarshal(trimmed, &elems) != nil || len(elems) == 0 || !isObject(elems[0]) {
		return body
	}
	return elems[0]
}

// DecodeEnvelope decodes the answer object of resp (see Object) into env,
// with an error that describes the body without quoting it.
func DecodeEnvelope(resp *clients.Response, env any) error {
	obj := Object(resp.Body)
	if trimmed := bytes.TrimSpace(obj); len(trimmed) > 0 && trimmed[0] == '[' && json.Valid(trimmed) {
		return errors.New("the response is a JSON array without the platform's answer object as its first element")
	}
	inner := *resp
	inner.Body = obj
	return inner.DecodeJSON(env)
}

// envelope is every answer's outer shape. Fields stay raw because Sipay's
// PHP back end sends numbers as strings at times, data as null or [] on
// failure, and the shape of each decides what the answer means.
type envelope struct {
	StatusCode        json.RawMessage `json:"status_code"`
	StatusDescription json.RawMessage `json:"status_description"`
	Data              json.RawMessage `json:"data"`
}

type payload struct {
	Token     json.RawMessage `json:"token"`
	Is3D      json.RawMessage `json:"is_3d"`
	ExpiresAt json.RawMessage `json:"expires_at"`
}

// Parse reads Sipay's answer to a token call. receivedAt stands in for the
// issue time when the token is not a JWT with iat. Success is status_code
// 100 (a JSON number or a numeric string) whatever the HTTP status; any
// other code is a KindRejected *clients.Error carrying Sipay's code and
// status_description. The answer may be an object or an array whose first
// element is that object. The returned times are in UTC. Parse is pure: it
// reads only its arguments.
func Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	return Sipay.Parse(resp, receivedAt)
}

// Parse reads the deployment's answer to a token call, as the package's
// Parse reads Sipay's, with the deployment's name in errors and its title
// in warnings.
func (d Deployment) Parse(resp *clients.Response, receivedAt time.Time) (*clients.Token, error) {
	if resp == nil {
		return nil, &clients.Error{Gateway: d.Name, Kind: clients.KindMalformed, Err: errors.New("there was no response")}
	}
	var env envelope
	if err := DecodeEnvelope(resp, &env); err != nil {
		return nil, resp.Malformed(d.Name, err)
	}
	if clients.JSONNull(env.StatusCode) {
		return nil, resp.Malformed(d.Name, errors.New("the response has no status_code"))
	}
	code, ok := IntValue(env.StatusCode)
	if !ok {
		return nil, resp.Malformed(d.Name, errors.New("the response's status_code is not a number"))
	}
	var data payload
	if isObject(env.Data) {
		// The envelope decoded, so env.Data is a valid object, and raw
		// fields accept any JSON value: this cannot fail.
		_ = json.Unmarshal(env.Data, &data)
	}
	if code != StatusSuccess {
		return nil, Refused(resp, d.Name, code, env.StatusDescription)
	}
	token, err := ReadToken(resp, d.Name, data.Token)
	if err != nil {
		return nil, err
	}
	return normalise(d.Title, token, data, receivedAt.UTC()), nil
}

// ReadToken reads data.token of a successful answer from gateway: a
// KindNoToken error when it is absent or blank, KindMalformed when it is
// not a string a bearer token can be.
func ReadToken(resp *clients.Response, gateway string, raw json.RawMessage) (string, error) {
	token, isString := clients.JSONString(raw)
	switch {
	case clients.JSONNull(raw):
		return "", resp.NoToken(gateway)
	case !isString:
		return "", resp.Malformed(gateway, errors.New("the response's data.token is not a string"))
	case strings.TrimSpace(token) == "":
		return "", resp.NoToken(gateway)
	case strings.IndexFunc(token, unicode.IsControl) >= 0:
		return "", resp.Malformed(gateway, errors.New("the response's data.token holds control characters, which a bearer token cannot"))
	}
	return token, nil
}

// Refused is the error for the platform's failure envelope, a status_code
// other than 100 with its status_description, from gateway. A failure body
// that carries a token is not quoted at all: its message could hold the
// token.
func Refused(resp *clients.Response, gateway string, code int64, description json.RawMessage) *clients.Error {
	message := ""
	if !clients.BodyCarriesToken(resp.Body) {
		if s, ok := clients.JSONString(description); ok {
			message = clients.CleanText(s, maxMessage)
		}
	}
	return resp.Rejected(gateway, strconv.FormatInt(code, 10), message)
}

// normalise builds the token from a successful answer's data, with the
// warnings in the words of the gateway called title.
func normalise(title, token string, data payload, receivedAt time.Time) *clients.Token {
	tok := &clients.Token{AccessToken: token, IssuedAt: receivedAt}
	claims, isJWT := jwtclaims.Read(token)
	if isJWT {
		if iat, ok := claims.IssuedAt(); ok {
			tok.IssuedAt = iat
		}
		if scopes, ok := claims.Strings("scopes"); ok {
			tok.Scopes = scopes
		}
	}

	fallback, fallbackName := tok.IssuedAt.Add(Lifetime), "the issue time plus 2 hours"
	if isJWT {
		if exp, ok := claims.ExpiresAt(); ok {
			fallback, fallbackName = exp, "the token's exp claim"
		}
	}
	tok.ExpiresAt = fallback
	if !clients.JSONNull(data.ExpiresAt) {
		s, isString := clients.JSONString(data.ExpiresAt)
		var at time.Time
		var err error
		if isString {
			at, err = ParseTurkeyTime(s)
		}
		if isString && err == nil {
			tok.ExpiresAt = at
		} else {
			tok.Warnings = append(tok.Warnings, fmt.Sprintf(
				"%s's expires_at %s could not be read as Turkey time in the form YYYY-MM-DD hh:mm:ss, "+
					"so the expiry was taken from %s instead: %s.",
				title, Describe(data.ExpiresAt, token), fallbackName, fallback.Format(time.RFC3339)))
		}
	}

	var warning string
	tok.Capabilities, warning = Is3DCapabilities(title, data.Is3D, BrandedIs3D, token)
	if warning != "" {
		tok.Warnings = append(tok.Warnings, warning)
	}
	return tok
}

// BrandedIs3D is Sipay's is_3d for its branded payment page, which QNBpay
// and PayBull share.
const BrandedIs3D = 4

// Is3DCapabilities maps is_3d, a merchant's payment integration mode on the
// ccpayment platform, to capability flags: 0, 1 and 2 are the white-label
// modes every gateway on the platform shares, and branded is the gateway's
// own code for its branded payment page (Sipay's 4, Vepara's 3). Anything
// else leaves every flag null, with a warning in the words of the gateway
// called title. token is kept out of the warning.
func Is3DCapabilities(title string, raw json.RawMessage, branded int64, token string) (clients.Capabilities, string) {
	t, f := clients.Bool(true), clients.Bool(false)
	const unknown = "so supports_2d, supports_3d, supports_white_label, supports_branded and requires_3d_choice " +
		"are null (unknown). The token is still usable."
	if len(raw) == 0 {
		return clients.Capabilities{}, title + "'s answer has no is_3d (the merchant's payment integration mode), " + unknown
	}
	mode, ok := IntValue(raw)
	if ok {
		switch mode {
		case 0: // white-label 2D only
			return clients.Capabilities{Supports2D: t, Supports3D: f, SupportsWhiteLabel: t, SupportsBranded: f, Requires3DChoice: f}, ""
		case 1: // white-label 2D or 3D: the buyer must be offered the choice
			return clients.Capabilities{Supports2D: t, Supports3D: t, SupportsWhiteLabel: t, SupportsBranded: f, Requires3DChoice: t}, ""
		case 2: // white-label 3D only
			return clients.Capabilities{Supports2D: f, Supports3D: t, SupportsWhiteLabel: t, SupportsBranded: f, Requires3DChoice: f}, ""
		case branded: // the gateway's branded payment page
			return clients.Capabilities{SupportsWhiteLabel: f, SupportsBranded: t, Requires3DChoice: f}, ""
		}
	}
	return clients.Capabilities{}, fmt.Sprintf(
		"%s answered is_3d %s, a payment integration mode this provider does not know (it knows 0, 1, 2 and %d), %s",
		title, Describe(raw, token), branded, unknown)
}

// IntValue reads an integer sent as a JSON number or as a string holding
// one, as PHP back ends do. Integral floats such as 100.0 count.
func IntValue(raw json.RawMessage) (int64, bool) {
	s, isString := clients.JSONString(raw)
	if isString {
		s = strings.TrimSpace(s)
	} else {
		s = string(raw)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func isObject(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '{'
}

// maxQuoted bounds the response values quoted in warnings and messages.
const maxQuoted = 40

// Describe names a response value for a warning: a string or a number
// quoted when short and free of the token, anything else by its kind and
// size, so a warning never carries the token or a wall of text. Objects and
// arrays are never quoted: their escapes, or a token split across their
// members, would slip past a search for the token.
func Describe(raw json.RawMessage, token string) string {
	if s, ok := clients.JSONString(raw); ok {
		if utf8.RuneCountInString(s) <= maxQuoted && (token == "" || !strings.Contains(s, token)) {
			return strconv.Quote(s)
		}
		return fmt.Sprintf("(a %d-character string)", utf8.RuneCountInString(s))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return "(an unreadable JSON value)"
	}
	v := compact.String()
	switch v[0] {
	case '{':
		return fmt.Sprintf("(a %d-byte JSON object)", len(v))
	case '[':
		return fmt.Sprintf("(a %d-byte JSON array)", len(v))
	}
	if len(v) <= maxQuoted && (token == "" || !strings.Contains(v, token)) {
		return v
	}
	return fmt.Sprintf("(a %d-byte JSON value)", len(v))
}

// maxMessage bounds the gateway's failure message carried in errors.
const maxMessage = 300
