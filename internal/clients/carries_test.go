package clients_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

func TestBodyCarriesToken(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		// The audit's leaks, each past one gateway's former check.
		{"camelCase accessToken", `{"status_code":2,"status_description":"session tok-ABC123 refused","accessToken":"tok-ABC123","data":null}`, true},
		{"escaped key in a data hidden by a duplicate", `{"status_code":2,"status_description":"tok-DEF456","data":{"tok\u0065n":"tok-DEF456"},"data":null}`, true},
		{"duplicate accessToken, the last empty", `{"status":"failure","errorCode":"1","errorMessage":"tok-XYZ789 rejected","accessToken":"tok-XYZ789","accessToken":""}`, true},
		{"nested accessToken", `{"status":"failure","errorCode":"1","errorMessage":"tok-NEST rejected","data":{"accessToken":"tok-NEST"}}`, true},
		{"token and accessToken", `{"status":false,"message":"tok-TH-5 expired","data":{"token":"tok-TH-5","accessToken":"tok-TH-5"}}`, true},

		// Keys ending in token, however spelt.
		{"token", `{"data":{"token":"x"}}`, true},
		{"access_token", `{"data":{"access_token":"x"}}`, true},
		{"sessionToken", `{"sessionToken":"x"}`, true},
		{"upper case", `{"TOKEN":"x"}`, true},
		{"mixed case", `{"Access_ToKeN":"x"}`, true},
		{"escaped letters", `{"acc\u0065ss_t\u006Fken":"x"}`, true},
		{"Kelvin sign, which encoding/json folds to k", `{"to` + "\u212a" + `en":"x"}`, true},
		{"escaped Kelvin sign", `{"to\u212Aen":"x"}`, true},
		{"space before the colon", "{\"token\" \n: \"x\"}", true},
		{"in an array", `{"items":[{"n":1},{"refreshToken":"x"}]}`, true},
		{"deep", `[[[{"a":{"b":[{"idToken":"x"}]}}]]]`, true},
		{"hidden by a later duplicate key", `{"data":{"access_token":"x"},"data":{}}`, true},
		{"after an empty object", `{"a":{},"b":[],"token":"x"}`, true},
		{"a number", `{"token":12345}`, true},
		{"zero", `{"token":0}`, true},
		{"a boolean", `{"token":false}`, true},
		{"an object", `{"token":{"value":"x"}}`, true},
		{"an empty object", `{"token":{}}`, true},
		{"an array", `{"token":["x"]}`, true},
		{"only spaces", `{"token":"  "}`, true},

		// Shapes of a JWT.
		{"a JWT in a message", `{"message":"bad eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}`, true},
		{"an escaped JWT", `{"message":"bad \u0065yJhbGciOiJIUzI1NiJ9"}`, true},
		{"a JWT as a key", `{"\u0065yJ":1}`, true},

		// Bodies that cannot be read.
		{"empty", ``, true},
		{"only spaces", "  \n", true},
		{"HTML", `<html><body>502 Bad Gateway</body></html>`, true},
		{"truncated", `{"status":false,"message":"m"`, true},
		{"two values", `{"a":1} {"b":2}`, true},
		{"trailing comma", `{"a":1,}`, true},

		// Bodies that hold no token.
		{"no token key", `{"status":false,"message":"m","errors":[],"error_code":"x"}`, false},
		{"a message ending in token", `{"status":"failure","errorCode":"1","errorMessage":"invalid session token"}`, false},
		{"iyzico's documented failure", `{"status":"failure","errorCode":"260016","errorMessage":"Session token bulunamadı.","locale":"tr","systemTime":1749027045713}`, false},
		{"a value that looks like a key", `{"message":"token\":1","a":["token",":"]}`, false},
		{"an array of words ending in token", `{"errors":["token","access_token"]}`, false},
		{"null", `{"data":{"token":null,"access_token":null}}`, false},
		{"empty string", `{"accessToken":"","data":{"token":""}}`, false},
		{"a key that starts with token", `{"token_type":"Bearer","tokens":2,"tokenized":true}`, false},
		{"a key with token inside", `{"tokenValue":"x"}`, false},
		{"a key of only oken", `{"oken":"x","Token ":"x"}`, false},
		{"PHP empty data", `{"status_code":1,"status_description":"app id alanı gereklidir.","data":[]}`, false},
		{"a scalar", `"token"`, false},
		{"null body", `null`, false},
		{"JWT-like but lower case", `{"message":"eyj"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clients.BodyCarriesToken([]byte(tt.body)); got != tt.want {
				t.Errorf("BodyCarriesToken(%s) = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
}

// FuzzBodyCarriesToken checks BodyCarriesToken against a plain decoding of
// the body: whatever it clears must be valid JSON whose decoded value holds
// no token key with a value and no JWT. (The decoding keeps only the last
// of duplicate keys, so the converse is not checked.)
func FuzzBodyCarriesToken(f *testing.F) {
	for _, s := range []string{
		`{"status":"failure","errorMessage":"invalid session token"}`,
		`{"data":{"tok\u0065n":"x"},"data":null}`,
		`{"token":null,"accessToken":""}`,
		`[{"a":[1,{"b":"c"}]}]`,
		`{"message":"\u0065yJ"}`,
		`1E700`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if clients.BodyCarriesToken(body) {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // 1E700 is valid JSON, not a float64
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("cleared a body that does not decode: %v", err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if strings.Contains(k, "eyJ") {
						t.Fatalf("cleared a body with a JWT-shaped key %q", k)
					}
					if foldsToToken(k) && e != nil && e != "" {
						t.Fatalf("cleared a body whose key %q holds %v", k, e)
					}
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			case string:
				if strings.Contains(v, "eyJ") {
					t.Fatalf("cleared a body with a JWT-shaped value %q", v)
				}
			}
		}
		walk(v)
	})
}

// foldsToToken reports whether k ends in a string that strings.EqualFold
// takes for "token", an oracle independent of BodyCarriesToken's own.
func foldsToToken(k string) bool {
	r := []rune(k)
	return len(r) >= 5 && strings.EqualFold(string(r[len(r)-5:]), "token")
}
