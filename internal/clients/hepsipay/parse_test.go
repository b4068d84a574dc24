package hepsipay_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
)

// docBody is the success answer on Hepsipay's "Access Token Alımı" page,
// verbatim.
const docBody = `{"access_token":"XXXXYYYZZZ","token_type":"bearer","expires_in":43199}`

// received is a receipt time in a non-UTC zone, so tests see that Parse
// converts it.
var received = time.Date(2025, 6, 11, 23, 26, 17, 0, time.FixedZone("+03", 3*3600))

// dateHeader is an answer's Date, two seconds before receipt, as a server
// whose clock runs a little behind writes it.
const dateHeader = "Wed, 11 Jun 2025 20:26:15 GMT"

var dated = time.Date(2025, 6, 11, 20, 26, 15, 0, time.UTC)

func response(status int, date, body string) *clients.Response {
	h := http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
	if date != "" {
		h.Set("Date", date)
	}
	return &clients.Response{StatusCode: status, Header: h, Body: []byte(body), ReceivedAt: received, Attempts: 1}
}

// withToken is a success body for token with the given further fields.
func withToken(token, fields string) string {
	if fields != "" {
		fields = "," + fields
	}
	return `{"access_token":"` + token + `","token_type":"bearer"` + fields + `}`
}

func TestParseSuccess(t *testing.T) {
	receipt := received.UTC()
	iat := time.Date(2025, 6, 11, 20, 26, 10, 0, time.UTC)
	exp := iat.Add(90 * time.Minute)
	full := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix()})
	expOnly := clientstest.SignedJWT(t, jwt.MapClaims{"exp": exp.Unix()})
	iatOnly := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix()})

	type successCase struct {
		name, date, body, token string
		want                    clientstest.TokenWant
	}
	tests := []successCase{
		{name: "documented sample: Date + expires_in", date: dateHeader, body: docBody, token: "XXXXYYYZZZ",
			want: clientstest.TokenWant{IssuedAt: dated, ExpiresAt: dated.Add(43199 * time.Second)}},
		{name: "documented sample without Date: receipt + expires_in", body: docBody, token: "XXXXYYYZZZ",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(43199 * time.Second)}},
		{name: "an unreadable Date is receipt", date: "yesterday", body: docBody, token: "XXXXYYYZZZ",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(43199 * time.Second)}},
		{name: "an RFC 850 Date", date: "Wednesday, 11-Jun-25 20:26:15 GMT", body: docBody, token: "XXXXYYYZZZ",
			want: clientstest.TokenWant{IssuedAt: dated, ExpiresAt: dated.Add(43199 * time.Second)}},
		{name: "JWT iat wins over Date; expires_in over exp", date: dateHeader, body: withToken(full, `"expires_in":600`), token: full,
			want: clientstest.TokenWant{IssuedAt: iat, ExpiresAt: iat.Add(10 * time.Minute)}},
		{name: "no expires_in: JWT exp, issued at Date", date: dateHeader, body: withToken(expOnly, ""), token: expOnly,
			want: clientstest.TokenWant{IssuedAt: dated, ExpiresAt: exp}},
		{name: "no expires_in, JWT without exp: receipt + 1h", date: dateHeader, body: withToken(iatOnly, ""), token: iatOnly,
			want: clientstest.TokenWant{IssuedAt: iat, ExpiresAt: receipt.Add(time.Hour)}},
		{name: "no expires_in, opaque: receipt + 1h, not Date + 1h", date: dateHeader, body: withToken("opaque-1", ""), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: dated, ExpiresAt: receipt.Add(time.Hour)}},
		{name: "expires_in null is absent", body: withToken("opaque-1", `"expires_in":null`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Hour)}},
		{name: "expires_in as a string", body: withToken("opaque-1", `"expires_in":"43199"`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(43199 * time.Second)}},
		{name: "expires_in as a padded string", body: withToken("opaque-1", `"expires_in":" 3600 "`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Hour)}},
		{name: "expires_in with a fraction", body: withToken("opaque-1", `"expires_in":59.5`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(59500 * time.Millisecond)}},
		{name: "expires_in with an exponent", body: withToken("opaque-1", `"expires_in":4.32e4`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(12 * time.Hour)}},
		{name: "token_type Bearer", body: `{"access_token":"opaque-1","token_type":"Bearer","expires_in":60}`, token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
		{name: "token_type BEARER", body: `{"access_token":"opaque-1","token_type":"BEARER","expires_in":60}`, token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
		{name: "no token_type", body: `{"access_token":"opaque-1","expires_in":60}`, token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
		{name: "token_type null", body: `{"access_token":"opaque-1","token_type":null,"expires_in":60}`, token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
		{name: "scope split on spaces", body: withToken("opaque-1", `"expires_in":60,"scope":"payment installment"`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute), Scopes: []string{"payment", "installment"}}},
		{name: "scope with runs of spaces and tabs", body: withToken("opaque-1", `"expires_in":60,"scope":"  payment\t installment "`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute), Scopes: []string{"payment", "installment"}}},
		{name: "empty scope is an empty list", body: withToken("opaque-1", `"expires_in":60,"scope":""`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute), Scopes: []string{}}},
		{name: "scope null is unknown", body: withToken("opaque-1", `"expires_in":60,"scope":null`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
		{name: "scope not a string is unknown, with a warning", body: withToken("opaque-1", `"expires_in":60,"scope":["payment"]`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute), Warnings: 1}},
		{name: "an error that is null, empty or not a string is no refusal",
			body: withToken("opaque-1", `"expires_in":60,"error":null,"error":"","error":{"code":1}`), token: "opaque-1",
			want: clientstest.TokenWant{IssuedAt: receipt, ExpiresAt: receipt.Add(time.Minute)}},
	}
	for _, bad := range []string{`0`, `-1`, `""`, `"abc"`, `true`, `{}`, `[60]`, `"NaN"`, `"Infinity"`, `"0x10"`, `"1_000"`, `1e300`, `4e9`} {
		tests = append(tests,
			successCase{name: "expires_in " + bad + ", opaque: receipt + 1h with a warning", date: dateHeader,
				body: withToken("opaque-1", `"expires_in":`+bad), token: "opaque-1",
				want: clientstest.TokenWant{IssuedAt: dated, ExpiresAt: receipt.Add(time.Hour), Warnings: 1}},
			successCase{name: "expires_in " + bad + ", JWT: exp with a warning",
				body: withToken(full, `"expires_in":`+bad), token: full,
				want: clientstest.TokenWant{IssuedAt: iat, ExpiresAt: exp, Warnings: 1}},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := hepsipay.Parse(response(http.StatusOK, tt.date, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.AccessToken != tt.token {
				t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.token)
			}
			clientstest.CheckToken(t, tok, tt.want)
			if tok.Capabilities != (clients.Capabilities{}) {
				t.Errorf("Capabilities = %s, want every flag null", clientstest.Flags(tok.Capabilities))
			}
			for _, w := range tok.Warnings {
				if strings.Contains(w, tt.token) || !strings.HasSuffix(w, ".") {
					t.Errorf("warning %q quotes the token or is not a sentence", w)
				}
			}
		})
	}
}

// secretToken is a token some failures carry; no error may show it.
const secretToken = "tok-HEPSI-7f3a"

func TestParseFailure(t *testing.T) {
	long := strings.Repeat("ç", 400)
	tests := []struct {
		name          string
		status        int
		body          string
		kind          clients.ErrorKind
		code, message string
		says          string // a part of the error's text, for the errors that are not refusals
	}{
		{name: "invalid_grant at 400", status: 400, body: `{"error":"invalid_grant","error_description":"Bad credentials"}`,
			kind: clients.KindRejected, code: "invalid_grant", message: "Bad credentials"},
		{name: "invalid_client at 401", status: 401, body: `{"error":"invalid_client","error_description":"Client authentication failed."}`,
			kind: clients.KindRejected, code: "invalid_client", message: "Client authentication failed."},
		{name: "unauthorized_client", status: 400, body: `{"error":"unauthorized_client","error_description":"The client may not use this grant."}`,
			kind: clients.KindRejected, code: "unauthorized_client", message: "The client may not use this grant."},
		{name: "unsupported_grant_type", status: 400, body: `{"error":"unsupported_grant_type"}`,
			kind: clients.KindRejected, code: "unsupported_grant_type"},
		{name: "error_uri is not shown", status: 400,
			body: `{"error":"invalid_request","error_description":"grant_type is missing","error_uri":"https://developer.hepsipay.com/errors#x"}`,
			kind: clients.KindRejected, code: "invalid_request", message: "grant_type is missing"},
		{name: "an error body at HTTP 200", status: 200, body: `{"error":"invalid_client","error_description":"Unknown client"}`,
			kind: clients.KindRejected, code: "invalid_client", message: "Unknown client"},
		{name: "server_error at 503", status: 503, body: `{"error":"server_error","error_description":"Try again later"}`,
			kind: clients.KindRejected, code: "server_error", message: "Try again later"},
		{name: "a description on many lines is one", status: 400, body: `{"error":" invalid_grant\n","error_description":"Bad\r\n\tcredentials\u0000 "}`,
			kind: clients.KindRejected, code: "invalid_grant", message: "Bad credentials"},
		{name: "a long description is capped", status: 400, body: `{"error":"invalid_grant","error_description":"` + long + `"}`,
			kind: clients.KindRejected, code: "invalid_grant", message: strings.Repeat("ç", 300) + "…"},
		{name: "a long code is capped", status: 400, body: `{"error":"` + strings.Repeat("e", 100) + `"}`,
			kind: clients.KindRejected, code: strings.Repeat("e", 64) + "…"},
		{name: "a description that is not a string", status: 400, body: `{"error":"invalid_grant","error_description":{"tr":"Hatalı"}}`,
			kind: clients.KindRejected, code: "invalid_grant"},
		{name: "an error body that carries a token", status: 400,
			body: `{"error":"invalid_grant","error_description":"` + secretToken + ` expired","access_token":"` + secretToken + `"}`,
			kind: clients.KindRejected},
		{name: "an error body with a refresh token", status: 200,
			body: `{"error":"` + secretToken + `","refresh_token":"` + secretToken + `"}`,
			kind: clients.KindRejected},
		{name: "401 with an empty body", status: 401, body: "", kind: clients.KindRejected},
		{name: "401 with an HTML page", status: 401, body: "<html><body>401 Unauthorized</body></html>", kind: clients.KindRejected},
		{name: "401 with another JSON", status: 401, body: `{"message":"Authorization has been denied for this request."}`, kind: clients.KindRejected},
		{name: "401 with a token", status: 401, body: withToken(secretToken, `"expires_in":60`), kind: clients.KindRejected},
		{name: "HTML 502", status: 502, body: "<html><head><title>502 Bad Gateway</title></head></html>",
			kind: clients.KindHTTPStatus, says: "not valid JSON"},
		{name: "other JSON at 400", status: 400, body: `{"message":"Bad Request","access_token":"` + secretToken + `"}`,
			kind: clients.KindHTTPStatus, says: "no OAuth 2.0 error field"},
		{name: "a blank error at 400", status: 400, body: `{"error":"  ","error_description":"x"}`,
			kind: clients.KindHTTPStatus, says: "no OAuth 2.0 error field"},
		{name: "an error that is not a string at 400", status: 400, body: `{"error":42}`,
			kind: clients.KindHTTPStatus, says: "no OAuth 2.0 error field"},
		{name: "an array of errors at 400", status: 400, body: `[{"error":"invalid_client"}]`,
			kind: clients.KindHTTPStatus, says: "JSON but not an object"},
		{name: "an array at 200", status: 200, body: `["` + secretToken + `"]`, kind: clients.KindMalformed, says: "JSON but not an object"},
		{name: "null at 200", status: 200, body: `null`, kind: clients.KindMalformed, says: "JSON but not an object"},
		{name: "empty body at 200", status: 200, body: "", kind: clients.KindMalformed, says: "empty"},
		{name: "truncated at 200", status: 200, body: `{"access_token":"` + secretToken, kind: clients.KindMalformed, says: "truncated"},
		{name: "no token at 200", status: 200, body: `{"token_type":"bearer","expires_in":43199}`, kind: clients.KindNoToken},
		{name: "null token", status: 200, body: `{"access_token":null}`, kind: clients.KindNoToken},
		{name: "empty token", status: 200, body: `{"access_token":""}`, kind: clients.KindNoToken},
		{name: "blank token", status: 200, body: `{"access_token":" \t "}`, kind: clients.KindNoToken},
		{name: "a token that is not a string", status: 200, body: `{"access_token":73194}`, kind: clients.KindMalformed, says: "not a string"},
		{name: "a token with a line break", status: 200, body: `{"access_token":"` + secretToken + `\n"}`, kind: clients.KindMalformed, says: "control characters"},
		{name: "token_type mac", status: 200, body: `{"access_token":"` + secretToken + `","token_type":"mac","expires_in":60}`,
			kind: clients.KindMalformed, says: `token_type is not "bearer"`},
		{name: "token_type that is the token", status: 200, body: `{"access_token":"` + secretToken + `","token_type":"` + secretToken + `"}`,
			kind: clients.KindMalformed, says: `token_type is not "bearer"`},
		{name: "token_type not a string", status: 200, body: `{"access_token":"` + secretToken + `","token_type":true}`,
			kind: clients.KindMalformed, says: `token_type is not "bearer"`},
		{name: "a token at HTTP 201", status: 201, body: withToken(secretToken, `"expires_in":60`), kind: clients.KindMalformed, says: "HTTP status 201"},
		{name: "no token at HTTP 204", status: 204, body: `{}`, kind: clients.KindMalformed, says: "HTTP status 204"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := hepsipay.Parse(response(tt.status, dateHeader, tt.body), received)
			e, ok := clients.AsError(err)
			if !ok || tok != nil {
				t.Fatalf("Parse = %v, %v; want a *clients.Error", tok, err)
			}
			if e.Kind != tt.kind || e.Code != tt.code || e.Message != tt.message || e.StatusCode != tt.status || e.Gateway != "hepsipay" {
				t.Errorf("got %v HTTP %d code %q message %q; want %v HTTP %d code %q message %q",
					e.Kind, e.StatusCode, e.Code, e.Message, tt.kind, tt.status, tt.code, tt.message)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
			if strings.Contains(err.Error(), secretToken) {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

// TestParseFailureQuotesNoToken runs the shared token-carrying failure
// bodies: none is Hepsipay's, so each must merely quote nothing.
func TestParseFailureQuotesNoToken(t *testing.T) {
	clientstest.CheckTokenBodies(t, "hepsipay", "", func(status int, body []byte) (*clients.Token, error) {
		return hepsipay.Parse(response(status, "", string(body)), received)
	})
}

// TestClassify pins which answers are never retried whatever their
// status, and that the rest are left to it.
func TestClassify(t *testing.T) {
	statuses := []int{200, 400, 401, 429, 503}
	tests := []struct {
		name string
		body string
		// final lists the statuses at which the answer is Final; at the
		// others it is left to the status.
		final []int
	}{
		{"invalid_client", `{"error":"invalid_client","error_description":"x"}`, statuses},
		{"invalid_grant", `{"error":"invalid_grant"}`, statuses},
		{"unauthorized_client", `{"error":"unauthorized_client"}`, statuses},
		{"a final code in capitals", `{"error":"INVALID_CLIENT"}`, statuses},
		{"a final code in a token-carrying body", `{"error":"invalid_grant","access_token":"` + secretToken + `"}`, statuses},
		{"invalid_request", `{"error":"invalid_request"}`, []int{401}},
		{"server_error", `{"error":"server_error"}`, []int{401}},
		{"temporarily_unavailable", `{"error":"temporarily_unavailable"}`, []int{401}},
		{"a code that only starts like a final one", `{"error":"invalid_client_id"}`, []int{401}},
		{"a final code in a list", `{"error":["invalid_client"]}`, []int{401}},
		{"a final code in an array body", `[{"error":"invalid_client"}]`, []int{401}},
		{"success", docBody, []int{401}},
		{"HTML", "<html>502</html>", []int{401}},
		{"empty", "", []int{401}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, status := range statuses {
				want := clients.ByStatus
				for _, s := range tt.final {
					if s == status {
						want = clients.Final
					}
				}
				if got := hepsipay.Classify(status, []byte(tt.body)); got != want {
					t.Errorf("Classify(%d) = %v, want %v", status, got, want)
				}
			}
		})
	}
}
