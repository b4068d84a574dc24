package sipay_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

func response(status int, body string) *clients.Response {
	return &clients.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Attempts: 1}
}

func TestParseTurkeyTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 UTC; "" for an error
	}{
		{"2021-01-29 16:46:01", "2021-01-29T13:46:01Z"},
		{"2021-01-01 01:00:00", "2020-12-31T22:00:00Z"},
		{"2024-02-29 03:00:00", "2024-02-29T00:00:00Z"},
		// Summer and winter alike: Turkey has kept +03:00 since 2016.
		{"2026-07-01 12:00:00", "2026-07-01T09:00:00Z"},
		{"2026-12-01 12:00:00", "2026-12-01T09:00:00Z"},
		{"2021-01-29 16:46:01.250", "2021-01-29T13:46:01.25Z"},
		{"", ""},
		{"2021-01-29T16:46:01", ""},
		{"2021-01-29 16:46:01+03:00", ""},
		{"2021-01-29 16:46", ""},
		{"29.01.2021 16:46:01", ""},
		{"2021-02-30 10:00:00", ""},
		{"2021-01-29 24:00:00", ""},
		{" 2021-01-29 16:46:01", ""},
		{"2021-01-29 6:46:01", ""},
		{"2021-01-29  16:46:01", ""},
		{"0000-01-01  0:00:00", ""},
		{"2021-01-29 16:46:01.", ""},
		{"1611927961", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sipay.ParseTurkeyTime(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseTurkeyTime = %v, want an error", got)
				}
				if tt.in != "" && strings.Contains(err.Error(), tt.in) {
					t.Errorf("the error %q quotes the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTurkeyTime: %v", err)
			}
			if got.Location() != time.UTC || got.Format(time.RFC3339Nano) != tt.want {
				t.Errorf("ParseTurkeyTime = %s (%v), want %s in UTC", got.Format(time.RFC3339Nano), got.Location(), tt.want)
			}
		})
	}
}

// TestParse covers what the HTTP tests cannot easily send: JWT claims of
// every shape and odd encodings of the envelope.
func TestParse(t *testing.T) {
	received := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	receivedUTC := received.UTC()
	iat := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	exp := iat.Add(90 * time.Minute)
	full := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix(), "scopes": []string{"payment", "refund"}})
	noExp := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "sub": "86"})
	bare := clientstest.SignedJWT(t, jwt.MapClaims{"sub": "86"})
	oddScopes := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix(), "scopes": 5})
	success := func(token, rest string) string {
		return fmt.Sprintf(`{"status_code":100,"status_description":"Successfully Generated token","data":{"token":%q%s}}`, token, rest)
	}
	tests := []struct {
		name     string
		body     string
		token    string
		expires  time.Time
		issued   time.Time
		scopes   []string // nil: nil
		flags    string
		warnings int
	}{
		{name: "scopes claim", body: success(full, `,"is_3d":2`), token: full, expires: exp, issued: iat,
			scopes: []string{"payment", "refund"}, flags: "fttfnf"},
		{name: "expires_at wins over exp", body: success(full, `,"is_3d":2,"expires_at":"2026-03-14 14:00:00"`), token: full,
			expires: time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC), issued: iat, scopes: []string{"payment", "refund"}, flags: "fttfnf"},
		{name: "JWT without exp: iat plus 2h", body: success(noExp, `,"is_3d":0`), token: noExp,
			expires: iat.Add(2 * time.Hour), issued: iat, flags: "tftfnf"},
		{name: "JWT without iat or exp: receipt plus 2h", body: success(bare, `,"is_3d":4`), token: bare,
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "nnftnf"},
		{name: "scopes of another shape: nil", body: success(oddScopes, `,"is_3d":1`), token: oddScopes,
			expires: exp, issued: iat, flags: "tttfnt"},
		{name: "status_code as a numeric string", body: `{"status_code":" 100 ","data":{"token":"opaque-1","is_3d":"0","expires_at":"2026-03-14 15:00:00"}}`,
			token: "opaque-1", expires: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC), issued: receivedUTC, flags: "tftfnf"},
		{name: "status_code 100.0", body: `{"status_code":100.0,"data":{"token":"opaque-2","is_3d":1}}`,
			token: "opaque-2", expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt"},
		{name: "success with HTTP 500", body: success("opaque-3", `,"is_3d":1`), token: "opaque-3",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt"},
		{name: "expires_at null counts as absent", body: success("opaque-4", `,"is_3d":1,"expires_at":null`), token: "opaque-4",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt"},
		{name: "expires_at empty", body: success("opaque-5", `,"is_3d":1,"expires_at":""`), token: "opaque-5",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt", warnings: 1},
		{name: "expires_at a number", body: success(full, `,"is_3d":1,"expires_at":1773496800`), token: full,
			expires: exp, issued: iat, scopes: []string{"payment", "refund"}, flags: "tttfnt", warnings: 1},
		{name: "unknown is_3d and unreadable expires_at", body: success("opaque-6", `,"is_3d":9,"expires_at":"soon"`), token: "opaque-6",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "nnnnnn", warnings: 2},
		{name: "token kept byte for byte", body: success(" a.b.c ", `,"is_3d":1`), token: " a.b.c ",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := http.StatusOK
			if strings.Contains(tt.name, "HTTP 500") {
				status = http.StatusInternalServerError
			}
			tok, err := sipay.Parse(response(status, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.AccessToken != tt.token {
				t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.token)
			}
			if !tok.ExpiresAt.Equal(tt.expires) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.expires)
			}
			if !tok.IssuedAt.Equal(tt.issued) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, tt.issued)
			}
			if fmt.Sprint(tok.Scopes) != fmt.Sprint(tt.scopes) || (tok.Scopes == nil) != (tt.scopes == nil) {
				t.Errorf("Scopes = %#v, want %#v", tok.Scopes, tt.scopes)
			}
			if got := clientstest.Flags(tok.Capabilities); got != tt.flags {
				t.Errorf("flags = %s, want %s", got, tt.flags)
			}
			if len(tok.Warnings) != tt.warnings {
				t.Errorf("Warnings = %q, want %d", tok.Warnings, tt.warnings)
			}
		})
	}
}

// TestParseWarningsKeepTokenOut checks that a warning quoting a response
// value never carries the token, however the gateway misplaces it.
func TestParseWarningsKeepTokenOut(t *testing.T) {
	const token = "opaque-token-0123456789abcdef"
	long := strings.Repeat("9", 60)
	tests := []struct {
		name string
		rest string
		want string // a substring of the warning
	}{
		{"token in expires_at", fmt.Sprintf(`,"is_3d":1,"expires_at":%q`, token), "(a 29-character string)"},
		{"token in is_3d", fmt.Sprintf(`,"is_3d":%q`, token), "(a 29-character string)"},
		{"token inside an is_3d object", fmt.Sprintf(`,"is_3d":{"t":%q}`, token), "(a 37-byte JSON object)"},
		{"escaped token in an is_3d array", `,"is_3d":["opaque-t\u006fken-0123456789abcdef"]`, "(a 38-byte JSON array)"},
		{"token split across expires_at", `,"is_3d":1,"expires_at":{"a":"opaque-token-","b":"0123456789abcdef"}`, "-byte JSON object)"},
		{"short array", `,"is_3d":[1]`, "(a 3-byte JSON array)"},
		{"long expires_at", fmt.Sprintf(`,"is_3d":1,"expires_at":%q`, long), "(a 60-character string)"},
		{"long is_3d number", `,"is_3d":` + long, "(a 60-byte JSON value)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"status_code":100,"data":{"token":%q%s}}`, token, tt.rest)
			tok, err := sipay.Parse(response(200, body), time.Unix(0, 0))
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
}

func TestParseNilResponse(t *testing.T) {
	tok, err := sipay.Parse(nil, time.Now())
	if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindMalformed || tok != nil {
		t.Errorf("Parse(nil) = %v, %v; want a malformed *clients.Error", tok, err)
	}
}

func TestParseLongMessageBounded(t *testing.T) {
	body := fmt.Sprintf(`{"status_code":7,"status_description":%q}`, strings.Repeat("ş", 1000))
	_, err := sipay.Parse(response(200, body), time.Now())
	e, ok := clients.AsError(err)
	if !ok || e.Kind != clients.KindRejected || e.Code != "7" {
		t.Fatalf("Parse = %v; want a rejection with code 7", err)
	}
	if n := len([]rune(e.Message)); n != 301 || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("Message has %d runes, want 300 and an ellipsis", n)
	}
}

// TestClassify pins which answers overrule their HTTP status for retries:
// refusals for bad credentials or input, however the code is written.
func TestClassify(t *testing.T) {
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
		for _, status := range []int{200, 500, 503} {
			if got := sipay.Classify(status, []byte(body)); got != want {
				t.Errorf("Classify(%d, %s) = %v, want %v", status, body, got, want)
			}
		}
	}
}

// TestParseFailureQuotesNoToken checks that a failure body carrying a
// token, under any key ending in "token", is never quoted, and that a
// message merely ending in the word token still is.
func TestParseFailureQuotesNoToken(t *testing.T) {
	clientstest.CheckTokenBodies(t, "sipay", "2", func(status int, body []byte) (*clients.Token, error) {
		return sipay.Parse(response(status, string(body)), time.Now())
	})
	for _, tt := range []struct{ name, body, message string }{
		{"a message ending in token", `{"status_code":2,"status_description":"invalid session token","data":null}`, "invalid session token"},
		{"a token key that is null", `{"status_code":2,"status_description":"no token issued","data":{"token":null}}`, "no token issued"},
		{"a token key that is empty", `{"status_code":2,"status_description":"no token issued","data":{"token":""}}`, "no token issued"},
		{"a key that only starts with token", `{"status_code":2,"status_description":"limit","data":{"token_limit":5}}`, "limit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sipay.Parse(response(200, tt.body), time.Now())
			if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindRejected || e.Code != "2" || e.Message != tt.message {
				t.Errorf("Parse = %v; want a rejection with code 2 quoting %q", err, tt.message)
			}
		})
	}
}
