package sipay_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paybull"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/qnbpay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

// platform is a gateway on Sipay's ccpayment platform as these tests see
// it. Its Parse reads answers through this package's readers (ReadToken,
// Refused, Is3DCapabilities, IntValue, Describe), so what the readers do
// is tested here once, through each such gateway's Parse; each gateway's
// own tests cover its spellings, envelopes and expiry.
type platform struct {
	name, title string
	// branded is the gateway's is_3d for its branded payment page, as its
	// documentation gives it; foreign is the other gateway's, unknown here.
	branded, foreign int
	// expiry is the expiry field the gateway's Parse reads first.
	expiry   string
	parse    func(*clients.Response, time.Time) (*clients.Token, error)
	classify func(int, []byte) clients.Verdict
	// success is the gateway's own success answer around data.
	success func(data string) string
}

// sipayRow is Sipay's row.
func sipayRow() platform {
	return platform{
		name: "sipay", title: "Sipay", branded: 4, foreign: 3, expiry: "expires_at",
		parse: sipay.Parse, classify: sipay.Classify,
		success: func(data string) string {
			return `{"status_code":100,"status_description":"Successfully Generated token","data":` + data + `}`
		},
	}
}

var platforms = []platform{
	sipayRow(),
	deployment("qnbpay", "QNBpay", qnbpay.QNBpay.Parse),
	deployment("paybull", "PayBull", paybull.PayBull.Parse),
	{
		name: "vepara", title: "Vepara", branded: 3, foreign: 4, expiry: "expired_at",
		parse: vepara.Parse, classify: vepara.Classify,
		success: func(data string) string {
			return `{"status":"success","message":"Token başarıyla alındı.","data":` + data + `}`
		},
	},
}

// deployment is a gateway that answers in Sipay's words under its own name.
func deployment(name, title string, parse func(*clients.Response, time.Time) (*clients.Token, error)) platform {
	p := sipayRow()
	p.name, p.title, p.parse = name, title, parse
	return p
}

// forEachPlatform runs test once for each gateway on the platform.
func forEachPlatform(t *testing.T, test func(t *testing.T, p platform)) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) { test(t, p) })
	}
}

// TestPlatformSuccess covers the success answers every gateway on the
// platform reads alike: the platform's status_code 100 however written,
// and the gateway's own success, whatever the HTTP status.
func TestPlatformSuccess(t *testing.T) {
	received := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	receivedUTC := received.UTC()
	forEachPlatform(t, func(t *testing.T, p platform) {
		tests := []struct {
			name    string
			status  int
			body    string
			token   string
			expires time.Time
			flags   string
		}{
			{name: "status_code 100", status: 200,
				body:  `{"status_code":100,"status_description":"Successfully Generated token","data":{"token":"opaque-1","is_3d":1,"` + p.expiry + `":"2026-03-14 13:00:00"}}`,
				token: "opaque-1", expires: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), flags: "tttfnt"},
			{name: "status_code as a numeric string", status: 200,
				body:  `{"status_code":" 100 ","data":{"token":"opaque-2","is_3d":"0","` + p.expiry + `":"2026-03-14 15:00:00"}}`,
				token: "opaque-2", expires: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC), flags: "tftfnf"},
			{name: "status_code 100.0", status: 200, body: `{"status_code":100.0,"data":{"token":"opaque-3","is_3d":1}}`,
				token: "opaque-3", expires: receivedUTC.Add(2 * time.Hour), flags: "tttfnt"},
			{name: "success with HTTP 500", status: 500, body: p.success(`{"token":"opaque-4","is_3d":1}`),
				token: "opaque-4", expires: receivedUTC.Add(2 * time.Hour), flags: "tttfnt"},
			{name: "token kept byte for byte", status: 200, body: p.success(`{"token":" a.b.c ","is_3d":1}`),
				token: " a.b.c ", expires: receivedUTC.Add(2 * time.Hour), flags: "tttfnt"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok, err := p.parse(response(tt.status, tt.body), received)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := clientstest.Flags(tok.Capabilities); tok.AccessToken != tt.token || got != tt.flags {
					t.Errorf("AccessToken %q flags %s, want %q %s", tok.AccessToken, got, tt.token, tt.flags)
				}
				clientstest.CheckToken(t, tok, clientstest.TokenWant{ExpiresAt: tt.expires, IssuedAt: received})
			})
		}
	})
}

// TestPlatformUnreadable covers successes without a usable token and
// answers that are no platform answer: an error of the right kind that
// quotes nothing of the body.
func TestPlatformUnreadable(t *testing.T) {
	forEachPlatform(t, func(t *testing.T, p platform) {
		tests := []struct {
			name   string
			status int
			body   string
			kind   clients.ErrorKind
			detail string // a substring of the error
		}{
			{name: "success without a token", status: 200, body: p.success(`{"is_3d":1}`), kind: clients.KindNoToken},
			{name: "success with an empty token", status: 200, body: p.success(`{"token":"","is_3d":1}`), kind: clients.KindNoToken},
			{name: "success with a blank token", status: 200, body: p.success(`{"token":" ","is_3d":1}`), kind: clients.KindNoToken},
			{name: "success with a null token", status: 200, body: p.success(`{"token":null,"is_3d":1}`), kind: clients.KindNoToken},
			{name: "success with data null", status: 200, body: p.success(`null`), kind: clients.KindNoToken},
			{name: "success with data []", status: 200, body: p.success(`[]`), kind: clients.KindNoToken},
			{name: "status_code 100 without data", status: 200, body: `{"status_code":100}`, kind: clients.KindNoToken},
			{name: "success with a numeric token", status: 200, body: p.success(`{"token":12345678}`),
				kind: clients.KindMalformed, detail: "data.token is not a string"},
			{name: "success with a control character", status: 200, body: p.success(`{"token":"abc\ndef"}`),
				kind: clients.KindMalformed, detail: "control characters"},
			{name: "status_code not a number", status: 200, body: `{"status_code":"abc","status_description":"x"}`,
				kind: clients.KindMalformed, detail: "status_code is not a number"},
			{name: "a JSON array", status: 200, body: `[100]`, kind: clients.KindMalformed, detail: "JSON array"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok, err := p.parse(response(tt.status, tt.body), time.Now())
				e, ok := clients.AsError(err)
				if !ok || tok != nil {
					t.Fatalf("Parse = %v, %v; want a *clients.Error", tok, err)
				}
				if e.Kind != tt.kind || e.Gateway != p.name || e.StatusCode != tt.status || e.Code != "" || e.Message != "" {
					t.Errorf("got %v gateway %q HTTP %d code %q message %q; want %v gateway %s HTTP %d, no code or message",
						e.Kind, e.Gateway, e.StatusCode, e.Code, e.Message, tt.kind, p.name, tt.status)
				}
				if !strings.Contains(err.Error(), tt.detail) {
					t.Errorf("error %q does not say %q", err, tt.detail)
				}
				if strings.Contains(err.Error(), "abc") {
					t.Errorf("error %q quotes the body", err)
				}
			})
		}
	})
}

// TestPlatformRefusals covers the platform's failure envelope, a
// status_code other than 100 with its status_description: a refusal that
// carries both, cleaned and bounded, unless the body holds a token.
func TestPlatformRefusals(t *testing.T) {
	long := strings.Repeat("ş", 1000)
	forEachPlatform(t, func(t *testing.T, p platform) {
		tests := []struct {
			name    string
			body    string
			code    string
			message string
		}{
			{name: "30 invalid credentials", body: `{"status_code":30,"status_description":"Invalid credentials"}`, code: "30", message: "Invalid credentials"},
			{name: "2 as a string", body: `{"status_code":"2","status_description":"Geçersiz kimlik bilgileri","data":null}`, code: "2", message: "Geçersiz kimlik bilgileri"},
			{name: "a message of several lines", body: `{"status_code":41,"status_description":"Merchant\n  is\tpassive"}`, code: "41", message: "Merchant is passive"},
			{name: "a long message", body: `{"status_code":7,"status_description":"` + long + `"}`, code: "7", message: long[:600] + "…"},
			{name: "a message ending in token", body: `{"status_code":2,"status_description":"invalid session token","data":null}`, code: "2", message: "invalid session token"},
			{name: "a token key that is null", body: `{"status_code":2,"status_description":"no token issued","data":{"token":null}}`, code: "2", message: "no token issued"},
			{name: "a token key that is empty", body: `{"status_code":2,"status_description":"no token issued","data":{"token":""}}`, code: "2", message: "no token issued"},
			{name: "a key that only starts with token", body: `{"status_code":2,"status_description":"limit","data":{"token_limit":5}}`, code: "2", message: "limit"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := p.parse(response(200, tt.body), time.Now())
				e, ok := clients.AsError(err)
				if !ok || e.Kind != clients.KindRejected || e.Gateway != p.name || e.Code != tt.code || e.Message != tt.message {
					t.Errorf("Parse = %v; want a %s rejection with code %s quoting %q", err, p.name, tt.code, tt.message)
				}
			})
		}
		// Failure bodies that carry a token quote nothing of it.
		clientstest.CheckTokenBodies(t, p.name, "2", func(status int, body []byte) (*clients.Token, error) {
			return p.parse(response(status, string(body)), time.Now())
		})
	})
}

// TestPlatformClassify pins which platform answers overrule their HTTP
// status for retries: refusals for bad credentials or input, however the
// code is written.
func TestPlatformClassify(t *testing.T) {
	forEachPlatform(t, func(t *testing.T, p platform) {
		for body, want := range map[string]clients.Verdict{
			`{"status_code":30,"status_description":"Invalid credentials","data":null}`: clients.Final,
			`{"status_code":"2","status_description":"Geçersiz kimlik bilgileri"}`:      clients.Final,
			`{"status_code":1,"status_description":"app id alanı gereklidir."}`:         clients.Final,
			`{"status_code":" 30 "}`:       clients.Final,
			`{"status_code":100}`:          clients.ByStatus,
			`{"status_code":7}`:            clients.ByStatus,
			`{"status_code":300}`:          clients.ByStatus,
			`{"status_code":30.5}`:         clients.ByStatus,
			`{"status_code":null}`:         clients.ByStatus,
			`{"data":{"token":"x"}}`:       clients.ByStatus,
			`<html>502 Bad Gateway</html>`: clients.ByStatus,
			``:                             clients.ByStatus,
		} {
			for _, status := range []int{200, 422, 500, 503} {
				if got := p.classify(status, []byte(body)); got != want {
					t.Errorf("Classify(%d, %s) = %v, want %v", status, body, got, want)
				}
			}
		}
	})
}

// TestPlatformIs3D maps is_3d, however written: 0, 1 and 2 as every
// gateway on the platform does, the gateway's own branded code, and any
// other value, the other gateway's branded code included, as unknown: every
// flag null, with a warning naming the value.
func TestPlatformIs3D(t *testing.T) {
	forEachPlatform(t, func(t *testing.T, p platform) {
		unknown := fmt.Sprintf("a payment integration mode this provider does not know (it knows 0, 1, 2 and %d)", p.branded)
		tests := []struct {
			is3D    string // "" leaves is_3d out
			flags   string
			warning string // a substring of the one warning; "" for none
		}{
			{"0", "tftfnf", ""},
			{"1", "tttfnt", ""},
			{"2", "fttfnf", ""},
			{`"1"`, "tttfnt", ""},
			{"2.0", "fttfnf", ""},
			{fmt.Sprint(p.branded), "nnftnf", ""},
			{fmt.Sprintf("%q", fmt.Sprint(p.branded)), "nnftnf", ""},
			{fmt.Sprint(p.foreign), "nnnnnn", fmt.Sprintf("%s answered is_3d %d, %s", p.title, p.foreign, unknown)},
			{"7", "nnnnnn", p.title + " answered is_3d 7, " + unknown},
			{"-1", "nnnnnn", "is_3d -1,"},
			{"1.5", "nnnnnn", "is_3d 1.5,"},
			{`"x"`, "nnnnnn", `is_3d "x",`},
			{"true", "nnnnnn", "is_3d true,"},
			{"null", "nnnnnn", "is_3d null,"},
			{`{"mode": 1}`, "nnnnnn", "is_3d (a 10-byte JSON object),"},
			{"", "nnnnnn", p.title + "'s answer has no is_3d"},
		}
		for _, tt := range tests {
			t.Run("is_3d="+tt.is3D, func(t *testing.T) {
				data := `{"token":"opaque-token-0123456789","` + p.expiry + `":"2026-03-14 13:00:00"`
				if tt.is3D != "" {
					data += `,"is_3d":` + tt.is3D
				}
				tok, err := p.parse(response(200, p.success(data+"}")), time.Now())
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := clientstest.Flags(tok.Capabilities); got != tt.flags {
					t.Errorf("flags = %s, want %s", got, tt.flags)
				}
				if tt.warning == "" {
					if len(tok.Warnings) != 0 {
						t.Errorf("Warnings = %q, want none", tok.Warnings)
					}
					return
				}
				if len(tok.Warnings) != 1 || !strings.Contains(tok.Warnings[0], tt.warning) || !strings.Contains(tok.Warnings[0], "The token is still usable.") {
					t.Errorf("Warnings = %q, want one containing %q", tok.Warnings, tt.warning)
				}
			})
		}
	})
}

// TestPlatformWarningsKeepTokenOut checks that a warning quoting a response
// value never carries the token, however the gateway misplaces it.
func TestPlatformWarningsKeepTokenOut(t *testing.T) {
	const token = "opaque-token-0123456789abcdef"
	long := strings.Repeat("9", 60)
	forEachPlatform(t, func(t *testing.T, p platform) {
		tests := []struct {
			name string
			rest string
			want string // a substring of the warning
		}{
			{"token in the expiry", fmt.Sprintf(`,"is_3d":1,"%s":%q`, p.expiry, token), "(a 29-character string)"},
			{"token in is_3d", fmt.Sprintf(`,"is_3d":%q`, token), "(a 29-character string)"},
			{"token inside an is_3d object", fmt.Sprintf(`,"is_3d":{"t":%q}`, token), "(a 37-byte JSON object)"},
			{"escaped token in an is_3d array", `,"is_3d":["opaque-t\u006fken-0123456789abcdef"]`, "(a 38-byte JSON array)"},
			{"token split across the expiry", `,"is_3d":1,"` + p.expiry + `":{"a":"opaque-token-","b":"0123456789abcdef"}`, "-byte JSON object)"},
			{"short array", `,"is_3d":[1]`, "(a 3-byte JSON array)"},
			{"long expiry", fmt.Sprintf(`,"is_3d":1,"%s":%q`, p.expiry, long), "(a 60-character string)"},
			{"long is_3d number", `,"is_3d":` + long, "(a 60-byte JSON value)"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body := p.success(fmt.Sprintf(`{"token":%q%s}`, token, tt.rest))
				tok, err := p.parse(response(200, body), time.Unix(0, 0))
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if len(tok.Warnings) != 1 || !strings.Contains(tok.Warnings[0], tt.want) {
					t.Fatalf("Warnings = %q, want one containing %q", tok.Warnings, tt.want)
				}
				if strings.Contains(tok.Warnings[0], token) {
					t.Errorf("the warning %q carries the token", tok.Warnings[0])
				}
			})
		}
	})
}

func TestPlatformNilResponse(t *testing.T) {
	forEachPlatform(t, func(t *testing.T, p platform) {
		tok, err := p.parse(nil, time.Now())
		if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindMalformed || e.Gateway != p.name || tok != nil {
			t.Errorf("Parse(nil) = %v, %v; want a malformed *clients.Error", tok, err)
		}
	})
}

// TestPlatformArrayAnswers covers the platform's answers as a JSON array
// whose first element is the answer object, the form in which QNBpay
// refuses: read as the object itself, whatever the HTTP status, so a
// refusal for invalid credentials is a final refusal with the gateway's
// code and message, and an array without such an object is unreadable.
func TestPlatformArrayAnswers(t *testing.T) {
	forEachPlatform(t, func(t *testing.T, p platform) {
		refusals := []struct {
			name, body, code, message string
			status                    int
		}{
			{"QNBpay's documented refusal", `[{"status_code":2,"status_description":"Invalid credentials"}]`, "2", "Invalid credentials", 400},
			{"status_code 30 at HTTP 200", ` [ {"status_code":30,"status_description":"Invalid credentials","data":null} ] `, "30", "Invalid credentials", 200},
			{"validation, further elements ignored", `[{"status_code":"1","status_description":"app id alanı gereklidir."},{"status_code":100}]`, "1", "app id alanı gereklidir.", 422},
			{"another code at HTTP 503", `[{"status_code":41,"status_description":"Merchant is passive"}]`, "41", "Merchant is passive", 503},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				_, err := p.parse(response(tt.status, tt.body), time.Now())
				e, ok := clients.AsError(err)
				if !ok || e.Kind != clients.KindRejected || e.Gateway != p.name || e.Code != tt.code || e.Message != tt.message {
					t.Fatalf("Parse = %v; want a %s rejection with code %s quoting %q", err, p.name, tt.code, tt.message)
				}
				final := tt.code != "41"
				if got := p.classify(tt.status, []byte(tt.body)) == clients.Final; got != final {
					t.Errorf("Classify final = %t, want %t", got, final)
				}
			})
		}
		t.Run("success", func(t *testing.T) {
			tok, err := p.parse(response(200, "["+p.success(`{"token":"opaque-7","is_3d":1}`)+"]"), time.Now())
			if err != nil || tok.AccessToken != "opaque-7" {
				t.Fatalf("Parse = %v, %v; want the token opaque-7", tok, err)
			}
		})
		for name, body := range map[string]string{
			"empty array":       `[]`,
			"array of numbers":  `[2,"Invalid credentials"]`,
			"object second":     `[null,{"status_code":2}]`,
			"nested array":      `[[{"status_code":2}]]`,
			"array of an array": `[["x"]]`,
		} {
			t.Run(name, func(t *testing.T) {
				_, err := p.parse(response(400, body), time.Now())
				e, ok := clients.AsError(err)
				if !ok || e.Kind != clients.KindHTTPStatus || e.Code != "" || !strings.Contains(err.Error(), "JSON array without the platform's answer object") {
					t.Errorf("Parse = %v; want an unreadable answer at HTTP 400 that says why", err)
				}
			})
		}
		clientstest.CheckTokenBodies(t, p.name, "2", func(status int, body []byte) (*clients.Token, error) {
			return p.parse(response(status, "["+string(body)+"]"), time.Now())
		})
	})
}
