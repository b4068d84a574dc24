package paynkolaysim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paynkolaysim"
)

// now is the emulator's fake clock, with a fraction of a second that JWT
// times drop.
var now = time.Date(2026, 2, 9, 11, 0, 0, 250_000_000, time.UTC)

func start(t *testing.T, opts ...paynkolaysim.Option) (*paynkolaysim.Server, *httptest.Server) {
	t.Helper()
	sim := paynkolaysim.New(append([]paynkolaysim.Option{paynkolaysim.WithClock(func() time.Time { return now })}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, srv *httptest.Server, method, path, contentType, body string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

// login posts credentials as the client does.
func login(t *testing.T, srv *httptest.Server, username, password, merchantNo string) reply {
	t.Helper()
	body, err := json.Marshal(map[string]string{"username": username, "password": password, "merchantNo": merchantNo})
	if err != nil {
		t.Fatal(err)
	}
	return send(t, srv, http.MethodPost, paynkolaysim.TokenPath, "application/json", string(body))
}

// TestIssue gets a token with each built-in merchant: the page's envelope
// around an HS512 JWT, signed with SigningKey, dated by the clock.
func TestIssue(t *testing.T) {
	sim, srv := start(t)
	iat := now.Truncate(time.Second)
	for i, m := range paynkolaysim.Fixtures() {
		t.Run(m.Label, func(t *testing.T) {
			r := login(t, srv, m.Username, m.Password, m.MerchantNo)
			issued := sim.Issued()
			if len(issued) != i+1 {
				t.Fatalf("the ledger holds %d tokens, want %d", len(issued), i+1)
			}
			token := issued[i]
			want := `{"success":true,"responseCode":"200","responseMessage":"SUCCESS","data":{"token":"` + token + `"}}`
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || string(r.body) != want {
				t.Errorf("HTTP %d %q %s, want 200 application/json %s", r.status, r.header.Get("Content-Type"), r.body, want)
			}
			claims := jwt.MapClaims{}
			parsed, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return paynkolaysim.SigningKey(), nil },
				jwt.WithValidMethods([]string{"HS512"}), jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithIssuedAt())
			if err != nil || !parsed.Valid {
				t.Fatalf("the token is not an HS512 JWT signed with SigningKey: %v", err)
			}
			if claims["sub"] != m.Username || claims["iat"] != float64(iat.Unix()) || claims["jti"] == "" {
				t.Errorf("claims %v, want sub %q, iat %d and a jti", claims, m.Username, iat.Unix())
			}
			exp, hasExp := claims["exp"]
			switch {
			case m.OmitExp && hasExp:
				t.Errorf("exp %v, want none", exp)
			case !m.OmitExp && exp != float64(iat.Add(paynkolaysim.Lifetime).Unix()):
				t.Errorf("exp %v, want iat + 30 min = %d", exp, iat.Add(paynkolaysim.Lifetime).Unix())
			}
		})
	}
	if calls := sim.Faults().Calls(); calls != int64(len(paynkolaysim.Fixtures())) {
		t.Errorf("counted %d calls, want %d", calls, len(paynkolaysim.Fixtures()))
	}
}

// TestTokensDiffer: tokens issued in the same second to the same merchant
// are still distinct, as every call must get its own.
func TestTokensDiffer(t *testing.T) {
	sim, srv := start(t)
	for range 3 {
		login(t, srv, paynkolaysim.Username, paynkolaysim.Password, paynkolaysim.MerchantNo)
	}
	issued := sim.Issued()
	if len(issued) != 3 || issued[0] == issued[1] || issued[1] == issued[2] || issued[0] == issued[2] {
		t.Errorf("issued %d tokens, not all distinct", len(issued))
	}
}

// TestRefusals covers every answer but a token: the envelope with data
// null, its responseCode the HTTP status, and nothing issued.
func TestRefusals(t *testing.T) {
	second := paynkolaysim.Fixtures()[1]
	const ctJSON = "application/json"
	tests := []struct {
		name                string
		method, path, ctype string
		body                string
		status              int
		message             string
	}{
		{"wrong password", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"sandbox-paynkolay-marketplace","password":"wrong","merchantNo":"400000904"}`, 401, paynkolaysim.MessageInvalidCredentials},
		{"unknown user", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"nobody","password":"sandbox-paynkolay-password-marketplace","merchantNo":"400000904"}`, 401, paynkolaysim.MessageInvalidCredentials},
		{"another merchant's number", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"sandbox-paynkolay-marketplace","password":"sandbox-paynkolay-password-marketplace","merchantNo":"` + second.MerchantNo + `"}`,
			401, paynkolaysim.MessageInvalidCredentials},
		{"no merchantNo", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"sandbox-paynkolay-marketplace","password":"sandbox-paynkolay-password-marketplace"}`, 400, paynkolaysim.MessageMissingField},
		{"empty password", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"sandbox-paynkolay-marketplace","password":"","merchantNo":"400000904"}`, 400, paynkolaysim.MessageMissingField},
		{"merchantNo a number", "POST", paynkolaysim.TokenPath, ctJSON,
			`{"username":"sandbox-paynkolay-marketplace","password":"sandbox-paynkolay-password-marketplace","merchantNo":400000904}`, 400, paynkolaysim.MessageMissingField},
		{"no body", "POST", paynkolaysim.TokenPath, ctJSON, ``, 400, paynkolaysim.MessageNotJSON},
		{"not JSON", "POST", paynkolaysim.TokenPath, ctJSON, `username=a&password=b`, 400, paynkolaysim.MessageNotJSON},
		{"a JSON array", "POST", paynkolaysim.TokenPath, ctJSON, `[]`, 400, paynkolaysim.MessageNotJSON},
		{"JSON null", "POST", paynkolaysim.TokenPath, ctJSON, `null`, 400, paynkolaysim.MessageNotJSON},
		{"not sent as JSON", "POST", paynkolaysim.TokenPath, "text/plain",
			`{"username":"sandbox-paynkolay-marketplace","password":"sandbox-paynkolay-password-marketplace","merchantNo":"400000904"}`, 400, paynkolaysim.MessageNotJSON},
		{"GET", "GET", paynkolaysim.TokenPath, "", ``, 405, paynkolaysim.MessageMethod},
		{"another path", "POST", "/marketplace/v1/token", ctJSON, `{}`, 404, paynkolaysim.MessageNotFound},
		{"the base path alone", "POST", "/", ctJSON, `{}`, 404, paynkolaysim.MessageNotFound},
	}
	sim, srv := start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv, tt.method, tt.path, tt.ctype, tt.body)
			want := refusal(t, tt.status, tt.message)
			if r.status != tt.status || r.header.Get("Content-Type") != ctJSON || string(r.body) != want {
				t.Errorf("HTTP %d %q %s, want %d %s %s", r.status, r.header.Get("Content-Type"), r.body, tt.status, ctJSON, want)
			}
			if tt.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", r.header.Get("Allow"))
			}
		})
	}
	if n := len(sim.Issued()); n != 0 {
		t.Errorf("issued %d tokens to refused calls", n)
	}
}

// refusal is the emulator's failure envelope.
func refusal(t *testing.T, status int, message string) string {
	t.Helper()
	quoted, err := json.Marshal(message)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"success":false,"responseCode":"%d","responseMessage":%s,"data":null}`, status, quoted)
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses credentials it does not know.
func TestRefusalIsTheRealOne(t *testing.T) {
	sim, srv := start(t)
	refused := login(t, srv, paynkolaysim.Username, "wrong-password", paynkolaysim.MerchantNo)
	f := sim.Refusal(paynkolaysim.MessageInvalidCredentials)
	f.Times = 1
	sim.Faults().Inject(f)
	got := login(t, srv, paynkolaysim.Username, paynkolaysim.Password, paynkolaysim.MerchantNo)
	if got.status != refused.status || !bytes.Equal(got.body, refused.body) || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
		t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.body,
			refused.status, refused.header.Get("Content-Type"), refused.body)
	}
	var object map[string]any
	if err := json.Unmarshal(got.body, &object); err != nil {
		t.Errorf("the refusal's body is not a JSON object: %v", err)
	}
	if n := len(sim.Issued()); n != 0 {
		t.Errorf("issued %d tokens", n)
	}
}

// TestWithMerchant adds a merchant and replaces a built-in one: the
// replaced password stops working, and Credentials follow.
func TestWithMerchant(t *testing.T) {
	added := paynkolaysim.Merchant{Username: "sandbox-paynkolay-added", Password: "sandbox-paynkolay-password-added", MerchantNo: "400000999", OmitExp: true}
	replaced := paynkolaysim.Merchant{Label: "documented, new password", Username: paynkolaysim.Username,
		Password: "sandbox-paynkolay-password-rotated", MerchantNo: paynkolaysim.MerchantNo}
	sim, srv := start(t, paynkolaysim.WithMerchant(added), paynkolaysim.WithMerchant(replaced))
	for _, c := range []struct {
		name                           string
		username, password, merchantNo string
		status                         int
	}{
		{"added", added.Username, added.Password, added.MerchantNo, 200},
		{"replaced, new password", replaced.Username, replaced.Password, replaced.MerchantNo, 200},
		{"replaced, old password", paynkolaysim.Username, paynkolaysim.Password, paynkolaysim.MerchantNo, 401},
	} {
		if r := login(t, srv, c.username, c.password, c.merchantNo); r.status != c.status {
			t.Errorf("%s: HTTP %d, want %d", c.name, r.status, c.status)
		}
	}
	creds := sim.Credentials()
	if len(creds) != len(paynkolaysim.Fixtures())+1 {
		t.Fatalf("%d credentials, want the fixtures and the added one", len(creds))
	}
	if first := creds[0]; first.Label != replaced.Label || first.Settings["password"] != replaced.Password {
		t.Errorf("first credential %q, want the replaced documented merchant in its place", first.Label)
	}
	last := creds[len(creds)-1]
	want := map[string]string{"username": added.Username, "password": added.Password, "merchant_no": added.MerchantNo}
	if last.Label != "merchantNo 400000999" || last.Note == "" || len(last.Settings) != 3 || len(last.Args) != 0 {
		t.Errorf("added credential %+v, want a label from its merchantNo, a note and three settings", last)
	}
	for k, v := range want {
		if last.Settings[k] != v {
			t.Errorf("setting %s of the added merchant is not its own", k)
		}
	}
}

// TestCredentials: the documented merchant comes first, every fixture is
// described and needs the password, the one sensitive setting.
func TestCredentials(t *testing.T) {
	creds := paynkolaysim.New().Credentials()
	if len(creds) == 0 || creds[0].Settings["merchant_no"] != paynkolaysim.MerchantNo {
		t.Fatalf("credentials %v, want the documented merchant first", creds)
	}
	for _, c := range creds {
		if c.Label == "" || !strings.HasSuffix(c.Note, ".") || c.Settings["password"] == "" || c.Settings["username"] == "" || c.Settings["merchant_no"] == "" {
			t.Errorf("credential %q: want a label, a note and all three settings", c.Label)
		}
		if !strings.HasPrefix(c.Settings["username"], "sandbox-paynkolay-") || !strings.HasPrefix(c.Settings["password"], "sandbox-paynkolay-password-") {
			t.Errorf("credential %q does not look fake", c.Label)
		}
	}
}
