package tahsilatsim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
)

var now = time.Date(2025, 6, 11, 20, 26, 17, 0, time.UTC)

func clock() time.Time { return now }

func start(t *testing.T, opts ...tahsilatsim.Option) (*tahsilatsim.Server, string) {
	t.Helper()
	sim := tahsilatsim.New(append([]tahsilatsim.Option{tahsilatsim.WithClock(clock)}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

type reply struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, method, url string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func headers(key string) map[string]string {
	return map[string]string{
		"Authorization":   "Bearer " + key,
		"Content-Type":    "application/json",
		"Accept":          "application/json",
		"Accept-Language": "tr",
	}
}

// successBody is the documented success answer with the emulator's values.
func successBody(token, flags, expires string) string {
	return `{"status":true,"message":"Token başarıyla oluşturuldu.","errors":[],"error_code":null,"data":{"access_token":"` +
		token + `",` + flags + `"expires_at":"` + expires + `"}}`
}

func TestIssue(t *testing.T) {
	const expires = "2025-06-11T23:36:17+03:00" // now + 10 min, written in Turkey time
	yes := true
	tests := []struct {
		name  string
		key   string
		flags string
	}{
		{"full merchant, secret key", tahsilatsim.SecretKey,
			`"supports_3d":true,"supports_2d":true,"supports_white_label":true,"supports_installment":true,`},
		{"full merchant, public key says no 2D", tahsilatsim.PublicKey,
			`"supports_3d":true,"supports_2d":false,"supports_white_label":true,"supports_installment":true,`},
		{"3D-only merchant, secret key", tahsilatsim.SecretKey3DOnly,
			`"supports_3d":true,"supports_2d":false,"supports_white_label":true,"supports_installment":false,`},
		{"3D-only merchant, public key", tahsilatsim.PublicKey3DOnly,
			`"supports_3d":true,"supports_2d":false,"supports_white_label":true,"supports_installment":false,`},
		{"omitted flags are left out", "sk_test_only3d", `"supports_3d":true,`},
		{"omitted supports_2d is false for a public key", "pk_test_only3d", `"supports_3d":true,"supports_2d":false,`},
	}
	sim, url := start(t, tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: "sk_test_only3d", PublicKey: "pk_test_only3d", Supports3D: &yes}))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tt.key))
			issued := sim.Issued()
			if len(issued) != i+1 {
				t.Fatalf("ledger holds %d tokens, want %d", len(issued), i+1)
			}
			token := issued[i]
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("HTTP %d %q, want 200 application/json", r.status, r.header.Get("Content-Type"))
			}
			if want := successBody(token, tt.flags, expires); r.body != want {
				t.Errorf("body\n%s\nwant\n%s", r.body, want)
			}
		})
	}
	if calls := sim.Faults().Calls(); calls != int64(len(tests)) {
		t.Errorf("counted %d calls, want %d", calls, len(tests))
	}
}

func TestTokensAreOpaqueBase62(t *testing.T) {
	sim, url := start(t)
	const n = 20
	for range n {
		if r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey)); r.status != http.StatusOK {
			t.Fatalf("HTTP %d", r.status)
		}
	}
	seen := map[string]bool{}
	for _, tok := range sim.Issued() {
		if len(tok) != tahsilatsim.TokenLength {
			t.Errorf("token has %d chars, want %d", len(tok), tahsilatsim.TokenLength)
		}
		if strings.Trim(tok, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("token %q is not base62", tok)
		}
		seen[tok] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct tokens of %d", len(seen), n)
	}
}

func TestExpiryFollowsClock(t *testing.T) {
	at := now
	sim := tahsilatsim.New(tahsilatsim.WithClock(func() time.Time { return at }))
	srv := httptest.NewServer(sim)
	defer srv.Close()
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now, "2025-06-11T23:36:17+03:00"},
		{time.Date(2025, 12, 31, 21, 55, 0, 0, time.UTC), "2026-01-01T01:05:00+03:00"},
		{time.Date(2025, 3, 30, 1, 0, 0, 0, time.FixedZone("-05", -5*3600)), "2025-03-30T09:10:00+03:00"},
	} {
		at = tt.at
		r := call(t, http.MethodPost, srv.URL+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey))
		var env struct {
			Data struct {
				ExpiresAt string `json:"expires_at"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.body), &env); err != nil {
			t.Fatal(err)
		}
		if env.Data.ExpiresAt != tt.want {
			t.Errorf("at %v: expires_at %q, want %q", tt.at, env.Data.ExpiresAt, tt.want)
		}
	}
}

func TestRefusals(t *testing.T) {
	envelope := func(message, code string) string {
		return `{"status":false,"message":"` + message + `","errors":[],"error_code":"` + code + `"}`
	}
	invalidKey := envelope(tahsilatsim.MessageInvalidKey, tahsilatsim.CodeInvalidKey)
	ok := headers(tahsilatsim.SecretKey)
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for hk, hv := range ok {
			h[hk] = hv
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		status int
		body   string
	}{
		{"no Authorization", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", ""), http.StatusUnauthorized, invalidKey},
		{"unknown key", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", "Bearer sk_test_unknown"), http.StatusUnauthorized, invalidKey},
		{"live key on the sandbox", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", "Bearer sk_live_sandbox_4eC39HqLyjWDarjtT1zdp7dcTahsilat"), http.StatusUnauthorized, invalidKey},
		{"empty bearer", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", "Bearer "), http.StatusUnauthorized, invalidKey},
		{"key without scheme", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", tahsilatsim.SecretKey), http.StatusUnauthorized, invalidKey},
		{"Basic scheme", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", "Basic "+tahsilatsim.SecretKey), http.StatusUnauthorized, invalidKey},
		{"no Content-Type", http.MethodPost, tahsilatsim.TokenPath, with("Content-Type", ""), http.StatusUnsupportedMediaType,
			envelope(tahsilatsim.MessageContentType, tahsilatsim.CodeUnsupportedContent)},
		{"form Content-Type", http.MethodPost, tahsilatsim.TokenPath, with("Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType,
			envelope(tahsilatsim.MessageContentType, tahsilatsim.CodeUnsupportedContent)},
		{"GET", http.MethodGet, tahsilatsim.TokenPath, ok, http.StatusMethodNotAllowed,
			envelope(tahsilatsim.MessageMethod, tahsilatsim.CodeMethodNotAllowed)},
		{"other path", http.MethodPost, "/v1/payments", ok, http.StatusNotFound, envelope(tahsilatsim.MessageNotFound, tahsilatsim.CodeNotFound)},
		{"trailing slash", http.MethodPost, tahsilatsim.TokenPath + "/", ok, http.StatusNotFound, envelope(tahsilatsim.MessageNotFound, tahsilatsim.CodeNotFound)},
		{"validation errors", http.MethodPost, tahsilatsim.TokenPath, with("Authorization", "Bearer sk_test_invalid"), http.StatusUnprocessableEntity,
			`{"status":false,"message":"` + tahsilatsim.MessageValidation + `","errors":{"ip":["IP adresi izinli değil."],"merchant":["Üye işyeri aktif değil."]},"error_code":"validation_error"}`},
	}
	sim, url := start(t, tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: "sk_test_invalid",
		ValidationErrors: map[string][]string{"merchant": {"Üye işyeri aktif değil."}, "ip": {"IP adresi izinli değil."}}}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, tt.method, url+tt.path, tt.header)
			if r.status != tt.status || r.body != tt.body {
				t.Errorf("HTTP %d %s, want %d %s", r.status, r.body, tt.status, tt.body)
			}
			if r.header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
			}
			if tt.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow %q, want POST", r.header.Get("Allow"))
			}
		})
	}
	if n := len(sim.Issued()); n != 0 {
		t.Errorf("refusals issued %d tokens", n)
	}
}

func TestAcceptedVariants(t *testing.T) {
	sim, url := start(t)
	for _, h := range []map[string]string{
		{"Authorization": "Bearer " + tahsilatsim.SecretKey, "Content-Type": "application/json; charset=utf-8"},
		{"Authorization": "bearer " + tahsilatsim.SecretKey, "Content-Type": "application/json"},
	} {
		if r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, h); r.status != http.StatusOK {
			t.Errorf("%v: HTTP %d %s", h, r.status, r.body)
		}
	}
	if n := len(sim.Issued()); n != 2 {
		t.Errorf("issued %d tokens, want 2", n)
	}
}

func TestOverrides(t *testing.T) {
	_, url := start(t,
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: "sk_test_noexp", OmitExpiresAt: true}),
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: "sk_test_custom", ExpiresAt: "2025-06-11T18:36:17-05:00"}),
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: "sk_test_notoken", OmitToken: true}),
	)
	type data struct {
		AccessToken *string `json:"access_token"`
		ExpiresAt   *string `json:"expires_at"`
	}
	tests := []struct {
		key             string
		token, expiry   bool
		expiresAtString string
	}{
		{"sk_test_noexp", true, false, ""},
		{"sk_test_custom", true, true, "2025-06-11T18:36:17-05:00"},
		{"sk_test_notoken", false, true, "2025-06-11T23:36:17+03:00"},
	}
	for _, tt := range tests {
		r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tt.key))
		var env struct {
			Status bool `json:"status"`
			Data   data `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.body), &env); err != nil || r.status != http.StatusOK || !env.Status {
			t.Fatalf("%s: HTTP %d, %v", tt.key, r.status, err)
		}
		if (env.Data.AccessToken != nil) != tt.token || (env.Data.ExpiresAt != nil) != tt.expiry {
			t.Errorf("%s: token present %v, expires_at present %v", tt.key, env.Data.AccessToken != nil, env.Data.ExpiresAt != nil)
		}
		if tt.expiry && *env.Data.ExpiresAt != tt.expiresAtString {
			t.Errorf("%s: expires_at %q, want %q", tt.key, *env.Data.ExpiresAt, tt.expiresAtString)
		}
	}
}

func TestWithMerchantOverridesBuiltinKey(t *testing.T) {
	no := false
	_, url := start(t, tahsilatsim.WithMerchant(tahsilatsim.Merchant{SecretKey: tahsilatsim.SecretKey, Supports3D: &no}))
	r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey))
	if !strings.Contains(r.body, `"data":{"access_token":"`) || !strings.Contains(r.body, `"supports_3d":false,"expires_at"`) {
		t.Errorf("body %s does not use the added merchant", r.body)
	}
}

func TestFaultsComeFirst(t *testing.T) {
	sim, url := start(t)
	sim.Faults().Inject(simkit.Fault{Kind: simkit.RateLimit, Times: 1, RetryAfter: "3"})
	r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "3" {
		t.Errorf("HTTP %d Retry-After %q, want 429 3", r.status, r.header.Get("Retry-After"))
	}
	if r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey)); r.status != http.StatusOK {
		t.Errorf("after the fault: HTTP %d", r.status)
	}
	if calls, issued := sim.Faults().Calls(), len(sim.Issued()); calls != 2 || issued != 1 {
		t.Errorf("calls %d issued %d, want 2 and 1", calls, issued)
	}
}

func TestCredentials(t *testing.T) {
	sim, url := start(t)
	creds := sim.Credentials()
	if len(creds) != 4 {
		t.Fatalf("%d credentials, want 4 (two merchants, two keys each)", len(creds))
	}
	labels := map[string]bool{}
	for _, c := range creds {
		if c.Label == "" || c.Note == "" || labels[c.Label] {
			t.Errorf("credential %q: empty or repeated label, or no note", c.Label)
		}
		labels[c.Label] = true
		for name, v := range c.Settings {
			if name != "secret_key" && name != "public_key" {
				t.Errorf("%s: unknown setting %q", c.Label, name)
			}
			if !strings.HasPrefix(v, map[string]string{"secret_key": "sk", "public_key": "pk"}[name]+"_test_sandbox_") {
				t.Errorf("%s: %s does not look like a sandbox key", c.Label, name)
			}
		}
		key := c.Args["key"]
		setting := map[string]string{"secret": "secret_key", "public": "public_key"}[key]
		if setting == "" || c.Settings[setting] == "" {
			t.Fatalf("%s: args %v do not name a key in its settings", c.Label, c.Args)
		}
		r := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(c.Settings[setting]))
		if r.status != http.StatusOK {
			t.Errorf("%s: HTTP %d", c.Label, r.status)
		}
		if key == "public" && (!strings.Contains(r.body, `"supports_2d":false`) || !strings.Contains(c.Note, "3D Secure")) {
			t.Errorf("%s: a public-key token must say supports_2d false and its note must say why", c.Label)
		}
	}
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses an unknown key.
func TestRefusalIsTheRealOne(t *testing.T) {
	sim, url := start(t)
	refused := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers("sk_test_unknown"))
	f := sim.Refusal(tahsilatsim.MessageInvalidKey)
	f.Times = 1
	sim.Faults().Inject(f)
	got := call(t, http.MethodPost, url+tahsilatsim.TokenPath, headers(tahsilatsim.SecretKey))
	if got.status != refused.status || got.body != refused.body || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
		t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.body,
			refused.status, refused.header.Get("Content-Type"), refused.body)
	}
}
