package tahsilat_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
)

// docSample is the success answer on Tahsilat's "Token Oluşturma" page,
// verbatim (the token is cut short with "..." there too).
const docSample = `{
    "status": true,
    "message": "Token başarıyla oluşturuldu.",
    "errors": [],
    "error_code": null,
    "data": {
        "access_token": "4Ba7412xBvQbTEn9Ex0PZLrPpTO1dgBvL0Txz5gFbfM79JZHqJGjf8d4JqsKdi0aKgVBfJJ68Ib4SINkbu20HI3145...",
        "supports_3d": true,
        "supports_2d": false,
        "supports_white_label": true,
        "supports_installment": false,
        "expires_at": "2025-06-11T23:36:17+03:00"
    }
}`

const docToken = "4Ba7412xBvQbTEn9Ex0PZLrPpTO1dgBvL0Txz5gFbfM79JZHqJGjf8d4JqsKdi0aKgVBfJJ68Ib4SINkbu20HI3145..."

// received is a receipt time in a non-UTC zone, so tests see that Parse
// converts it.
var received = time.Date(2025, 6, 11, 23, 26, 17, 0, time.FixedZone("+03", 3*3600))

func response(status int, body string) *clients.Response {
	return &clients.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       []byte(body),
		ReceivedAt: received,
		Attempts:   1,
	}
}

// success wraps a data object in a success envelope.
func success(data string) string {
	return `{"status":true,"message":"Token başarıyla oluşturuldu.","errors":[],"error_code":null,"data":` + data + `}`
}

type flags struct{ d2, d3, wl, inst *bool }

func capsOf(t *clients.Token) flags {
	c := t.Capabilities
	return flags{c.Supports2D, c.Supports3D, c.SupportsWhiteLabel, c.SupportsInstallment}
}

func boolText(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

func sameFlag(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

var (
	yes = clients.Bool(true)
	no  = clients.Bool(false)
)

func TestParseSuccess(t *testing.T) {
	receivedUTC := received.UTC()
	tests := []struct {
		name     string
		body     string
		key      tahsilat.KeyKind
		token    string
		expires  time.Time
		issued   time.Time
		flags    flags
		warnings int
	}{
		{
			name:    "documented sample, secret key",
			body:    docSample,
			key:     tahsilat.KeySecret,
			token:   docToken,
			expires: time.Date(2025, 6, 11, 20, 36, 17, 0, time.UTC),
			flags:   flags{no, yes, yes, no},
		},
		{
			name:    "documented sample, public key keeps supports_2d false",
			body:    docSample,
			key:     tahsilat.KeyPublic,
			token:   docToken,
			expires: time.Date(2025, 6, 11, 20, 36, 17, 0, time.UTC),
			flags:   flags{no, yes, yes, no},
		},
		{
			name:    "public key forces supports_2d false over true",
			body:    success(`{"access_token":"opaque","supports_2d":true,"supports_3d":true,"expires_at":"2025-06-11T23:36:17+03:00"}`),
			key:     tahsilat.KeyPublic,
			token:   "opaque",
			expires: time.Date(2025, 6, 11, 20, 36, 17, 0, time.UTC),
			flags:   flags{d2: no, d3: yes},
		},
		{
			name:    "public key forces supports_2d false when absent",
			body:    success(`{"access_token":"opaque","expires_at":"2025-06-11T23:36:17+03:00"}`),
			key:     tahsilat.KeyPublic,
			token:   "opaque",
			expires: time.Date(2025, 6, 11, 20, 36, 17, 0, time.UTC),
			flags:   flags{d2: no},
		},
		{
			name:    "secret key keeps supports_2d true",
			body:    success(`{"access_token":"opaque","supports_2d":true,"expires_at":"2025-06-11T23:36:17+03:00"}`),
			key:     tahsilat.KeySecret,
			token:   "opaque",
			expires: time.Date(2025, 6, 11, 20, 36, 17, 0, time.UTC),
			flags:   flags{d2: yes},
		},
		{
			name:    "supports_2d absent is nil",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_3d":true,"supports_white_label":true,"supports_installment":true,"expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			flags:   flags{nil, yes, yes, yes},
		},
		{
			name:    "supports_3d absent is nil",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_2d":true,"supports_white_label":true,"supports_installment":true,"expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			flags:   flags{yes, nil, yes, yes},
		},
		{
			name:    "supports_white_label absent is nil",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_2d":true,"supports_3d":true,"supports_installment":true,"expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			flags:   flags{yes, yes, nil, yes},
		},
		{
			name:    "supports_installment absent is nil",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_2d":true,"supports_3d":true,"supports_white_label":true,"expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			flags:   flags{yes, yes, yes, nil},
		},
		{
			name:    "null flags are nil",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_2d":null,"supports_3d":null,"supports_white_label":null,"supports_installment":null,"expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
		},
		{
			name:    "PHP-style 0/1 and string flags",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_2d":1,"supports_3d":"true","supports_white_label":0,"supports_installment":"false","expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			flags:   flags{yes, yes, no, no},
		},
		{
			name:     "unreadable flag is nil with a warning",
			body:     success(`{"access_token":"Zq9opaqueTok","supports_2d":"maybe","supports_3d":{"x":1},"expires_at":"2025-06-11T23:36:17Z"}`),
			token:    "Zq9opaqueTok",
			expires:  time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
			warnings: 2,
		},
		{
			name:    "offset -05:00",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":"2025-06-11T23:36:17-05:00"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 12, 4, 36, 17, 0, time.UTC),
		},
		{
			name:    "offset Z",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
		},
		{
			name:    "fractional seconds and +05:30",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":"2025-06-11T23:36:17.250+05:30"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 18, 6, 17, 250e6, time.UTC),
		},
		{
			name:    "missing expires_at falls back to receipt + 10 min",
			body:    success(`{"access_token":"Zq9opaqueTok","supports_3d":true}`),
			token:   "Zq9opaqueTok",
			expires: receivedUTC.Add(10 * time.Minute),
			flags:   flags{d3: yes},
		},
		{
			name:    "null expires_at falls back silently",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":null}`),
			token:   "Zq9opaqueTok",
			expires: receivedUTC.Add(10 * time.Minute),
		},
		{
			name:    "empty expires_at falls back silently",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":""}`),
			token:   "Zq9opaqueTok",
			expires: receivedUTC.Add(10 * time.Minute),
		},
		{
			name:     "unparsable expires_at falls back with a warning",
			body:     success(`{"access_token":"Zq9opaqueTok","expires_at":"11.06.2025 23:36"}`),
			token:    "Zq9opaqueTok",
			expires:  receivedUTC.Add(10 * time.Minute),
			warnings: 1,
		},
		{
			name:     "expires_at without zone falls back with a warning",
			body:     success(`{"access_token":"Zq9opaqueTok","expires_at":"2025-06-11 23:36:17"}`),
			token:    "Zq9opaqueTok",
			expires:  receivedUTC.Add(10 * time.Minute),
			warnings: 1,
		},
		{
			name:     "numeric expires_at falls back with a warning",
			body:     success(`{"access_token":"Zq9opaqueTok","expires_at":1749674177}`),
			token:    "Zq9opaqueTok",
			expires:  receivedUTC.Add(10 * time.Minute),
			warnings: 1,
		},
		{
			name: "JWT token: iat is the issue time, exp the fallback expiry",
			// {"alg":"HS256","typ":"JWT"}.{"iat":1749673577,"exp":1749674177}.sig
			body:    success(`{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NDk2NzM1NzcsImV4cCI6MTc0OTY3NDE3N30.c2ln"}`),
			token:   "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NDk2NzM1NzcsImV4cCI6MTc0OTY3NDE3N30.c2ln",
			expires: time.Unix(1749674177, 0).UTC(),
			issued:  time.Unix(1749673577, 0).UTC(),
		},
		{
			name:    "HTTP 201 is a success too",
			body:    success(`{"access_token":"Zq9opaqueTok","expires_at":"2025-06-11T23:36:17Z"}`),
			token:   "Zq9opaqueTok",
			expires: time.Date(2025, 6, 11, 23, 36, 17, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := http.StatusOK
			if strings.HasPrefix(tt.name, "HTTP 201") {
				status = http.StatusCreated
			}
			tok, err := tahsilat.Parse(response(status, tt.body), received, tt.key)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.AccessToken != tt.token {
				t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.token)
			}
			if !tok.ExpiresAt.Equal(tt.expires) || tok.ExpiresAt.Location() != time.UTC {
				t.Errorf("ExpiresAt = %v, want %v in UTC", tok.ExpiresAt, tt.expires)
			}
			wantIssued := tt.issued
			if wantIssued.IsZero() {
				wantIssued = receivedUTC
			}
			if !tok.IssuedAt.Equal(wantIssued) || tok.IssuedAt.Location() != time.UTC {
				t.Errorf("IssuedAt = %v, want %v in UTC", tok.IssuedAt, wantIssued)
			}
			got := capsOf(tok)
			for _, f := range []struct {
				name      string
				got, want *bool
			}{
				{"supports_2d", got.d2, tt.flags.d2},
				{"supports_3d", got.d3, tt.flags.d3},
				{"supports_white_label", got.wl, tt.flags.wl},
				{"supports_installment", got.inst, tt.flags.inst},
			} {
				if !sameFlag(f.got, f.want) {
					t.Errorf("%s = %s, want %s", f.name, boolText(f.got), boolText(f.want))
				}
			}
			if tok.Capabilities.SupportsBranded != nil || tok.Capabilities.Requires3DChoice != nil {
				t.Errorf("supports_branded/requires_3d_choice = %s/%s, want nil/nil",
					boolText(tok.Capabilities.SupportsBranded), boolText(tok.Capabilities.Requires3DChoice))
			}
			if tok.Scopes != nil {
				t.Errorf("Scopes = %v, want nil", tok.Scopes)
			}
			if len(tok.Warnings) != tt.warnings {
				t.Errorf("Warnings = %q, want %d", tok.Warnings, tt.warnings)
			}
			for _, w := range tok.Warnings {
				if strings.Contains(w, tt.token) {
					t.Errorf("warning %q quotes the token", w)
				}
			}
		})
	}
}

func TestParseFailure(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    clients.ErrorKind
		code    string
		message string
		// secret must not appear in the error string.
		secret string
	}{
		{
			name:    "invalid key, 401 envelope",
			status:  http.StatusUnauthorized,
			body:    `{"status":false,"message":"Geçersiz API anahtarı.","errors":[],"error_code":"invalid_api_key"}`,
			kind:    clients.KindRejected,
			code:    "invalid_api_key",
			message: "Geçersiz API anahtarı.",
		},
		{
			name:    "status false at HTTP 200 is a refusal",
			status:  http.StatusOK,
			body:    `{"status":false,"message":"Hesabınız askıya alınmış.","errors":[],"error_code":"account_suspended"}`,
			kind:    clients.KindRejected,
			code:    "account_suspended",
			message: "Hesabınız askıya alınmış.",
		},
		{
			name:    "null error_code is empty",
			status:  http.StatusForbidden,
			body:    `{"status":false,"message":"Yetkisiz işlem.","errors":[],"error_code":null}`,
			kind:    clients.KindRejected,
			message: "Yetkisiz işlem.",
		},
		{
			name:    "numeric error_code",
			status:  http.StatusBadRequest,
			body:    `{"status":false,"message":"Hatalı istek.","errors":[],"error_code":1001}`,
			kind:    clients.KindRejected,
			code:    "1001",
			message: "Hatalı istek.",
		},
		{
			name:    "validation errors, array form",
			status:  http.StatusBadRequest,
			body:    `{"status":false,"message":"Doğrulama hatası.","errors":["Authorization başlığı zorunludur.","Accept-Language desteklenmiyor."],"error_code":"validation_error"}`,
			kind:    clients.KindRejected,
			code:    "validation_error",
			message: "Doğrulama hatası. (Authorization başlığı zorunludur.; Accept-Language desteklenmiyor.)",
		},
		{
			name:   "validation errors, object form, keys sorted",
			status: http.StatusUnprocessableEntity,
			body: `{"status":false,"message":"Gönderilen veriler doğrulanamadı.","errors":{"public_key":["Public key geçersiz."],` +
				`"merchant":["Üye işyeri bulunamadı.","Üye işyeri pasif."]},"error_code":"validation_error"}`,
			kind: clients.KindRejected,
			code: "validation_error",
			message: "Gönderilen veriler doğrulanamadı. (merchant: Üye işyeri bulunamadı.; merchant: Üye işyeri pasif.; " +
				"public_key: Public key geçersiz.)",
		},
		{
			name:    "validation errors without a message",
			status:  http.StatusUnprocessableEntity,
			body:    `{"status":false,"errors":{"key":"Anahtar zorunludur."},"error_code":null}`,
			kind:    clients.KindRejected,
			message: "key: Anahtar zorunludur.",
		},
		{
			name:    "array entries that are field maps",
			status:  http.StatusBadRequest,
			body:    `{"status":false,"message":"Hata.","errors":[{"b":["ikinci"],"a":["birinci"]},"serbest"],"error_code":"x"}`,
			kind:    clients.KindRejected,
			code:    "x",
			message: "Hata. (a: birinci; b: ikinci; serbest)",
		},
		{
			name:    "control characters are flattened",
			status:  http.StatusBadRequest,
			body:    `{"status":false,"message":"satır bir\nsatır\tiki","errors":[],"error_code":"x"}`,
			kind:    clients.KindRejected,
			code:    "x",
			message: "satır bir satır iki",
		},
		{
			name:    "rate limit envelope after retries",
			status:  http.StatusTooManyRequests,
			body:    `{"status":false,"message":"Too Many Attempts.","errors":[],"error_code":"rate_limit"}`,
			kind:    clients.KindRejected,
			code:    "rate_limit",
			message: "Too Many Attempts.",
		},
		{
			name:   "failure body carrying a token quotes nothing",
			status: http.StatusOK,
			body:   `{"status":false,"message":"leaked-token-value","errors":["leaked-token-value"],"error_code":"leaked-token-value","data":{"access_token":"leaked-token-value"}}`,
			kind:   clients.KindRejected,
			secret: "leaked-token-value",
		},
		{
			name:   "failure body whose token is hidden by a duplicate data key quotes nothing",
			status: http.StatusOK,
			body:   `{"status":false,"message":"m","data":{"access_token":"x"},"data":{}}`,
			kind:   clients.KindRejected,
		},
		{
			name:   "HTML error page is an HTTP status error",
			status: http.StatusBadGateway,
			body:   "<html><body><h1>502 Bad Gateway</h1></body></html>",
			kind:   clients.KindHTTPStatus,
		},
		{
			name:   "non-envelope JSON at 500 is an HTTP status error",
			status: http.StatusInternalServerError,
			body:   `{"message":"Server Error"}`,
			kind:   clients.KindHTTPStatus,
		},
		{
			name:   "non-JSON 200 is malformed",
			status: http.StatusOK,
			body:   "<!DOCTYPE html><html><body>Bakım çalışması</body></html>",
			kind:   clients.KindMalformed,
		},
		{
			name:   "empty 200 is malformed",
			status: http.StatusOK,
			body:   "",
			kind:   clients.KindMalformed,
		},
		{
			name:   "JSON array 200 is malformed",
			status: http.StatusOK,
			body:   `[{"status":true}]`,
			kind:   clients.KindMalformed,
		},
		{
			name:   "string status is not an envelope",
			status: http.StatusOK,
			body:   `{"status":"true","data":{"access_token":"string-status-token"}}`,
			kind:   clients.KindMalformed,
			secret: "string-status-token",
		},
		{
			name:   "truncated JSON is malformed",
			status: http.StatusOK,
			body:   `{"status":true,"data":{"access_token":"tok_9f3aQ`,
			kind:   clients.KindMalformed,
			secret: "tok_9f3aQ",
		},
		{
			name:   "success body with an HTTP error status",
			status: http.StatusInternalServerError,
			body:   success(`{"access_token":"error-status-token"}`),
			kind:   clients.KindHTTPStatus,
			secret: "error-status-token",
		},
		{
			name:   "status true without data",
			status: http.StatusOK,
			body:   `{"status":true,"message":"Token başarıyla oluşturuldu.","errors":[],"error_code":null}`,
			kind:   clients.KindNoToken,
		},
		{
			name:   "status true with PHP empty-array data",
			status: http.StatusOK,
			body:   success(`[]`),
			kind:   clients.KindNoToken,
		},
		{
			name:   "status true without access_token",
			status: http.StatusOK,
			body:   success(`{"supports_3d":true,"expires_at":"2025-06-11T23:36:17+03:00"}`),
			kind:   clients.KindNoToken,
		},
		{
			name:   "empty access_token",
			status: http.StatusOK,
			body:   success(`{"access_token":"  "}`),
			kind:   clients.KindNoToken,
		},
		{
			name:   "null access_token",
			status: http.StatusOK,
			body:   success(`{"access_token":null}`),
			kind:   clients.KindNoToken,
		},
		{
			name:   "numeric access_token is malformed",
			status: http.StatusOK,
			body:   success(`{"access_token":12345678901234567890}`),
			kind:   clients.KindMalformed,
			secret: "12345678901234567890",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := tahsilat.Parse(response(tt.status, tt.body), received, tahsilat.KeySecret)
			if err == nil {
				t.Fatalf("Parse = %v, want an error", tok)
			}
			e, ok := clients.AsError(err)
			if !ok {
				t.Fatalf("error %T %v, want *clients.Error", err, err)
			}
			if e.Kind != tt.kind || e.Code != tt.code || e.Message != tt.message {
				t.Errorf("got kind %v code %q message %q, want %v %q %q", e.Kind, e.Code, e.Message, tt.kind, tt.code, tt.message)
			}
			if e.Gateway != "tahsilat" || e.StatusCode != tt.status || e.Attempts != 1 {
				t.Errorf("got gateway %q status %d attempts %d", e.Gateway, e.StatusCode, e.Attempts)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q quotes %q from the body", err, tt.secret)
			}
		})
	}
}

func TestParseLimitsMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"status":false,"message":"` + strings.Repeat("ş", 1000) + `","errors":{`)
	for i := range 30 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"f` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":["hata"]`)
	}
	b.WriteString(`},"error_code":"` + strings.Repeat("c", 200) + `"}`)
	_, err := tahsilat.Parse(response(http.StatusUnprocessableEntity, b.String()), received, tahsilat.KeySecret)
	e, ok := clients.AsError(err)
	if !ok {
		t.Fatalf("error %v, want *clients.Error", err)
	}
	if n := len([]rune(e.Message)); n > 1000 {
		t.Errorf("message has %d runes, want it capped", n)
	}
	if !strings.Contains(e.Message, "and 20 more") {
		t.Errorf("message %q does not say how many details were left out", e.Message)
	}
	if n := len([]rune(e.Code)); n > 70 {
		t.Errorf("code has %d runes, want it capped", n)
	}
}

// TestParseFailureQuotesNoToken checks that a failure body carrying a
// token, under any key ending in "token", is never quoted, and that a
// message merely ending in the word token still is.
func TestParseFailureQuotesNoToken(t *testing.T) {
	clientstest.CheckTokenBodies(t, "tahsilat", "", func(status int, body []byte) (*clients.Token, error) {
		return tahsilat.Parse(response(status, string(body)), received, tahsilat.KeySecret)
	})
	for _, tt := range []struct{ name, body, code, message string }{
		{"a message ending in token", `{"status":false,"message":"invalid session token","errors":[],"error_code":"x"}`, "x", "invalid session token"},
		{"a validation detail ending in token", `{"status":false,"message":"Hata.","errors":{"key":["invalid session token"]},"error_code":"x"}`, "x", "Hata. (key: invalid session token)"},
		{"a token that is null", `{"status":false,"message":"no token","error_code":"x","data":{"access_token":null,"token":null}}`, "x", "no token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tahsilat.Parse(response(http.StatusUnauthorized, tt.body), received, tahsilat.KeySecret)
			if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindRejected || e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Parse = %v; want a rejection with code %q quoting %q", err, tt.code, tt.message)
			}
		})
	}
}
