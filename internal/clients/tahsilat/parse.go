package tahsilat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// Limits on what a failure message may carry, so a gateway that sends a
// huge validation report cannot flood a diagnostic.
const (
	maxTextRunes = 300
	maxCodeRunes = 64
	maxDetails   = 10
	maxMessage   = 1000
)

// envelope is every Tahsilat answer, success or failure. Fields stay raw
// so a value of an unexpected type is reported, not a decoding failure of
// the whole body.
type envelope struct {
	Status    json.RawMessage `json:"status"`
	Message   json.RawMessage `json:"message"`
	Errors    json.RawMessage `json:"errors"`
	ErrorCode json.RawMessage `json:"error_code"`
	Data      json.RawMessage `json:"data"`
}

// tokenData is the data object of a successful answer.
type tokenData struct {
	AccessToken         json.RawMessage `json:"access_token"`
	Supports2D          json.RawMessage `json:"supports_2d"`
	Supports3D          json.RawMessage `json:"supports_3d"`
	SupportsWhiteLabel  json.RawMessage `json:"supports_white_label"`
	SupportsInstallment json.RawMessage `json:"supports_installment"`
	ExpiresAt           json.RawMessage `json:"expires_at"`
}

// Parse turns Tahsilat's answer to a token call into a Token, or into an
// error: a *clients.Error in every case. receivedAt is when the answer
// arrived (the token's issue time, since the token is opaque); key is the
// kind of key that asked, because a public-key token cannot make 2D
// payments whatever the answer says.
//
// The envelope {"status":false,...} is a refusal at any HTTP status, as
// the PHP SDK treats it; its error_code and message (with the validation
// details from errors) are carried, unless the body also holds a token.
func Parse(resp *clients.Response, receivedAt time.Time, key KeyKind) (*clients.Token, error) {
	var env envelope
	if trimmed := bytes.TrimSpace(resp.Body); len(trimmed) > 0 && trimmed[0] != '{' && json.Valid(trimmed) {
		return nil, resp.Malformed(Name, errors.New("the response body is JSON but not an object"))
	}
	if err := resp.DecodeJSON(&env); err != nil {
		return nil, resp.Malformed(Name, err)
	}
	switch string(env.Status) {
	case "false":
		return nil, rejected(resp, &env)
	case "true":
	default:
		return nil, resp.Malformed(Name, errors.New(`the response is not a Tahsilat answer: it has no boolean "status" field`))
	}
	if resp.StatusCode >= 400 {
		return nil, resp.Malformed(Name, errors.New(`the response has an HTTP error status but says "status": true`))
	}

	var data tokenData
	if !isObject(env.Data) || json.Unmarshal(env.Data, &data) != nil {
		return nil, resp.NoToken(Name)
	}
	var token string
	switch {
	case clients.JSONNull(data.AccessToken):
		return nil, resp.NoToken(Name)
	case json.Unmarshal(data.AccessToken, &token) != nil:
		return nil, resp.Malformed(Name, errors.New(`the response field "data.access_token" is not a string`))
	case strings.TrimSpace(token) == "":
		return nil, resp.NoToken(Name)
	}

	t := &clients.Token{AccessToken: token, IssuedAt: receivedAt.UTC()}
	var claims jwtclaims.Claims
	isJWT := false
	if strings.Count(token, ".") == 2 { // the shape of a JWT; skip the parser for opaque tokens
		claims, isJWT = jwtclaims.Read(token)
	}
	if isJWT {
		if iat, ok := claims.IssuedAt(); ok {
			t.IssuedAt = iat
		}
	}
	t.ExpiresAt, t.Warnings = expiry(data.ExpiresAt, t.IssuedAt, claims, isJWT)

	caps := &t.Capabilities
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  **bool
	}{
		{"supports_2d", data.Supports2D, &caps.Supports2D},
		{"supports_3d", data.Supports3D, &caps.Supports3D},
		{"supports_white_label", data.SupportsWhiteLabel, &caps.SupportsWhiteLabel},
		{"supports_installment", data.SupportsInstallment, &caps.SupportsInstallment},
	} {
		v, ok := flag(f.raw)
		if !ok {
			t.Warnings = append(t.Warnings, fmt.Sprintf(
				"Tahsilat sent data.%s as a JSON %s, not true or false, so %s is reported as unknown (null).",
				f.name, jsonKind(f.raw), f.name))
		}
		*f.dst = v
	}
	if key == KeyPublic {
		caps.Supports2D = clients.Bool(false)
	}
	return t, nil
}

// expiry reads data.expires_at, which carries its own offset. Without a
// usable one it falls back to the token's JWT exp, when the token is a JWT,
// then to the documented lifetime from issue; an unreadable value also
// warns, because the real expiry may be sooner.
func expiry(raw json.RawMessage, issued time.Time, claims jwtclaims.Claims, isJWT bool) (time.Time, []string) {
	var s string
	present := !clients.JSONNull(raw)
	if present && json.Unmarshal(raw, &s) == nil {
		if s = strings.TrimSpace(s); s == "" {
			present = false
		} else if at, err := time.Parse(time.RFC3339, s); err == nil {
			return at.UTC(), nil
		}
	}
	at, source := issued.Add(DefaultLifetime), "10 minutes after it was received, Tahsilat's documented lifetime"
	if isJWT {
		if exp, ok := claims.ExpiresAt(); ok {
			at, source = exp, "at the token's own exp claim"
		}
	}
	if !present {
		return at, nil
	}
	return at, []string{"Tahsilat sent a data.expires_at that is not an RFC 3339 time, so the token is assumed to expire " +
		source + "; it may expire sooner."}
}

// flag reads a capability flag. Absent and null mean "not said". Besides
// JSON booleans it takes 0/1 and "true"/"false", which PHP back ends emit
// for boolean columns; anything else is reported as not ok.
func flag(raw json.RawMessage) (*bool, bool) {
	if clients.JSONNull(raw) {
		return nil, true
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		raw = []byte(strings.TrimSpace(s))
	}
	switch string(raw) {
	case "true", "1":
		return clients.Bool(true), true
	case "false", "0":
		return clients.Bool(false), true
	}
	return nil, false
}

// rejected builds the error for a {"status":false} envelope. The code,
// message and details are the gateway's own words, quoted only when the
// body holds no token (clients.BodyCarriesToken), so no token can reach an
// error string.
func rejected(resp *clients.Response, env *envelope) *clients.Error {
	if clients.BodyCarriesToken(resp.Body) {
		return resp.Rejected(Name, "", "")
	}
	var message string
	if !clients.JSONNull(env.Message) && json.Unmarshal(env.Message, &message) != nil {
		message = ""
	}
	message = clients.CleanText(message, maxTextRunes)
	details := validationDetails(env.Errors)
	if len(details) > maxDetails {
		details = append(details[:maxDetails], fmt.Sprintf("and %d more", len(details)-maxDetails))
	}
	if len(details) > 0 {
		if message == "" {
			message = strings.Join(details, "; ")
		} else {
			message += " (" + strings.Join(details, "; ") + ")"
		}
	}
	return resp.Rejected(Name, errorCode(env.ErrorCode), clients.CleanText(message, maxMessage))
}

// errorCode reads error_code: a string, null, or (tolerated) a number.
func errorCode(raw json.RawMessage) string {
	if clients.JSONNull(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return clients.CleanText(s, maxCodeRunes)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return clients.CleanText(n.String(), maxCodeRunes)
	}
	return ""
}

// validationDetails flattens errors, which Tahsilat sends either as a list
// of messages or as Laravel's {"field":["msg",...]} map, into "field: msg"
// lines. Map keys are sorted, since JSON objects have no order; list order
// is kept.
func validationDetails(raw json.RawMessage) []string {
	var out []string
	var walk func(prefix string, raw json.RawMessage, depth int)
	walk = func(prefix string, raw json.RawMessage, depth int) {
		if clients.JSONNull(raw) || depth > 4 {
			return
		}
		add := func(text string) {
			if text = clients.CleanText(text, maxTextRunes); text == "" {
				return
			}
			if prefix != "" {
				text = prefix + ": " + text
			}
			out = append(out, text)
		}
		switch raw[0] {
		case '[':
			var list []json.RawMessage
			if json.Unmarshal(raw, &list) == nil {
				for _, e := range list {
					walk(prefix, e, depth+1)
				}
			}
		case '{':
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				return
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				field := clients.CleanText(k, maxCodeRunes)
				if prefix != "" {
					field = prefix + "." + field
				}
				walk(field, m[k], depth+1)
			}
		case '"':
			var s string
			if json.Unmarshal(raw, &s) == nil {
				add(s)
			}
		default:
			add(string(raw))
		}
	}
	walk("", raw, 0)
	return out
}

// isObject reports whether a raw field is a JSON object.
func isObject(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '{'
}

// jsonKind names the JSON type of a raw value, for warnings that must not
// quote the value itself.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return "number"
	}
	return "value"
}
