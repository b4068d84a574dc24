package sipaysim_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/paybullsim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/qnbpaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// dialect is a gateway's emulator on the ccpayment platform, as these tests
// see it. NewPlatform does all but the wording, so what it does (routes,
// request reading, merchants, tokens, expiry, faults, the ledger) is tested
// here once, in each gateway's words; each dialect's own tests cover its
// wording.
type dialect struct {
	name string
	new  func(...sipaysim.Option) *sipaysim.Server
	// appID and appSecret are the credentials of a fixture whose is_3d is
	// 1.
	appID, appSecret string
	// noFields is the answer to a request in which Laravel sees no fields,
	// at noFieldsStatus; denied is the answer to unknown credentials.
	noFields       string
	noFieldsStatus int
	denied         string
	deniedStatus   int
	// expiry is the dialect's spelling of the expiry field; otherExpiry is
	// the other dialect's, which it never sends.
	expiry, otherExpiry string
	// envelope holds the success envelope's fixed fields, besides data.
	envelope map[string]string
}

var (
	sipayDialect = dialect{
		name: "sipay", new: sipaysim.New,
		appID: "sandbox-sipay-is3d-1", appSecret: "sandbox-secret-is3d-1",
		noFields: appIDRequired, noFieldsStatus: http.StatusOK, denied: invalidCredentials, deniedStatus: http.StatusOK,
		expiry: "expires_at", otherExpiry: "expired_at",
		envelope: map[string]string{"status_code": "100", "status_description": `"Successfully Generated token"`},
	}
	veparaDialect = dialect{
		name: "vepara", new: veparasim.New,
		appID: "sandbox-vepara-is3d-1", appSecret: "sandbox-vepara-secret-is3d-1",
		noFields: `{"message":"The app id field is required. (and 1 more error)",` +
			`"errors":{"app_id":["The app id field is required."],"app_secret":["The app secret field is required."]}}`,
		noFieldsStatus: http.StatusUnprocessableEntity,
		denied:         `{"status_code":2,"status_description":"Invalid credentials"}`,
		deniedStatus:   http.StatusOK,
		expiry:         "expired_at", otherExpiry: "expires_at",
		envelope: map[string]string{"status": `"success"`, "message": `"Token başarıyla alındı."`},
	}
	// QNBpay refuses as its token page shows, HTTP 400 with the failure
	// object in an array; PayBull, whose page shows no refusal, alike.
	qnbpayDialect  = namedDialect("qnbpay", qnbpaysim.New)
	paybullDialect = namedDialect("paybull", paybullsim.New)
	dialects       = []dialect{sipayDialect, veparaDialect, qnbpayDialect, paybullDialect}
)

// namedDialect is a gateway that answers in Sipay's words under its own
// name, with its refusals in an array at HTTP 400.
func namedDialect(name string, newServer func(...sipaysim.Option) *sipaysim.Server) dialect {
	return dialect{
		name: name, new: newServer,
		appID: "sandbox-" + name + "-is3d-1", appSecret: "sandbox-" + name + "-secret-is3d-1",
		noFields: "[" + appIDRequired + "]", noFieldsStatus: http.StatusBadRequest,
		denied: `[{"status_code":2,"status_description":"Invalid credentials"}]`, deniedStatus: http.StatusBadRequest,
		expiry: "expires_at", otherExpiry: "expired_at",
		envelope: sipayDialect.envelope,
	}
}

// body is a token request's JSON body with these credentials.
func body(appID, appSecret string) string {
	b, _ := json.Marshal(map[string]string{"app_id": appID, "app_secret": appSecret}) // strings always marshal
	return string(b)
}

// fixtureBody asks for a token with the fixture whose is_3d is 1.
func (d dialect) fixtureBody() string { return body(d.appID, d.appSecret) }

// forEachDialect runs test once for each gateway on the platform.
func forEachDialect(t *testing.T, test func(t *testing.T, d dialect)) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) { test(t, d) })
	}
}

// start serves the dialect's emulator on loopback with its clock at
// sampleNow, changed by opts.
func (d dialect) start(t *testing.T, opts ...sipaysim.Option) (*sipaysim.Server, *httptest.Server) {
	t.Helper()
	emu := d.new(append([]sipaysim.Option{sipaysim.WithClock(func() time.Time { return sampleNow })}, opts...)...)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts
}

// post sends body to the token path as JSON.
func post(t *testing.T, ts *httptest.Server, body string) answer {
	t.Helper()
	return call(t, ts, http.MethodPost, sipaysim.TokenPath, "application/json", body)
}

// data checks that a is the dialect's success answer, HTTP 200 as JSON in
// its envelope, and returns its data.
func (d dialect) data(t *testing.T, a answer) map[string]json.RawMessage {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(a.body, &fields); err != nil {
		t.Fatalf("the answer is not a JSON object: %v", err)
	}
	if a.status != http.StatusOK || len(fields) != len(d.envelope)+1 {
		t.Fatalf("answer = HTTP %d %s, want HTTP 200 and a %s success", a.status, a.body, d.name)
	}
	for k, v := range d.envelope {
		if string(fields[k]) != v {
			t.Fatalf("answer = %s, want %s %s", a.body, k, v)
		}
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(fields["data"], &data); err != nil || data == nil {
		t.Fatalf("data = %s, want an object", fields["data"])
	}
	if _, ok := data[d.otherExpiry]; ok {
		t.Errorf("data has %s, which %s never sends", d.otherExpiry, d.name)
	}
	return data
}

// TestPlatformFixtures gets a token with every built-in merchant: is_3d as
// its label says, the expiry in Turkey time, and the platform's RS256 JWT,
// shaped like Laravel Passport's, or an opaque token.
func TestPlatformFixtures(t *testing.T) {
	jtiShape := regexp.MustCompile(`^[0-9a-f]{80}$`)
	forEachDialect(t, func(t *testing.T, d dialect) {
		for _, c := range d.new().Credentials() {
			t.Run(c.Label, func(t *testing.T) {
				emu, ts := d.start(t)
				a := post(t, ts, body(c.Settings["app_id"], c.Settings["app_secret"]))
				if ct := a.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				data := d.data(t, a)
				if is3D, ok := strings.CutPrefix(c.Label, "is_3d="); ok && string(data["is_3d"]) != is3D {
					t.Errorf("is_3d = %s, want %s", data["is_3d"], is3D)
				}
				// Sipay's sample: "2021-01-29 16:46:01" for exp 1611927961.
				if _, ok := data[d.expiry]; ok {
					if got := stringField(t, data, d.expiry); got != "2021-01-29 16:46:01" {
						t.Errorf("%s = %q, want 2021-01-29 16:46:01 (Turkey time of iat + 2h)", d.expiry, got)
					}
				}
				token := stringField(t, data, "token")
				if issued := emu.Issued(); len(issued) != 1 || issued[0] != token {
					t.Errorf("ledger holds %d tokens, want exactly the issued one", len(issued))
				}
				if !strings.Contains(token, ".") {
					if _, err := hex.DecodeString(strings.TrimPrefix(token, "sandbox_")); err != nil || !strings.HasPrefix(token, "sandbox_") {
						t.Errorf("token %q is neither a JWT nor sandbox_ plus hex", token)
					}
					return
				}
				claims := jwt.MapClaims{}
				parsed, err := jwt.NewParser(jwt.WithTimeFunc(func() time.Time { return sampleNow }), jwt.WithValidMethods([]string{"RS256"})).
					ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return sipaysim.PublicKey(), nil })
				if err != nil {
					t.Fatalf("the token does not verify with PublicKey at its issue time: %v", err)
				}
				if parsed.Header["typ"] != "JWT" || parsed.Header["jti"] != claims["jti"] {
					t.Errorf("header = %v, want typ JWT and the claims' jti", parsed.Header)
				}
				if jti, _ := claims["jti"].(string); !jtiShape.MatchString(jti) {
					t.Errorf("jti = %q, want 80 hex digits like Passport's", jti)
				}
				want := map[string]any{"aud": "9", "iat": float64(1611920761), "nbf": float64(1611920761), "exp": float64(1611927961)}
				for k, v := range want {
					if claims[k] != v {
						t.Errorf("claim %s = %v, want %v", k, claims[k], v)
					}
				}
				if sub, ok := claims["sub"].(string); !ok || sub == "" {
					t.Errorf("sub = %v, want a non-empty string", claims["sub"])
				}
				if scopes, ok := claims["scopes"].([]any); !ok || len(scopes) != 0 {
					t.Errorf("scopes = %#v, want []", claims["scopes"])
				}
			})
		}
	})
}

// TestPlatformRequests pins what the platform answers before a dialect has
// its say, and how the dialect's answers reach the wire: 404, 405 and 413
// in Laravel's words, no fields from a body that is not a JSON object sent
// as JSON, and the dialect's refusal of unknown credentials.
func TestPlatformRequests(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		tests := []struct {
			name        string
			method      string
			path        string
			contentType string
			body        string
			status      int
			want        string // the exact answer body; "" to check only the status
			allow       string
		}{
			{name: "GET", method: "GET", path: sipaysim.TokenPath, status: 405, allow: "POST",
				want: `{"message":"The GET method is not supported for this route. Supported methods: POST."}`},
			{name: "PUT", method: "PUT", path: sipaysim.TokenPath, contentType: "application/json", body: d.fixtureBody(), status: 405, allow: "POST"},
			{name: "other path", method: "POST", path: "/ccpayment/api/paySmart3D", contentType: "application/json", body: d.fixtureBody(), status: 404, want: `{"message":"Not Found"}`},
			{name: "path without /ccpayment", method: "POST", path: "/api/token", contentType: "application/json", body: d.fixtureBody(), status: 404},
			{name: "trailing slash", method: "POST", path: sipaysim.TokenPath + "/", contentType: "application/json", body: d.fixtureBody(), status: 404},
			{name: "empty body", method: "POST", path: sipaysim.TokenPath, contentType: "application/json", status: d.noFieldsStatus, want: d.noFields},
			{name: "not JSON", method: "POST", path: sipaysim.TokenPath, contentType: "application/json", body: `app_id=x`, status: d.noFieldsStatus, want: d.noFields},
			{name: "JSON array", method: "POST", path: sipaysim.TokenPath, contentType: "application/json", body: `["x"]`, status: d.noFieldsStatus, want: d.noFields},
			{name: "JSON sent as text/plain", method: "POST", path: sipaysim.TokenPath, contentType: "text/plain", body: d.fixtureBody(), status: d.noFieldsStatus, want: d.noFields},
			{name: "no content type", method: "POST", path: sipaysim.TokenPath, body: d.fixtureBody(), status: d.noFieldsStatus, want: d.noFields},
			{name: "form-encoded", method: "POST", path: sipaysim.TokenPath, contentType: "application/x-www-form-urlencoded",
				body: "app_id=" + d.appID + "&app_secret=" + d.appSecret, status: d.noFieldsStatus, want: d.noFields},
			{name: "wrong secret", method: "POST", path: sipaysim.TokenPath, contentType: "application/json",
				body: body(d.appID, strings.Replace(d.appSecret, "is3d-1", "is3d-2", 1)), status: d.deniedStatus, want: d.denied},
			{name: "secret with different case", method: "POST", path: sipaysim.TokenPath, contentType: "application/json",
				body: body(d.appID, strings.ToUpper(d.appSecret)), status: d.deniedStatus, want: d.denied},
			{name: "unknown app_id", method: "POST", path: sipaysim.TokenPath, contentType: "application/json",
				body: `{"app_id":"077faac7dba364b3f058193de9fea2e6","app_secret":"bb18138fbd6fe9a2512e8933e6f37a01"}`, status: d.deniedStatus, want: d.denied},
			{name: "body too large", method: "POST", path: sipaysim.TokenPath, contentType: "application/json",
				body: `{"app_id":"` + strings.Repeat("a", 70<<10) + `"}`, status: 413},
			{name: "JSON with charset", method: "POST", path: sipaysim.TokenPath, contentType: "application/json; charset=utf-8", body: d.fixtureBody(), status: 200},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				emu, ts := d.start(t)
				a := call(t, ts, tt.method, tt.path, tt.contentType, tt.body)
				checkAnswer(t, a, tt.status, tt.want, tt.allow)
				wantIssued := 0
				if tt.status == 200 && tt.want == "" {
					d.data(t, a)
					wantIssued = 1
				}
				if n := len(emu.Issued()); n != wantIssued {
					t.Errorf("ledger holds %d tokens, want %d", n, wantIssued)
				}
				if n := emu.Faults().Calls(); n != 1 {
					t.Errorf("Calls = %d, want 1", n)
				}
			})
		}
	})
}

func TestPlatformMerchantOverrides(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		tests := []struct {
			name     string
			merchant sipaysim.Merchant
			check    func(t *testing.T, data map[string]json.RawMessage, issued []string)
		}{
			{
				name:     "opaque token",
				merchant: sipaysim.Merchant{OpaqueToken: true, Is3D: json.RawMessage(`1`)},
				check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
					token := stringField(t, data, "token")
					if !strings.HasPrefix(token, "sandbox_") || strings.Count(token, ".") != 0 {
						t.Errorf("token %q is not an opaque sandbox_ token", token)
					}
					if _, err := hex.DecodeString(strings.TrimPrefix(token, "sandbox_")); err != nil {
						t.Errorf("token %q is not sandbox_ plus hex", token)
					}
					if len(issued) != 1 || issued[0] != token {
						t.Error("the opaque token is not in the ledger")
					}
				},
			},
			{
				name:     "no token",
				merchant: sipaysim.Merchant{OmitToken: true, Is3D: json.RawMessage(`1`)},
				check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
					if _, ok := data["token"]; ok || len(issued) != 0 {
						t.Errorf("token sent = %v, ledger = %d; want neither", ok, len(issued))
					}
					if _, ok := data[d.expiry]; !ok {
						t.Errorf("%s missing", d.expiry)
					}
				},
			},
			{
				name:     "no expiry, no is_3d",
				merchant: sipaysim.Merchant{OmitExpiresAt: true},
				check: func(t *testing.T, data map[string]json.RawMessage, issued []string) {
					_, hasExp := data[d.expiry]
					_, hasIs3D := data["is_3d"]
					if hasExp || hasIs3D || len(data) != 1 || len(issued) != 1 {
						t.Errorf("data has keys %d (%s %v, is_3d %v), ledger %d; want only the token, in the ledger", len(data), d.expiry, hasExp, hasIs3D, len(issued))
					}
				},
			},
			{
				name:     "custom expiry and is_3d",
				merchant: sipaysim.Merchant{ExpiresAt: "29.01.2021 16:46", Is3D: json.RawMessage(`"x"`)},
				check: func(t *testing.T, data map[string]json.RawMessage, _ []string) {
					if got := stringField(t, data, d.expiry); got != "29.01.2021 16:46" {
						t.Errorf("%s = %q, want the merchant's verbatim", d.expiry, got)
					}
					if got := string(data["is_3d"]); got != `"x"` {
						t.Errorf("is_3d = %s, want \"x\"", got)
					}
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := tt.merchant
				m.AppID, m.AppSecret = "test-merchant", "test-secret"
				emu, ts := d.start(t, sipaysim.WithMerchant(m))
				a := post(t, ts, body(m.AppID, m.AppSecret))
				tt.check(t, d.data(t, a), emu.Issued())
			})
		}
	})
}

func TestPlatformWithMerchantReplacesByAppID(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		emu, ts := d.start(t, sipaysim.WithMerchant(sipaysim.Merchant{AppID: d.appID, AppSecret: "rotated", Is3D: json.RawMessage(`2`)}))
		if a := post(t, ts, d.fixtureBody()); string(a.body) != d.denied {
			t.Errorf("the old secret still works: %s", a.body)
		}
		a := post(t, ts, body(d.appID, "rotated"))
		if got := string(d.data(t, a)["is_3d"]); got != "2" {
			t.Errorf("is_3d = %s, want the replacement's 2", got)
		}
		if n, want := len(emu.Credentials()), len(d.new().Credentials()); n != want {
			t.Errorf("Credentials has %d entries, want %d: a replacement adds none", n, want)
		}
	})
}

// TestPlatformCredentials checks what every merchant's credentials say:
// the fixtures first, obviously fake, then added merchants labelled by
// app_id; each with app_id and app_secret only, and a note in a sentence.
func TestPlatformCredentials(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		fixtures := len(d.new().Credentials())
		creds := d.new(sipaysim.WithMerchant(sipaysim.Merchant{AppID: "extra", AppSecret: "extra-secret"})).Credentials()
		if len(creds) != fixtures+1 {
			t.Fatalf("Credentials has %d entries, want the %d fixtures and the added merchant", len(creds), fixtures)
		}
		for i, c := range creds {
			if c.Label == "" || !strings.HasSuffix(c.Note, ".") {
				t.Errorf("Credentials[%d] = label %q note %q, want a label and a sentence", i, c.Label, c.Note)
			}
			if len(c.Settings) != 2 || c.Settings["app_id"] == "" || c.Settings["app_secret"] == "" || c.Args != nil {
				t.Errorf("Credentials[%d] settings %v args %v, want app_id and app_secret only", i, keysOf(c.Settings), c.Args)
			}
			if i < fixtures && (!strings.HasPrefix(c.Settings["app_id"], "sandbox-") || !strings.HasPrefix(c.Settings["app_secret"], "sandbox-")) {
				t.Errorf("fixture %d is not obviously fake", i)
			}
		}
		if last := creds[fixtures]; last.Label != "app_id=extra" || last.Settings["app_secret"] != "extra-secret" {
			t.Errorf("the added merchant is %q with secret %q, want app_id=extra with its own", last.Label, last.Settings["app_secret"])
		}
	})
}

func TestPlatformFaultsComeFirst(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		emu, ts := d.start(t)
		emu.Faults().Inject(simkit.Fault{Kind: simkit.HTMLError, Status: 503, Times: 1})
		if a := post(t, ts, d.fixtureBody()); a.status != 503 {
			t.Errorf("first call HTTP %d, want the injected 503", a.status)
		}
		d.data(t, post(t, ts, d.fixtureBody()))
		if n := emu.Faults().Calls(); n != 2 {
			t.Errorf("Calls = %d, want 2", n)
		}
		if n := len(emu.Issued()); n != 1 {
			t.Errorf("ledger holds %d tokens, want 1", n)
		}
	})
}

func TestPlatformClockDrivesExpiry(t *testing.T) {
	now := time.Date(2026, 6, 30, 22, 15, 30, 900_000_000, time.UTC)
	forEachDialect(t, func(t *testing.T, d dialect) {
		_, ts := d.start(t, sipaysim.WithClock(func() time.Time { return now }))
		data := d.data(t, post(t, ts, d.fixtureBody()))
		// 22:15:30 UTC + 2h is 00:15:30 UTC, 03:15:30 in Turkey, the next day.
		if got := stringField(t, data, d.expiry); got != "2026-07-01 03:15:30" {
			t.Errorf("%s = %q, want 2026-07-01 03:15:30", d.expiry, got)
		}
	})
}

func TestPlatformConcurrentIssue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		emu, ts := d.start(t)
		const n = 6
		done := make(chan []byte, n)
		for range n {
			go func() {
				resp, err := ts.Client().Post(ts.URL+sipaysim.TokenPath, "application/json", bytes.NewBufferString(d.fixtureBody()))
				if err != nil {
					done <- nil
					return
				}
				defer func() { _ = resp.Body.Close() }()
				body, _ := io.ReadAll(resp.Body)
				done <- body
			}()
		}
		seen := map[string]bool{}
		for range n {
			var s struct {
				Data struct {
					Token string `json:"token"`
				} `json:"data"`
			}
			if body := <-done; json.Unmarshal(body, &s) != nil || s.Data.Token == "" {
				t.Errorf("a concurrent call failed: %s", body)
				continue
			}
			seen[s.Data.Token] = true
		}
		if len(seen) != n || len(emu.Issued()) != n {
			t.Errorf("%d distinct tokens, %d in the ledger; want %d each", len(seen), len(emu.Issued()), n)
		}
	})
}

// TestRefusalIsTheRealOne checks that Refusal answers exactly as the
// emulator refuses a wrong secret.
func TestRefusalIsTheRealOne(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d dialect) {
		emu, ts := d.start(t)
		refused := post(t, ts, body(d.appID, "wrong"))
		f := emu.Refusal("Invalid credentials")
		f.Times = 1
		emu.Faults().Inject(f)
		got := post(t, ts, d.fixtureBody())
		if got.status != refused.status || !bytes.Equal(got.body, refused.body) || got.header.Get("Content-Type") != refused.header.Get("Content-Type") {
			t.Errorf("Refusal = HTTP %d %s %s, want HTTP %d %s %s", got.status, got.header.Get("Content-Type"), got.body,
				refused.status, refused.header.Get("Content-Type"), refused.body)
		}
	})
}
