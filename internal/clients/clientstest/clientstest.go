// Package clientstest holds checks shared by the gateway clients' tests.
package clientstest

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// ErrorShows reports whether err's text shows s beyond what its fixed prose
// would show anyway. Code, Message and Location quote a gateway's answer,
// so s found in any of them counts. Elsewhere in the text, s counts only if
// the error without those three does not already contain it: a fuzzed token
// such as "refused" or "success" is part of the prose by chance, not a
// leak. The cause counts as prose, since the clients build causes from
// fixed words, offsets and JSON types, never from a body's values.
func ErrorShows(err error, s string) bool {
	if err == nil || s == "" {
		return false
	}
	e, ok := clients.AsError(err)
	if !ok {
		return strings.Contains(err.Error(), s)
	}
	if strings.Contains(e.Code, s) || strings.Contains(e.Message, s) || strings.Contains(e.Location, s) {
		return true
	}
	prose := *e
	prose.Code, prose.Message, prose.Location = "", "", ""
	return strings.Contains(err.Error(), s) && !strings.Contains(prose.Error(), s)
}

// TokenValues returns the strings body holds, at any depth of its decoded
// value, under a key ending in "token" in any letter case: tokens a
// failure must never quote. (Duplicate keys, which decoding drops, are
// left to the gateways' table tests.)
func TokenValues(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && strings.HasSuffix(strings.ToLower(k), "token") {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// QuotedToken returns a token of body that err shows, if any. Tokens
// shorter than 6 bytes or without a letter are skipped: they can occur in
// a numeric code by chance.
func QuotedToken(err error, body []byte) (string, bool) {
	for _, s := range TokenValues(body) {
		if len(s) >= 6 && strings.IndexFunc(s, unicode.IsLetter) >= 0 && ErrorShows(err, s) {
			return s, true
		}
	}
	return "", false
}

// TokenBody is a failure answer that carries a token, and the token.
type TokenBody struct {
	Name   string
	Status int
	Body   string
	Token  string
}

// TokenBodies are failure answers whose message quoted the token they
// carried, past one gateway's former check or another's: a camelCase key,
// an escaped key inside a data that a duplicate data key hides, a
// duplicate accessToken whose last value is empty, a nested accessToken,
// and token keys other than access_token. Every gateway must quote none
// of them.
var TokenBodies = []TokenBody{
	{"sipay camelCase accessToken", 200, `{"status_code":2,"status_description":"session tok-ABC123 refused","accessToken":"tok-ABC123","data":null}`, "tok-ABC123"},
	{"sipay escaped key in a duplicated data", 200, `{"status_code":2,"status_description":"tok-DEF456","data":{"tok\u0065n":"tok-DEF456"},"data":null}`, "tok-DEF456"},
	{"iyzico duplicate accessToken, the last empty", 400, `{"status":"failure","errorCode":"1","errorMessage":"tok-XYZ789 rejected","accessToken":"tok-XYZ789","accessToken":""}`, "tok-XYZ789"},
	{"iyzico nested accessToken", 400, `{"status":"failure","errorCode":"1","errorMessage":"tok-NEST rejected","data":{"accessToken":"tok-NEST"}}`, "tok-NEST"},
	{"tahsilat token and accessToken at 401", 401, `{"status":false,"message":"tok-TH-5 expired","data":{"token":"tok-TH-5","accessToken":"tok-TH-5"}}`, "tok-TH-5"},
}

// CheckTokenBodies runs parse, one gateway's Parse, on every TokenBodies
// answer: each must fail without quoting its token, and the ones written
// for this gateway must be a rejection with code wantCode.
func CheckTokenBodies(t *testing.T, gateway, wantCode string, parse func(status int, body []byte) (*clients.Token, error)) {
	t.Helper()
	for _, tt := range TokenBodies {
		t.Run(tt.Name, func(t *testing.T) {
			tok, err := parse(tt.Status, []byte(tt.Body))
			e, ok := clients.AsError(err)
			if !ok || tok != nil {
				t.Fatalf("Parse = %v, %v; want a *clients.Error", tok, err)
			}
			if strings.HasPrefix(tt.Name, gateway) && (e.Kind != clients.KindRejected || e.Code != wantCode) {
				t.Errorf("got %v code %q, want a rejection with code %q", e.Kind, e.Code, wantCode)
			}
			if strings.Contains(e.Message, tt.Token) || strings.Contains(err.Error(), tt.Token) {
				t.Errorf("error %q quotes the body's token %q", err, tt.Token)
			}
		})
	}
}
