// Package veparasim emulates Vepara's token call, POST
// /ccpayment/api/token, for tests, the sandbox command and the demo.
//
// Vepara runs on Sipay's ccpayment platform, so this is the platform's
// emulator (sipaysim.NewPlatform) with Vepara's Dialect. It answers as
// Vepara's token page shows: HTTP 200 with status "success", a message, and data
// holding the token, the merchant's is_3d and expired_at in Turkey time
// ("2006-01-02 15:04:05", UTC+03:00). Tokens are the platform's RS256 JWTs
// (exp = iat + 2h, scopes: []) unless a merchant issues opaque ones. A request that fails validation (app_id or
// app_secret absent, null, empty, not a string, or over 255 characters)
// gets Laravel's HTTP 422 envelope, {"message", "errors": {field: [...]}},
// as does a body that is not a JSON object sent as application/json, in
// which Laravel sees no fields. Unknown
// credentials get the platform's {"status_code": 2, "status_description":
// "Invalid credentials"} with HTTP 200. Other paths answer 404 and other
// methods 405.
//
// The built-in merchants (Fixtures) are one per is_3d value Vepara
// documents (0, 1, 2 and 3), one with is_3d 4, which is Sipay's branded
// code and unknown to Vepara, one that issues opaque tokens, and one whose
// answers have no expired_at. sipaysim.WithMerchant adds merchants whose
// answers can be bent further; a Merchant's ExpiresAt and OmitExpiresAt
// are its expired_at here.
//
// Users point the provider at it with base_url
// "http://127.0.0.1:PORT/ccpayment" (see BaseURL).
package veparasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// BasePath is Vepara's documented base path; users' base_url ends with it.
const BasePath = sipaysim.BasePath

// TokenPath is the only path the emulator serves.
const TokenPath = sipaysim.TokenPath

// MaxFieldLength is the longest app_id or app_secret the validation lets
// through, Laravel's common max:255.
const MaxFieldLength = 255

// The answers' fixed words.
const (
	StatusSuccess            = "success"
	StatusInvalidCredentials = 2

	messageSuccess         = "Token başarıyla alındı."
	descInvalidCredentials = "Invalid credentials"
)

// BaseURL returns the base_url to give the provider for an emulator served
// at serverURL (such as an httptest.Server's URL).
func BaseURL(serverURL string) string {
	return sipaysim.BaseURL(serverURL)
}

// New returns an emulator that knows the Fixtures and any merchants the
// options add.
func New(opts ...sipaysim.Option) *sipaysim.Server {
	return sipaysim.NewPlatform(Dialect{}, Fixtures(), opts...)
}

// Fixtures returns the built-in merchants.
func Fixtures() []sipaysim.Merchant {
	return []sipaysim.Merchant{
		fixture("is3d-0", `0`, "White-label 2D only: supports_2d and supports_white_label true; supports_3d, supports_branded and requires_3d_choice false."),
		fixture("is3d-1", `1`, "White-label 2D or 3D, as in Vepara's documented sample: the merchant's page must let the buyer choose (requires_3d_choice true); supports_2d, supports_3d and supports_white_label true."),
		fixture("is3d-2", `2`, "White-label 3D only: supports_3d and supports_white_label true; supports_2d, supports_branded and requires_3d_choice false."),
		fixture("is3d-3", `3`, "Vepara's branded payment solution: supports_branded true, supports_white_label and requires_3d_choice false, supports_2d and supports_3d null."),
		fixture("is3d-4", `4`, "is_3d 4, Sipay's branded code, which Vepara does not use: every capability flag is null and the token comes with a warning; it is still usable."),
		func() sipaysim.Merchant {
			m := fixture("opaque", `1`, "An opaque token, not a JWT: the expiry is expired_at, read as Turkey time, and scopes is null.")
			m.Label, m.OpaqueToken = "opaque token", true
			return m
		}(),
		func() sipaysim.Merchant {
			m := fixture("no-expired-at", `2`, "An answer without expired_at: the expiry is the JWT's exp claim.")
			m.Label, m.OmitExpiresAt = "no expired_at", true
			return m
		}(),
	}
}

func fixture(name, is3D, note string) sipaysim.Merchant {
	return sipaysim.Merchant{
		AppID:     "sandbox-vepara-" + name,
		AppSecret: "sandbox-vepara-secret-" + name,
		Label:     strings.Replace(name, "is3d-", "is_3d=", 1),
		Note:      note,
		Is3D:      json.RawMessage(is3D),
	}
}

// Dialect is Vepara's wording of the platform's answers.
type Dialect struct{}

var _ sipaysim.Dialect = Dialect{}

type success struct {
	Status  string      `json:"status"`
	Message string      `json:"message"`
	Data    successData `json:"data"`
}

type successData struct {
	Token     *string         `json:"token,omitempty"`
	Is3D      json.RawMessage `json:"is_3d,omitempty"`
	ExpiredAt *string         `json:"expired_at,omitempty"`
}

// validationFailure is Laravel's 422 envelope. Errors keeps the fields in
// the order they were checked, as Laravel's JSON does.
type validationFailure struct {
	Message string          `json:"message"`
	Errors  json.RawMessage `json:"errors"`
}

// Refuse applies Laravel's rules string|required|max:255 to app_id and
// app_secret, as Vepara's documented 422 shows them: a field that is
// absent is only required; one that is null or empty (Laravel turns "" into
// null) is neither a string nor given; one of another type is not a
// string.
func (Dialect) Refuse(fields map[string]json.RawMessage) (int, any, bool) {
	var keys, messages []string
	perField := map[string][]string{}
	for _, name := range []string{"app_id", "app_secret"} {
		attr := strings.ReplaceAll(name, "_", " ")
		raw, present := fields[name]
		var s string
		var msgs []string
		switch {
		case !present:
			msgs = []string{"The " + attr + " field is required."}
		case string(raw) == "null" || string(raw) == `""`:
			msgs = []string{"The " + attr + " field must be a string.", "The " + attr + " field is required."}
		case json.Unmarshal(raw, &s) != nil:
			msgs = []string{"The " + attr + " field must be a string."}
		case utf8.RuneCountInString(s) > MaxFieldLength:
			msgs = []string{fmt.Sprintf("The %s field must not be greater than %d characters.", attr, MaxFieldLength)}
		}
		if len(msgs) > 0 {
			keys = append(keys, name)
			perField[name] = msgs
			messages = append(messages, msgs...)
		}
	}
	if len(messages) == 0 {
		return 0, nil, false
	}
	message := messages[0]
	switch n := len(messages) - 1; {
	case n == 1:
		message += " (and 1 more error)"
	case n > 1:
		message += fmt.Sprintf(" (and %d more errors)", n)
	}
	// An object with its keys in checking order: encoding/json would sort
	// a map's.
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		list, _ := json.Marshal(perField[k])
		b.Write(key)
		b.WriteByte(':')
		b.Write(list)
	}
	b.WriteByte('}')
	return http.StatusUnprocessableEntity, validationFailure{Message: message, Errors: json.RawMessage(b.String())}, true
}

// Deny answers unknown credentials with the platform's envelope, as Sipay's
// documentation shows it: the token page of Vepara does not show one.
func (Dialect) Deny(message string) (int, any) {
	if message == "" {
		message = descInvalidCredentials
	}
	return http.StatusOK, map[string]any{"status_code": StatusInvalidCredentials, "status_description": message}
}

// Success is the token page's answer, with expired_at.
func (Dialect) Success(token *string, is3D json.RawMessage, expiredAt *string) (int, any) {
	return http.StatusOK, success{Status: StatusSuccess, Message: messageSuccess,
		Data: successData{Token: token, Is3D: is3D, ExpiredAt: expiredAt}}
}
