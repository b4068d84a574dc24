package hepsipaysim_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/hepsipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// now is the emulator's fake clock, with a fraction of a second the Date
// header and the JWTs must drop.
var now = time.Date(2025, 6, 11, 20, 26, 15, 250e6, time.UTC)

func clock() time.Time { return now }

// dateHeader is now as HTTP writes it.
const dateHeader = "Wed, 11 Jun 2025 20:26:15 GMT"

func start(t *testing.T, opts ...hepsipaysim.Option) (*hepsipaysim.Server, string) {
	t.Helper()
	sim := hepsipaysim.New(append([]hepsipaysim.Option{hepsipaysim.WithClock(clock)}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// basic is an Authorization header written out by hand, as RFC 7617 says,
// so the emulator is checked against the scheme rather than net/http.
func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// form is the headers of a token request with the given Authorization.
func form(authorization string) http.Header {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	return h
}

type answer struct {
	status int
	header http.Header
	body   string
}

// fields decodes a JSON answer into its fields, kept raw.
func (a answer) fields(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a.body), &m); err != nil {
		t.Fatalf("the answer is not a JSON object: %v: %s", err, a.body)
	}
	return m
}

func call(t *testing.T, method, url string, header http.Header, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func TestIssue(t *testing.T) {
	tests := []struct {
		apiKey, secretKey string
		// want is the answer's fields other than access_token, raw.
		want map[string]string
		alg  string // "" for an opaque token
		life time.Duration
	}{
		{hepsipaysim.APIKey, hepsipaysim.SecretKey,
			map[string]string{"token_type": `"bearer"`, "expires_in": `43199`}, "", 0},
		{hepsipaysim.APIKeyScoped, hepsipaysim.SecretKeyScoped,
			map[string]string{"token_type": `"bearer"`, "expires_in": `43199`, "scope": `"payment installment"`}, "HS256", 43199 * time.Second},
		{hepsipaysim.APIKeyJWTExpiry, hepsipaysim.SecretKeyJWTExpiry,
			map[string]string{"token_type": `"bearer"`}, "RS256", 90 * time.Minute},
		{hepsipaysim.APIKeyBearer, hepsipaysim.SecretKeyBearer,
			map[string]string{"token_type": `"Bearer"`, "expires_in": `"3599"`}, "", 0},
		{hepsipaysim.APIKeyNoExpiresIn, hepsipaysim.SecretKeyNoExpiresIn,
			map[string]string{"token_type": `"bearer"`}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.apiKey, func(t *testing.T) {
			sim, url := start(t)
			a := call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(tt.apiKey, tt.secretKey)), hepsipay.GrantBody)
			if a.status != http.StatusOK {
				t.Fatalf("HTTP %d %s, want 200", a.status, a.body)
			}
			checkHeaders(t, a)
			fields := a.fields(t)
			var token string
			if err := json.Unmarshal(fields["access_token"], &token); err != nil || token == "" {
				t.Fatalf("access_token %s is not a string with something in it", fields["access_token"])
			}
			delete(fields, "access_token")
			got := map[string]string{}
			for k, v := range fields {
				got[k] = string(v)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
			if issued := sim.Issued(); len(issued) != 1 || issued[0] != token {
				t.Errorf("the ledger does not hold exactly the issued token")
			}
			checkToken(t, token, tt.alg, tt.life, strings.Trim(tt.want["scope"], `"`))
		})
	}
}

// checkHeaders checks what RFC 6749 asks of every JSON answer, and the
// Date from the emulator's clock.
func checkHeaders(t *testing.T, a answer) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Type": "application/json;charset=UTF-8", "Cache-Control": "no-store", "Pragma": "no-cache", "Date": dateHeader,
	} {
		if got := a.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// checkToken checks an issued token: opaque when alg is "", else a JWT of
// that algorithm whose iat is the clock and exp life later, with scope as
// its scope claim ("" for none). RS256 signatures are verified.
func checkToken(t *testing.T, token, alg string, life time.Duration, scope string) {
	t.Helper()
	if alg == "" {
		if strings.Contains(token, ".") || len(token) < 20 {
			t.Errorf("token %q is not a long opaque token", token)
		}
		return
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithTimeFunc(clock), jwt.WithValidMethods([]string{alg}), jwt.WithIssuedAt())
	var parsed *jwt.Token
	var err error
	if alg == "RS256" {
		parsed, err = parser.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return hepsipaysim.PublicKey(), nil })
	} else {
		parsed, _, err = parser.ParseUnverified(token, claims)
	}
	if err != nil || parsed.Method.Alg() != alg {
		t.Fatalf("token is not a valid %s JWT: %v", alg, err)
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	second := now.Truncate(time.Second)
	if iat == nil || exp == nil || !iat.Equal(second) || !exp.Equal(second.Add(life)) {
		t.Errorf("iat %v exp %v, want %v and %v", iat, exp, second, second.Add(life))
	}
	if got, _ := claims["scope"].(string); got != scope {
		t.Errorf("scope claim %v, want %q", claims["scope"], scope)
	}
}

func TestTokensDiffer(t *testing.T) {
	sim, url := start(t)
	for _, key := range [][2]string{{hepsipaysim.APIKey, hepsipaysim.SecretKey}, {hepsipaysim.APIKeyScoped, hepsipaysim.SecretKeyScoped},
		{hepsipaysim.APIKeyJWTExpiry, hepsipaysim.SecretKeyJWTExpiry}} {
		for range 3 {
			call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(key[0], key[1])), hepsipay.GrantBody)
		}
	}
	issued := sim.Issued()
	if len(issued) != 9 || len(slices.Compact(slices.Sorted(slices.Values(issued)))) != 9 {
		t.Errorf("issued %d tokens, %d distinct; want 9 distinct although the clock stands still", len(issued), len(slices.Compact(slices.Sorted(slices.Values(issued)))))
	}
}

func TestRefusals(t *testing.T) {
	good := basic(hepsipaysim.APIKey, hepsipaysim.SecretKey)
	tests := []struct {
		name        string
		header      http.Header
		path, body  string
		status      int
		code, descr string
	}{
		{name: "no Authorization", header: form(""), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "a Bearer Authorization", header: form("Bearer " + hepsipaysim.SecretKey), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "Basic credentials that are not base64", header: form("Basic !!!"), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "an unknown API key", header: form(basic("sandbox-hepsipay-unknown", hepsipaysim.SecretKey)), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "a wrong secret key", header: form(basic(hepsipaysim.APIKey, "wrong-"+hepsipaysim.SecretKey)), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "another merchant's secret key", header: form(basic(hepsipaysim.APIKey, hepsipaysim.SecretKeyScoped)), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "the keys swapped", header: form(basic(hepsipaysim.SecretKey, hepsipaysim.APIKey)), body: hepsipay.GrantBody,
			status: 401, code: "invalid_client", descr: hepsipaysim.MessageInvalidClient},
		{name: "a JSON body", header: http.Header{"Authorization": {good}, "Content-Type": {"application/json"}}, body: `{"grant_type":"password"}`,
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageContentType},
		{name: "no Content-Type", header: http.Header{"Authorization": {good}}, body: hepsipay.GrantBody,
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageContentType},
		{name: "no grant_type", header: form(good), body: "",
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageGrantMissing},
		{name: "grant_type in the query alone", header: form(good), path: "?grant_type=password", body: "",
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageGrantMissing},
		{name: "grant_type twice", header: form(good), body: "grant_type=password&grant_type=password",
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageGrantRepeated},
		{name: "a form that does not parse", header: form(good), body: "grant_type=%zz",
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageUnreadableForm},
		{name: "a body over 64 KiB", header: form(good), body: hepsipay.GrantBody + "&pad=" + strings.Repeat("x", 64<<10),
			status: 400, code: "invalid_request", descr: hepsipaysim.MessageUnreadableForm},
		{name: "client_credentials", header: form(good), body: "grant_type=client_credentials",
			status: 400, code: "unsupported_grant_type", descr: hepsipaysim.MessageGrantUnsupported},
		{name: "Password in capitals", header: form(good), body: "grant_type=Password",
			status: 400, code: "unsupported_grant_type", descr: hepsipaysim.MessageGrantUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, url := start(t)
			a := call(t, http.MethodPost, url+hepsipaysim.TokenPath+tt.path, tt.header, tt.body)
			want, _ := json.Marshal(map[string]string{"error": tt.code, "error_description": tt.descr})
			if a.status != tt.status || a.body != string(want) {
				t.Errorf("HTTP %d %s, want %d %s", a.status, a.body, tt.status, want)
			}
			checkHeaders(t, a)
			if challenge := a.header.Get("WWW-Authenticate"); (tt.status == 401) != (challenge == `Basic realm="hepsipay"`) {
				t.Errorf("WWW-Authenticate = %q at HTTP %d", challenge, a.status)
			}
			if n := len(sim.Issued()); n != 0 {
				t.Errorf("%d tokens issued to a refused request", n)
			}
		})
	}
}

func TestNotServed(t *testing.T) {
	_, url := start(t)
	header := form(basic(hepsipaysim.APIKey, hepsipaysim.SecretKey))
	for _, tt := range []struct {
		name, method, path string
		want               int
	}{
		{"root", http.MethodPost, "/", 404},
		{"the token path with a trailing slash", http.MethodPost, hepsipaysim.TokenPath + "/", 404},
		{"the token path below a prefix", http.MethodPost, "/api" + hepsipaysim.TokenPath, 404},
		{"GET", http.MethodGet, hepsipaysim.TokenPath, 405},
		{"PUT", http.MethodPut, hepsipaysim.TokenPath, 405},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, tt.method, url+tt.path, header, hepsipay.GrantBody)
			if a.status != tt.want || a.body != "" {
				t.Errorf("HTTP %d %q, want %d with no body", a.status, a.body, tt.want)
			}
			if tt.want == 405 && a.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", a.header.Get("Allow"))
			}
		})
	}
}

func TestWithMerchant(t *testing.T) {
	sim, url := start(t,
		hepsipaysim.WithMerchant(hepsipaysim.Merchant{APIKey: "sandbox-hepsipay-bare", SecretKey: "sandbox-hepsipay-secret-bare",
			Token: hepsipaysim.HS256, Lifetime: time.Minute, Scope: "read"}),
		hepsipaysim.WithMerchant(hepsipaysim.Merchant{APIKey: hepsipaysim.APIKey, SecretKey: "sandbox-hepsipay-secret-new",
			TokenType: "mac", ExpiresIn: -5}),
	)
	a := call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic("sandbox-hepsipay-bare", "sandbox-hepsipay-secret-bare")), hepsipay.GrantBody)
	fields := a.fields(t)
	if a.status != 200 || len(fields) != 2 || string(fields["scope"]) != `"read"` {
		t.Fatalf("HTTP %d %s, want access_token and scope alone", a.status, a.body)
	}
	checkToken(t, sim.Issued()[0], "HS256", time.Minute, "read")

	if a := call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(hepsipaysim.APIKey, hepsipaysim.SecretKey)), hepsipay.GrantBody); a.status != 401 {
		t.Errorf("the replaced merchant's secret: HTTP %d, want 401", a.status)
	}
	a = call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(hepsipaysim.APIKey, "sandbox-hepsipay-secret-new")), hepsipay.GrantBody)
	if fields := a.fields(t); a.status != 200 || string(fields["token_type"]) != `"mac"` || string(fields["expires_in"]) != "-5" {
		t.Errorf("HTTP %d %s, want the added merchant's answer", a.status, a.body)
	}
}

func TestFaultsComeFirst(t *testing.T) {
	sim, url := start(t)
	sim.Faults().Inject(simkit.Fault{Kind: simkit.HTMLError, Status: http.StatusBadGateway, Times: 1})
	header := form(basic(hepsipaysim.APIKey, hepsipaysim.SecretKey))
	if a := call(t, http.MethodPost, url+hepsipaysim.TokenPath, header, hepsipay.GrantBody); a.status != http.StatusBadGateway {
		t.Errorf("HTTP %d, want the injected 502", a.status)
	}
	if a := call(t, http.MethodPost, url+hepsipaysim.TokenPath, header, hepsipay.GrantBody); a.status != http.StatusOK {
		t.Errorf("after the fault: HTTP %d", a.status)
	}
	if calls, issued := sim.Faults().Calls(), len(sim.Issued()); calls != 2 || issued != 1 {
		t.Errorf("calls %d issued %d, want 2 and 1", calls, issued)
	}
}

// TestCredentials gets a token with every fixture through the real client,
// dated as its note says.
func TestCredentials(t *testing.T) {
	sim, url := start(t)
	creds := sim.Credentials()
	second := now.Truncate(time.Second)
	wantExpiry := map[string]time.Time{
		"documented":           second.Add(43199 * time.Second),
		"jwt-scoped":           second.Add(43199 * time.Second),
		"jwt-no-expires-in":    second.Add(90 * time.Minute),
		"bearer-capitalised":   second.Add(3599 * time.Second),
		"opaque-no-expires-in": now.Add(time.Hour),
	}
	if len(creds) != len(wantExpiry) || creds[0].Settings["api_key"] != hepsipaysim.APIKey {
		t.Fatalf("%d credentials, the first %q; want %d, the documented merchant first", len(creds), creds[0].Settings["api_key"], len(wantExpiry))
	}
	for _, c := range creds {
		t.Run(c.Label, func(t *testing.T) {
			if c.Note == "" || !strings.HasSuffix(c.Note, ".") || len(c.Settings) != 2 || c.Args != nil {
				t.Errorf("credential %q: want a note and the two keys alone", c.Label)
			}
			if !strings.HasPrefix(c.Settings["api_key"], "sandbox-hepsipay-") || !strings.HasPrefix(c.Settings["secret_key"], "sandbox-hepsipay-secret-") {
				t.Errorf("credential %q does not look like a sandbox fixture", c.Label)
			}
			gw, err := hepsipay.New(clients.Config{Settings: c.Settings, BaseURL: url, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := gw.Token(context.Background(), nil)
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if !slices.Contains(sim.Issued(), tok.AccessToken) || !tok.IssuedAt.Equal(second) || !tok.ExpiresAt.Equal(wantExpiry[c.Label]) {
				t.Errorf("issued %v expires %v, want a token of the emulator's issued at %v, expiring at %v",
					tok.IssuedAt, tok.ExpiresAt, second, wantExpiry[c.Label])
			}
			if wantScopes := c.Label == "jwt-scoped"; wantScopes != slices.Equal(tok.Scopes, []string{"payment", "installment"}) || (!wantScopes && tok.Scopes != nil) {
				t.Errorf("Scopes = %q", tok.Scopes)
			}
		})
	}
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses bad credentials.
func TestRefusalIsTheRealOne(t *testing.T) {
	sim, url := start(t)
	refused := call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(hepsipaysim.APIKey, "wrong")), hepsipay.GrantBody)
	f := sim.Refusal(hepsipaysim.MessageInvalidClient)
	f.Times = 1
	sim.Faults().Inject(f)
	got := call(t, http.MethodPost, url+hepsipaysim.TokenPath, form(basic(hepsipaysim.APIKey, hepsipaysim.SecretKey)), hepsipay.GrantBody)
	if got.status != refused.status || got.body != refused.body || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
		t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.body,
			refused.status, refused.header.Get("Content-Type"), refused.body)
	}
	if !strings.HasPrefix(got.body, "{") {
		t.Errorf("Refusal body %s is not a JSON object", got.body)
	}
}
