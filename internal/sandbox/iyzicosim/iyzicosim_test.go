package iyzicosim_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

var now = time.Date(2025, 6, 4, 9, 4, 22, 133_000_000, time.UTC)

func fakeClock() time.Time { return now }

// authorization signs as an iyzico client would, written out here so the
// emulator is checked against the documented scheme, not its own code.
func authorization(apiKey, secret, rnd, path string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(rnd + path + string(body)))
	params := "apiKey:" + apiKey + "&randomKey:" + rnd + "&signature:" + hex.EncodeToString(mac.Sum(nil))
	return "IYZWSv2 " + base64.StdEncoding.EncodeToString([]byte(params))
}

type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func send(t *testing.T, srv *httptest.Server, method, target string, header http.Header, body []byte) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, raw)
	}
	return a
}

// signed builds the headers of a correctly signed request for path and body.
func signed(path string, body []byte) http.Header {
	return http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {authorization(iyzicosim.APIKey, iyzicosim.SecretKey, "rnd123", path, body)},
		"X-Iyzi-Rnd":    {"rnd123"},
	}
}

func requestBody(session, member, locale, conversation string) []byte {
	m := map[string]string{"sessionToken": session, "memberIdentifier": member}
	if locale != "" {
		m["locale"] = locale
	}
	if conversation != "" {
		m["conversationId"] = conversation
	}
	b, _ := json.Marshal(m)
	return b
}

func TestServeHTTP(t *testing.T) {
	good := requestBody(iyzicosim.SessionToken1, iyzicosim.MemberIdentifier1, "tr", "order-42")
	tests := []struct {
		name       string
		method     string
		target     string
		header     http.Header
		body       []byte
		wantStatus int
		wantCode   string
		wantMsg    string
		wantLocale string
	}{
		{name: "success", target: iyzicosim.TokenPath, header: signed(iyzicosim.TokenPath, good), body: good, wantStatus: 200},
		{name: "success below a prefix", target: "/gw/iyzico" + iyzicosim.TokenPath,
			header: signed("/gw/iyzico"+iyzicosim.TokenPath, good), body: good, wantStatus: 200},
		{name: "content type with a charset", target: iyzicosim.TokenPath, body: good, wantStatus: 200,
			header: func() http.Header {
				h := signed(iyzicosim.TokenPath, good)
				h.Set("Content-Type", "application/json; charset=UTF-8")
				return h
			}()},
		{name: "query is not signed", target: iyzicosim.TokenPath + "?x=1", header: signed(iyzicosim.TokenPath, good), body: good, wantStatus: 200},
		{name: "query signed too", target: iyzicosim.TokenPath + "?x=1", header: signed(iyzicosim.TokenPath+"?x=1", good), body: good,
			wantStatus: 401, wantCode: "1000", wantMsg: "Geçersiz imza"},
		{name: "signature without the prefix", target: "/gw" + iyzicosim.TokenPath, header: signed(iyzicosim.TokenPath, good), body: good,
			wantStatus: 401, wantCode: "1000", wantMsg: "Geçersiz imza"},
		{name: "signature over other bytes", target: iyzicosim.TokenPath, body: good,
			header:     signed(iyzicosim.TokenPath, requestBody(iyzicosim.SessionToken1, iyzicosim.MemberIdentifier1, "tr", "order-43")),
			wantStatus: 401, wantCode: "1000", wantMsg: "Geçersiz imza"},
		{name: "wrong secret key", target: iyzicosim.TokenPath, body: good,
			header: http.Header{"Content-Type": {"application/json"},
				"Authorization": {authorization(iyzicosim.APIKey, "sandbox-wrong", "r", iyzicosim.TokenPath, good)}},
			wantStatus: 401, wantCode: "1000", wantMsg: "Geçersiz imza"},
		{name: "unknown api key", target: iyzicosim.TokenPath, body: good,
			header: http.Header{"Content-Type": {"application/json"},
				"Authorization": {authorization("sandbox-unknown", iyzicosim.SecretKey, "r", iyzicosim.TokenPath, good)}},
			wantStatus: 401, wantCode: "1001", wantMsg: "Api bilgileri bulunamadı"},
		{name: "no Authorization", target: iyzicosim.TokenPath, body: good, header: http.Header{"Content-Type": {"application/json"}},
			wantStatus: 401, wantCode: "1001", wantMsg: "Api bilgileri bulunamadı"},
		{name: "retired IYZWS scheme", target: iyzicosim.TokenPath, body: good,
			header:     http.Header{"Content-Type": {"application/json"}, "Authorization": {"IYZWS " + iyzicosim.APIKey + ":aGFzaA=="}},
			wantStatus: 401, wantCode: "1001", wantMsg: "Api bilgileri bulunamadı"},
		{name: "Authorization not base64", target: iyzicosim.TokenPath, body: good,
			header:     http.Header{"Content-Type": {"application/json"}, "Authorization": {"IYZWSv2 !!!"}},
			wantStatus: 401, wantCode: "1001", wantMsg: "Api bilgileri bulunamadı"},
		{name: "wrong content type", target: iyzicosim.TokenPath, body: good,
			header: func() http.Header {
				h := signed(iyzicosim.TokenPath, good)
				h.Set("Content-Type", "text/plain")
				return h
			}(),
			wantStatus: 415, wantCode: "11", wantMsg: "Geçersiz istek"},
		{name: "invalid JSON", target: iyzicosim.TokenPath, body: []byte(`{"sessionToken":`),
			header: signed(iyzicosim.TokenPath, []byte(`{"sessionToken":`)), wantStatus: 400, wantCode: "11", wantMsg: "Geçersiz istek"},
		{name: "no sessionToken", target: iyzicosim.TokenPath, body: requestBody("", iyzicosim.MemberIdentifier1, "tr", ""),
			header:     signed(iyzicosim.TokenPath, requestBody("", iyzicosim.MemberIdentifier1, "tr", "")),
			wantStatus: 400, wantCode: "24", wantMsg: "sessionToken gönderilmesi zorunludur"},
		{name: "no sessionToken, English", target: iyzicosim.TokenPath, body: requestBody("", iyzicosim.MemberIdentifier1, "en", ""),
			header:     signed(iyzicosim.TokenPath, requestBody("", iyzicosim.MemberIdentifier1, "en", "")),
			wantStatus: 400, wantCode: "24", wantMsg: "sessionToken is mandatory", wantLocale: "en"},
		{name: "no memberIdentifier", target: iyzicosim.TokenPath, body: requestBody(iyzicosim.SessionToken1, "", "tr", ""),
			header:     signed(iyzicosim.TokenPath, requestBody(iyzicosim.SessionToken1, "", "tr", "")),
			wantStatus: 400, wantCode: "24", wantMsg: "memberIdentifier gönderilmesi zorunludur"},
		{name: "unknown session", target: iyzicosim.TokenPath, body: requestBody("sandbox-session-9", iyzicosim.MemberIdentifier1, "tr", "order-42"),
			header:     signed(iyzicosim.TokenPath, requestBody("sandbox-session-9", iyzicosim.MemberIdentifier1, "tr", "order-42")),
			wantStatus: 400, wantCode: "260016", wantMsg: "Session token bulunamadı."},
		{name: "session of another member", target: iyzicosim.TokenPath, body: requestBody(iyzicosim.SessionToken2, iyzicosim.MemberIdentifier1, "", ""),
			header:     signed(iyzicosim.TokenPath, requestBody(iyzicosim.SessionToken2, iyzicosim.MemberIdentifier1, "", "")),
			wantStatus: 400, wantCode: "260016", wantMsg: "Session token bulunamadı."},
		{name: "non-ASCII member", target: iyzicosim.TokenPath, body: requestBody(iyzicosim.SessionToken2, iyzicosim.MemberIdentifier2, "en", "sipariş/€-42"),
			header:     signed(iyzicosim.TokenPath, requestBody(iyzicosim.SessionToken2, iyzicosim.MemberIdentifier2, "en", "sipariş/€-42")),
			wantStatus: 200, wantLocale: "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
			srv := httptest.NewServer(sim)
			defer srv.Close()
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			a := send(t, srv, method, tt.target, tt.header, tt.body)
			if a.status != tt.wantStatus {
				t.Fatalf("HTTP %d, want %d: %s", a.status, tt.wantStatus, a.raw)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			var sent map[string]string
			_ = json.Unmarshal(tt.body, &sent)
			wantLocale := tt.wantLocale
			if wantLocale == "" {
				wantLocale = "tr"
			}
			if a.body["locale"] != wantLocale || a.body["systemTime"] != float64(now.UnixMilli()) {
				t.Errorf("locale %v, systemTime %v; want %q and the clock's %d", a.body["locale"], a.body["systemTime"], wantLocale, now.UnixMilli())
			}
			if c := sent["conversationId"]; c != "" && a.body["conversationId"] != c {
				t.Errorf("conversationId = %v, want %q echoed", a.body["conversationId"], c)
			}
			if tt.wantCode != "" {
				if a.body["status"] != "failure" || a.body["errorCode"] != tt.wantCode || a.body["errorMessage"] != tt.wantMsg {
					t.Errorf("answer = %s, want failure %s %q", a.raw, tt.wantCode, tt.wantMsg)
				}
				if _, ok := a.body["accessToken"]; ok || len(sim.Issued()) != 0 {
					t.Errorf("a failure issued a token")
				}
				return
			}
			if a.body["status"] != "success" {
				t.Fatalf("answer = %s, want success", a.raw)
			}
			token, _ := a.body["accessToken"].(string)
			if issued := sim.Issued(); len(issued) != 1 || issued[0] != token {
				t.Errorf("the ledger does not hold exactly the issued token")
			}
			checkJWT(t, token, sent["sessionToken"], now)
		})
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkJWT checks that token is shaped like the documented sample: HS256,
// the sample's claims in its order, exp six minutes after the clock.
func checkJWT(t *testing.T, token, session string, at time.Time) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want a JWT", len(parts))
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(header) != `{"alg":"HS256","typ":"JWT"}` {
		t.Errorf("JWT header = %s (%v)", header, err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		JTI string `json:"jti"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if !uuidV4.MatchString(claims.JTI) {
		t.Errorf("jti %q is not a UUID", claims.JTI)
	}
	sessionJSON, _ := json.Marshal(session)
	want := fmt.Sprintf(`{"user_name":"-","scope":["thirdPartySession"],"sessionToken":%s,"exp":%d,"authorities":["pwi_tp_session_card_auth","pwi_tp_session_init3ds_auth","pwi_tp_session_last_payment_retrieve","pwi_tp_session_fund_auth"],"jti":"%s","client_id":"thirdPartySessionClient"}`,
		sessionJSON, at.Unix()+360, claims.JTI)
	if string(payload) != want {
		t.Errorf("claims = %s\nwant     %s", payload, want)
	}
	if sig, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil || len(sig) != sha256.Size {
		t.Errorf("signature is not an HS256 MAC (%d bytes, %v)", len(sig), err)
	}
}

func TestNotServed(t *testing.T) {
	tests := []struct {
		name, method, target string
		want                 int
	}{
		{"other path", http.MethodPost, "/v1/pay-with-iyzico/other", 404},
		{"root", http.MethodGet, "/", 404},
		{"token path with a suffix", http.MethodPost, iyzicosim.TokenPath + "/x", 404},
		{"GET on the token path", http.MethodGet, iyzicosim.TokenPath, 405},
		{"PUT on the token path", http.MethodPut, iyzicosim.TokenPath, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
			srv := httptest.NewServer(sim)
			defer srv.Close()
			a := send(t, srv, tt.method, tt.target, nil, nil)
			if a.status != tt.want || a.body["status"] != float64(tt.want) || a.body["error"] != http.StatusText(tt.want) {
				t.Errorf("answer HTTP %d %s, want a Spring-style %d", a.status, a.raw, tt.want)
			}
			if tt.want == 405 && a.header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", a.header.Get("Allow"))
			}
		})
	}
}

func TestFailNext(t *testing.T) {
	good := requestBody(iyzicosim.SessionToken1, iyzicosim.MemberIdentifier1, "en", "order-42")
	tests := []struct {
		name       string
		n          int
		code       any
		status     int
		wantStatus int
		wantRaw    string
		wantMsg    string
	}{
		{name: "rate limit as a string", n: 2, code: "50000", status: 200, wantStatus: 200, wantRaw: `"errorCode":"50000"`, wantMsg: "Request Limit Exceeded"},
		{name: "rate limit as a number", n: 1, code: 50000, status: 0, wantStatus: 200, wantRaw: `"errorCode":50000`, wantMsg: "Request Limit Exceeded"},
		{name: "mandatory field at 400", n: 1, code: "24", status: 400, wantStatus: 400, wantRaw: `"errorCode":"24"`, wantMsg: "sessionToken is mandatory"},
		{name: "unknown code", n: 1, code: "999", status: 500, wantStatus: 500, wantRaw: `"errorCode":"999"`, wantMsg: "System error"},
		{name: "zero is a no-op", n: 0, code: "50000", status: 200, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
			srv := httptest.NewServer(sim)
			defer srv.Close()
			sim.FailNext(tt.n, tt.code, tt.status)
			for i := range tt.n {
				// The failure comes before any check, even of the signature.
				a := send(t, srv, http.MethodPost, iyzicosim.TokenPath, http.Header{"Content-Type": {"application/json"}}, good)
				if a.status != tt.wantStatus || !bytes.Contains(a.raw, []byte(tt.wantRaw)) || a.body["errorMessage"] != tt.wantMsg ||
					a.body["conversationId"] != "order-42" || a.body["locale"] != "en" {
					t.Fatalf("answer %d = HTTP %d %s, want %d with %s and %q", i, a.status, a.raw, tt.wantStatus, tt.wantRaw, tt.wantMsg)
				}
			}
			a := send(t, srv, http.MethodPost, iyzicosim.TokenPath, signed(iyzicosim.TokenPath, good), good)
			if a.status != 200 || a.body["status"] != "success" {
				t.Errorf("answer after the failures = HTTP %d %s, want success", a.status, a.raw)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	later := now.Add(time.Hour)
	body := requestBody("sandbox-session-x", "member-x", "tr", "")
	other := http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {authorization("sandbox-other-key", "sandbox-other-secret", "r", iyzicosim.TokenPath, body)},
	}
	tests := []struct {
		name   string
		opts   []iyzicosim.Option
		header http.Header
		check  func(t *testing.T, a answer)
	}{
		{name: "merchant and session", header: other,
			opts: []iyzicosim.Option{iyzicosim.WithMerchant("sandbox-other-key", "sandbox-other-secret"), iyzicosim.WithSession("sandbox-session-x", "member-x")},
			check: func(t *testing.T, a answer) {
				checkJWT(t, accessToken(a), "sandbox-session-x", now)
			}},
		{name: "clock", header: other,
			opts: []iyzicosim.Option{iyzicosim.WithClock(func() time.Time { return later }),
				iyzicosim.WithMerchant("sandbox-other-key", "sandbox-other-secret"), iyzicosim.WithSession("sandbox-session-x", "member-x")},
			check: func(t *testing.T, a answer) {
				if a.body["systemTime"] != float64(later.UnixMilli()) {
					t.Errorf("systemTime = %v, want %d", a.body["systemTime"], later.UnixMilli())
				}
				checkJWT(t, accessToken(a), "sandbox-session-x", later)
			}},
		{name: "opaque tokens", header: other,
			opts: []iyzicosim.Option{iyzicosim.WithOpaqueTokens(), iyzicosim.WithMerchant("sandbox-other-key", "sandbox-other-secret"),
				iyzicosim.WithSession("sandbox-session-x", "member-x")},
			check: func(t *testing.T, a answer) {
				tok, _ := a.body["accessToken"].(string)
				if !strings.HasPrefix(tok, "sandbox-iyzico-opaque-") || strings.Contains(tok, ".") {
					t.Errorf("accessToken = %q, want an opaque sandbox token", tok)
				}
			}},
		{name: "without systemTime", header: other,
			opts: []iyzicosim.Option{iyzicosim.WithoutSystemTime(), iyzicosim.WithMerchant("sandbox-other-key", "sandbox-other-secret"),
				iyzicosim.WithSession("sandbox-session-x", "member-x")},
			check: func(t *testing.T, a answer) {
				if _, ok := a.body["systemTime"]; ok || a.body["status"] != "success" {
					t.Errorf("answer = %s, want success without systemTime", a.raw)
				}
			}},
		{name: "without systemTime in failures too", header: signed(iyzicosim.TokenPath, body),
			opts: []iyzicosim.Option{iyzicosim.WithoutSystemTime()},
			check: func(t *testing.T, a answer) {
				if _, ok := a.body["systemTime"]; ok || a.body["errorCode"] != "260016" {
					t.Errorf("answer = %s, want 260016 without systemTime", a.raw)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := iyzicosim.New(append([]iyzicosim.Option{iyzicosim.WithClock(fakeClock)}, tt.opts...)...)
			srv := httptest.NewServer(sim)
			defer srv.Close()
			tt.check(t, send(t, srv, http.MethodPost, iyzicosim.TokenPath, tt.header, body))
		})
	}
}

func TestFaults(t *testing.T) {
	sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sim.Faults().Inject(simkit.Fault{Kind: simkit.RateLimit, Times: 1})
	good := requestBody(iyzicosim.SessionToken1, iyzicosim.MemberIdentifier1, "tr", "")
	if a := send(t, srv, http.MethodPost, iyzicosim.TokenPath, signed(iyzicosim.TokenPath, good), good); a.status != 429 {
		t.Errorf("first answer HTTP %d, want the injected 429", a.status)
	}
	if a := send(t, srv, http.MethodPost, iyzicosim.TokenPath, signed(iyzicosim.TokenPath, good), good); a.status != 200 {
		t.Errorf("second answer HTTP %d, want 200", a.status)
	}
	if got := sim.Faults().Calls(); got != 2 {
		t.Errorf("Calls() = %d, want 2", got)
	}
	if got := len(sim.Issued()); got != 1 {
		t.Errorf("%d tokens issued, want 1", got)
	}
}

// TestCredentials proves every fixture works through the real client.
func TestCredentials(t *testing.T) {
	sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
	srv := httptest.NewServer(sim)
	defer srv.Close()
	creds := sim.Credentials()
	if len(creds) < 2 {
		t.Fatalf("%d credentials, want at least 2", len(creds))
	}
	for _, c := range creds {
		t.Run(c.Label, func(t *testing.T) {
			if c.Label == "" || c.Note == "" {
				t.Errorf("credential %+v lacks a label or note", c)
			}
			for _, name := range []string{"api_key", "secret_key"} {
				if !strings.HasPrefix(c.Settings[name], "sandbox-") {
					t.Errorf("%s %q does not look like a sandbox fixture", name, c.Settings[name])
				}
			}
			gw, err := iyzico.New(clients.Config{Settings: c.Settings, BaseURL: srv.URL, Now: fakeClock})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := gw.Token(context.Background(), c.Args)
			if err != nil {
				t.Fatalf("Token() error = %v", err)
			}
			if !slices.Contains(sim.Issued(), tok.AccessToken) || !tok.ExpiresAt.Equal(now.Add(iyzicosim.TokenLifetime).Truncate(time.Second)) {
				t.Errorf("token not issued by the emulator, or expiring at %v", tok.ExpiresAt)
			}
		})
	}
}

// TestConcurrent lets the race detector look at the server's shared state.
func TestConcurrent(t *testing.T) {
	sim := iyzicosim.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sim.FailNext(5, 50000, 200)
	gw, err := iyzico.New(clients.Config{
		Settings: clients.Values{"api_key": iyzicosim.APIKey, "secret_key": iyzicosim.SecretKey,
			"session_token": iyzicosim.SessionToken1, "member_identifier": iyzicosim.MemberIdentifier1},
		BaseURL: srv.URL,
		HTTP:    clients.NewHTTP(clients.HTTPOptions{MaxRetries: 10, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}),
	})
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := gw.Token(context.Background(), nil); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(sim.Issued()); got != workers*each {
		t.Errorf("%d tokens issued, want %d", got, workers*each)
	}
	if got := sim.Faults().Calls(); got != workers*each+5 {
		t.Errorf("Calls() = %d, want %d", got, workers*each+5)
	}
}

func accessToken(a answer) string {
	s, _ := a.body["accessToken"].(string)
	return s
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses an unknown api key.
func TestRefusalIsTheRealOne(t *testing.T) {
	sim := iyzicosim.New(iyzicosim.WithClock(fakeClock))
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	body := requestBody(iyzicosim.SessionToken1, iyzicosim.MemberIdentifier1, "", "")
	unknown := http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {authorization("sandbox-unknown", iyzicosim.SecretKey, "rnd123", iyzicosim.TokenPath, body)},
	}
	refused := send(t, srv, http.MethodPost, iyzicosim.TokenPath, unknown, body)
	f := sim.Refusal("Api bilgileri bulunamadı")
	f.Times = 1
	sim.Faults().Inject(f)
	got := send(t, srv, http.MethodPost, iyzicosim.TokenPath, signed(iyzicosim.TokenPath, body), body)
	if got.status != refused.status || !bytes.Equal(got.raw, refused.raw) || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
		t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.raw,
			refused.status, refused.header.Get("Content-Type"), refused.raw)
	}
}
