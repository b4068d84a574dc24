package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// loopbackOnly refuses every request to a host that is not loopback, so a
// fault test that goes wrong fails here instead of reaching the network.
type loopbackOnly struct {
	next    http.RoundTripper
	refused *atomic.Int64
}

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if !clients.IsLoopbackHost(r.URL.Hostname()) {
		l.refused.Add(1)
		return nil, fmt.Errorf("the test transport refuses %s: only loopback hosts may be reached", r.URL.Hostname())
	}
	return l.next.RoundTrip(r)
}

// guardedFactories are factories(r) with a transport that counts every
// attempt, even one it refuses, and refuses any host but loopback.
func guardedFactories(r *runs, refused *atomic.Int64) map[string]func() (tfprotov6.ProviderServer, error) {
	fs := factories(nil)
	fs["paytoken"] = func() (tfprotov6.ProviderServer, error) {
		count := r.add()
		p := &PaytokenProvider{version: "test", cache: newTokenCache(), now: time.Now,
			httpOptions: func(o *clients.HTTPOptions) {
				o.RetryWaitMin = 5 * time.Millisecond
				o.RetryWaitMax = 20 * time.Millisecond
				o.RetryAfterMax = 50 * time.Millisecond
				o.Transport = countingTransport{next: loopbackOnly{next: http.DefaultTransport, refused: refused}, count: count}
			}}
		return providerserver.NewProtocol6WithError(p)()
	}
	return fs
}

// unitTestGuarded runs steps through unitTest with guardedFactories and
// returns how many attempts at a host other than loopback the transport
// refused: a test of which host a configuration picks reads the host from
// each step's diagnostic, and the count proves no step went further.
func unitTestGuarded(t *testing.T, steps []resource.TestStep) int64 {
	t.Helper()
	var refused atomic.Int64
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: guardedFactories(&runs{}, &refused),
		Steps:                    steps,
	})
	return refused.Load()
}

// total returns every request the provider instances of r have sent.
func (r *runs) total() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, c := range r.counts {
		n += c.Load()
	}
	return n
}

// serveEmulator serves an emulator of the test's own on loopback.
func serveEmulator(t *testing.T, emu simkit.Emulator) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return srv
}

// Keys of the fault tests' own Tahsilat merchants.
const (
	noTokenKey = "sk_test_faults_no_token_5Qm2Xr8Kd1Vb7Nc3Tahsilat"
	expiredKey = "sk_test_faults_expired_9Lp4Hs6Jw0Ye2Uf5Tahsilat"
	shortKey   = "sk_test_faults_short_3Ga8Zt1Oq7Wn4Ri6Tahsilat"
	oddIs3DID  = "faults-sipay-is3d-odd"
	oddIs3DKey = "faults-sipay-secret-is3d-odd-7Hq2"
)

// faultCase is one misbehaviour of a gateway and what the user must see.
type faultCase struct {
	name string
	// emu is the emulator the request goes to; nil when none may get one.
	emu simkit.Emulator
	// inject sets the fault up, after every emulator was reset.
	inject func()
	config string
	// want matches the diagnostic: what happened, which gateway, and what
	// to do.
	want string
	// calls is how many requests the emulator, and the provider's
	// transport, must count.
	calls int64
	// within, when set, bounds how long the step may take.
	within time.Duration
	// env is set for the step's Terraform run.
	env map[string]string
	// hidden are words of the gateway's answer the error must not show.
	hidden []string
}

// TestAccFaults_failures makes each gateway misbehave in every way the
// emulators can, and runs a real plan that opens a token against it: the
// error says what happened, at which gateway and what to do, the gateway
// got exactly the requests retries allow, and no secret is shown. The
// cases share one TestCase, one Terraform run each, to keep the suite fast.
func TestAccFaults_failures(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	sipay, tahsilat, iyzico := sb.Gateway("sipay").Emulator, sb.Gateway("tahsilat").Emulator, sb.Gateway("iyzico").Emulator
	vepara := sb.Gateway("vepara").Emulator
	qnbpay, paybull := sb.Gateway("qnbpay").Emulator, sb.Gateway("paybull").Emulator
	hepsipay, paynkolay := sb.Gateway("hepsipay").Emulator, sb.Gateway("paynkolay").Emulator
	iyzicoSim, ok := iyzico.(*iyzicosim.Server)
	if !ok {
		t.Fatalf("the sandbox's iyzico emulator is a %T", iyzico)
	}
	creds := map[string]simkit.Credential{
		"sipay":     credential(t, sb, "sipay", "is_3d=1"),
		"tahsilat":  credential(t, sb, "tahsilat", "full (secret key)"),
		"iyzico":    credential(t, sb, "iyzico", "member-42"),
		"vepara":    credential(t, sb, "vepara", "is_3d=1"),
		"qnbpay":    credential(t, sb, "qnbpay", "is_3d=1"),
		"paybull":   credential(t, sb, "paybull", "is_3d=1"),
		"hepsipay":  credential(t, sb, "hepsipay", "documented"),
		"paynkolay": credential(t, sb, "paynkolay", "documented"),
	}
	// Sipay's gateway pointed at another deployment of its platform, here
	// QNBpay's emulator, as users of Halk Öde or IQmoney would: it refuses
	// Sipay's credentials in its own form, an array at HTTP 400.
	sipayAtQNBpay := fmt.Sprintf("provider \"paytoken\" {\n  max_retries = 2\n  sipay = {\n    base_url = %q\n%s  }\n}\n",
		sb.Gateway("qnbpay").BaseURL, hclObject(creds["sipay"].Settings))
	sandboxed := func(extra string) string { return providerConfig(sb, creds, extra) }

	// A Tahsilat of the test's own, whose merchants answer success without
	// a token, or with a token that has expired or soon will: its clock is
	// seven minutes behind, so its ten-minute tokens have three left.
	bent := tahsilatsim.New(
		tahsilatsim.WithClock(func() time.Time { return time.Now().Add(-7 * time.Minute) }),
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{Label: "no token", SecretKey: noTokenKey, OmitToken: true}),
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{Label: "expired", SecretKey: expiredKey, ExpiresAt: "2020-01-01T00:00:00+03:00"}),
		tahsilatsim.WithMerchant(tahsilatsim.Merchant{Label: "short", SecretKey: shortKey}),
	)
	bentURL := serveEmulator(t, bent).URL
	bentProvider := func(key string) string {
		return fmt.Sprintf("provider \"paytoken\" {\n  tahsilat = {\n    base_url   = %q\n    secret_key = %q\n  }\n}\n", bentURL, key)
	}

	// Vepara credentials longer than its 255 characters: a validation
	// failure (HTTP 422) that no retry can change.
	longID, longSecret := strings.Repeat("i", veparasim.MaxFieldLength+1), "faults-vepara-"+strings.Repeat("s", veparasim.MaxFieldLength)
	tooLong := fmt.Sprintf("provider \"paytoken\" {\n  max_retries = 2\n  vepara = {\n    base_url   = %q\n    app_id     = %q\n    app_secret = %q\n  }\n}\n",
		sb.Gateway("vepara").BaseURL, longID, longSecret)

	// Where the redirect points: it must never be asked anything.
	var redirected atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { redirected.Add(1) }))
	t.Cleanup(target.Close)

	sipayURL := regexp.QuoteMeta(sb.Gateway("sipay").BaseURL)
	tahsilatURL := regexp.QuoteMeta(sb.Gateway("tahsilat").BaseURL)
	fault := func(emu simkit.Emulator, f simkit.Fault) func() {
		return func() { emu.Faults().Inject(f) }
	}

	cases := []faultCase{
		{
			name: "sipay 502 HTML", emu: sipay, calls: 3,
			inject: fault(sipay, simkit.Fault{Kind: simkit.HTMLError, Status: http.StatusBadGateway}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("sipay", ""),
			want: `Sipay Token Request Failed.*Sipay answered HTTP 502 Bad Gateway after 3 attempts with a body that is not one of its error responses\. ` +
				`The gateway seems to be down or overloaded\. Try again later, or raise max_retries \(now 2\)\.`,
		},
		{
			name: "tahsilat 503 HTML", emu: tahsilat, calls: 2,
			inject: fault(tahsilat, simkit.Fault{Kind: simkit.HTMLError, Status: http.StatusServiceUnavailable}),
			config: sandboxed("  max_retries = 1\n") + tokenConfig("tahsilat", ""),
			want:   `Tahsilat Token Request Failed.*Tahsilat answered HTTP 503 Service Unavailable after 2 attempts.*Try again later, or raise max_retries \(now 1\)`,
		},
		{
			name: "iyzico 504 HTML, no retries", emu: iyzico, calls: 1,
			inject: fault(iyzico, simkit.Fault{Kind: simkit.HTMLError, Status: http.StatusGatewayTimeout}),
			config: sandboxed("  max_retries = 0\n") + tokenConfig("iyzico", ""),
			want:   `iyzico Token Request Failed.*iyzico answered HTTP 504 Gateway Timeout with a body.*raise max_retries \(now 0\)`,
		},
		{
			name: "sipay never answers", emu: sipay, calls: 2, within: 60 * time.Second,
			inject: fault(sipay, simkit.Fault{Kind: simkit.Hang}),
			config: sandboxed("  request_timeout = \"300ms\"\n  max_retries     = 1\n") + tokenConfig("sipay", ""),
			want: `Sipay Token Request Failed.*Sipay did not answer at ` + sipayURL + ` within request_timeout \(300ms\) after 2 attempts\. ` +
				`Check network access to the host, or raise request_timeout or max_retries\.`,
		},
		{
			name: "tahsilat resets mid-body", emu: tahsilat, calls: 2,
			inject: fault(tahsilat, simkit.Fault{Kind: simkit.ResetMidBody}),
			config: sandboxed("  max_retries = 1\n") + tokenConfig("tahsilat", ""),
			want:   `Tahsilat Token Request Failed.*Tahsilat answered HTTP 200 OK at ` + tahsilatURL + `, but the connection broke before the whole answer arrived, after 2 attempts: .*Run again, or raise max_retries \(now 1\)`,
		},
		{
			name: "sipay empty 200", emu: sipay, calls: 1,
			inject: fault(sipay, simkit.Fault{Kind: simkit.Empty}),
			config: sandboxed("") + tokenConfig("sipay", ""),
			want:   `Sipay Token Request Failed.*Sipay answered HTTP 200 OK with a response this provider cannot read: the response body is empty\..*maintenance page or a proxy`,
		},
		{
			name: "tahsilat truncated JSON", emu: tahsilat, calls: 1,
			inject: fault(tahsilat, simkit.Fault{Kind: simkit.Truncated}),
			config: sandboxed("") + tokenConfig("tahsilat", ""),
			want:   `Tahsilat Token Request Failed.*Tahsilat answered HTTP 200 OK with a response this provider cannot read: .*truncated.*the base URL \(now ` + tahsilatURL + `; set with tahsilat\.base_url or PAYTOKEN_TAHSILAT_BASE_URL\) that is not the API's`,
		},
		{
			name: "iyzico malformed JSON", emu: iyzico, calls: 1,
			inject: fault(iyzico, simkit.Fault{Kind: simkit.Malformed}),
			config: sandboxed("") + tokenConfig("iyzico", ""),
			want:   `iyzico Token Request Failed.*iyzico answered HTTP 200 OK with a response this provider cannot read: .*not valid JSON`,
		},
		{
			name: "sipay HTML at 200", emu: sipay, calls: 1,
			inject: fault(sipay, simkit.Fault{Kind: simkit.NonJSON}),
			config: sandboxed("") + tokenConfig("sipay", ""),
			want:   `Sipay Token Request Failed.*Sipay answered HTTP 200 OK with a response this provider cannot read: the response body is not valid JSON.*text/html`,
		},
		{
			name: "iyzico 3 MiB body", emu: iyzico, calls: 1,
			inject: fault(iyzico, simkit.Fault{Kind: simkit.Huge}),
			config: sandboxed("") + tokenConfig("iyzico", ""),
			want:   `iyzico Token Request Failed.*iyzico answered HTTP 200 OK with a body larger than 1 MiB, which is refused\. Check that the base URL \(now [^;]+; set with iyzico\.base_url or PAYTOKEN_IYZICO_BASE_URL\) is the API's\.`,
		},
		{
			name: "tahsilat redirect", emu: tahsilat, calls: 1,
			inject: fault(tahsilat, simkit.Fault{Kind: simkit.Redirect, Location: target.URL + "/login"}),
			config: sandboxed("") + tokenConfig("tahsilat", ""),
			want: `Tahsilat Token Request Failed.*Tahsilat answered HTTP 302 Found with a redirect to ` + regexp.QuoteMeta(target.URL+"/login") +
				`, which was not followed: following it would send the credentials elsewhere\. Check that the base URL \(now ` + tahsilatURL + `; set with tahsilat\.base_url or PAYTOKEN_TAHSILAT_BASE_URL\) is the API's, not a web page\.`,
		},
		{
			name: "iyzico rate limit 50000 as a string", emu: iyzico, calls: 3,
			inject: func() { iyzicoSim.FailNext(3, "50000", 0) },
			config: sandboxed("  max_retries = 2\n") + tokenConfig("iyzico", ""),
			want: `iyzico Token Request Failed.*iyzico refused the token request \(HTTP 200 OK after 3 attempts\) with error code 50000: Request Limit Exceeded\. ` +
				`The gateway is limiting or failing requests\. Wait and run again, or raise max_retries \(now 2\)\.`,
		},
		{
			name: "iyzico rate limit 50000 as a number", emu: iyzico, calls: 2,
			inject: func() { iyzicoSim.FailNext(2, 50000, 0) },
			config: sandboxed("  max_retries = 1\n") + tokenConfig("iyzico", ""),
			want:   `iyzico Token Request Failed.*\(HTTP 200 OK after 2 attempts\) with error code 50000: Request Limit Exceeded\..*Wait and run again, or raise max_retries \(now 1\)`,
		},
		{
			name: "sipay invalid credentials at HTTP 503, not retried", emu: sipay, calls: 1,
			inject: fault(sipay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusServiceUnavailable, ContentType: "application/json",
				Body: `{"status_code":30,"status_description":"Invalid credentials","data":null}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("sipay", ""),
			want: `Sipay Token Request Failed.*Sipay refused the token request \(HTTP 503 Service Unavailable\) with error code 30: Invalid credentials\. ` +
				`Check the Sipay credentials .* To use the other host, set sipay\.sandbox \(or PAYTOKEN_SIPAY_SANDBOX\), or sipay\.base_url \(or PAYTOKEN_SIPAY_BASE_URL\)\.`,
		},
		{
			name: "iyzico invalid signature at HTTP 500, not retried", emu: iyzico, calls: 1,
			inject: fault(iyzico, simkit.Fault{Kind: simkit.Raw, Status: http.StatusInternalServerError, ContentType: "application/json",
				Body: `{"status":"failure","errorCode":"1000","errorMessage":"Geçersiz imza","locale":"tr","systemTime":1749027045713}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("iyzico", ""),
			want: `iyzico Token Request Failed.*iyzico refused the token request \(HTTP 500 Internal Server Error\) with error code 1000: Geçersiz imza\. ` +
				`Check the iyzico credentials .* The token's own iyzico\.api_key, iyzico\.secret_key, iyzico\.session_token and iyzico\.member_identifier arguments, when set, are used instead of the provider's\.`,
		},
		{
			name: "iyzico system error at HTTP 503, retried", emu: iyzico, calls: 3,
			inject: fault(iyzico, simkit.Fault{Kind: simkit.Raw, Status: http.StatusServiceUnavailable, ContentType: "application/json",
				Body: `{"status":"failure","errorCode":"1","errorMessage":"Sistem hatası","locale":"tr","systemTime":1749027045713}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("iyzico", ""),
			want: `iyzico Token Request Failed.*iyzico refused the token request \(HTTP 503 Service Unavailable after 3 attempts\) with error code 1: Sistem hatası\. ` +
				`The gateway is limiting or failing requests\. Wait and run again, or raise max_retries \(now 2\)\.`,
		},
		{
			name: "tahsilat success without a token", emu: bent, calls: 1,
			config: bentProvider(noTokenKey) + tokenConfig("tahsilat", ""),
			want: `Tahsilat Token Request Failed.*Tahsilat reported success \(HTTP 200 OK\) but sent no access token\. ` +
				`Run again; if it persists, contact Tahsilat support`,
		},
		{
			name: "tahsilat token already expired", emu: bent, calls: 1,
			config: bentProvider(expiredKey) + tokenConfig("tahsilat", ""),
			want: `Token Expires Too Soon.*Tahsilat issued a token that is valid for -\d+h\d+m\d+s \(until 2019-12-31T21:00:00Z\), ` +
				`less than min_valid_for \(1m0s\)\. Lower min_valid_for.*or check that this machine's clock is right`,
		},
		{
			name: "tahsilat token shorter than min_valid_for", emu: bent, calls: 1,
			config: bentProvider(shortKey) + tokenConfig("tahsilat", "  min_valid_for = \"10m\"\n"),
			want:   `Token Expires Too Soon.*Tahsilat issued a token that is valid for (2m[0-5]?\ds|3m0s) \(until [0-9T:-]+Z\), less than min_valid_for \(10m0s\)`,
		},
		{
			name: "vepara 422 validation, not retried", emu: vepara, calls: 1,
			config: tooLong + tokenConfig("vepara", ""),
			want: `Vepara Token Request Failed.*Vepara refused the token request \(HTTP 422 Unprocessable Entity\) with error code -: ` +
				`The app id field must not be greater than 255 characters\. \(and 1 more error\) \(invalid fields: app_id, app_secret\)\. ` +
				`Check the Vepara credentials \(vepara\.app_id or PAYTOKEN_VEPARA_APP_ID; vepara\.app_secret or PAYTOKEN_VEPARA_APP_SECRET\)`,
			hidden: []string{"The app secret field must not be greater than 255 characters", longID},
		},
		{
			name: "vepara invalid credentials at HTTP 503, not retried", emu: vepara, calls: 1,
			inject: fault(vepara, simkit.Fault{Kind: simkit.Raw, Status: http.StatusServiceUnavailable, ContentType: "application/json",
				Body: `{"status_code":2,"status_description":"Invalid credentials"}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("vepara", ""),
			want: `Vepara Token Request Failed.*Vepara refused the token request \(HTTP 503 Service Unavailable\) with error code 2: Invalid credentials\. ` +
				`Check the Vepara credentials`,
		},
		{
			name: "qnbpay's documented refusal, an array at HTTP 400, not retried", emu: qnbpay, calls: 1,
			inject: fault(qnbpay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusBadRequest, ContentType: "application/json",
				Body: `[{"status_code":2,"status_description":"Invalid credentials"}]`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("qnbpay", ""),
			want: `QNBpay Token Request Failed.*QNBpay refused the token request \(HTTP 400 Bad Request\) with error code 2: Invalid credentials\. ` +
				`Check the QNBpay credentials`,
		},
		{
			name: "sipay at another deployment of its platform, refused as an array at HTTP 400, not retried", emu: qnbpay, calls: 1,
			config: sipayAtQNBpay + tokenConfig("sipay", ""),
			want: `Sipay Token Request Failed.*Sipay refused the token request \(HTTP 400 Bad Request\) with error code 2: Invalid credentials\. ` +
				`Check the Sipay credentials`,
		},
		{
			name: "paybull invalid credentials as an object at HTTP 200, not retried", emu: paybull, calls: 1,
			inject: fault(paybull, simkit.Fault{Kind: simkit.Raw, Status: http.StatusOK, ContentType: "application/json",
				Body: `{"status_code":30,"status_description":"Invalid credentials","data":null}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("paybull", ""),
			want:   `PayBull Token Request Failed.*PayBull refused the token request \(HTTP 200 OK\) with error code 30: Invalid credentials\. Check the PayBull credentials`,
		},
		{
			name: "hepsipay invalid_grant at HTTP 400, not retried", emu: hepsipay, calls: 1,
			inject: fault(hepsipay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusBadRequest, ContentType: "application/json",
				Body: `{"error":"invalid_grant","error_description":"Bad credentials"}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("hepsipay", ""),
			want: `Hepsipay Token Request Failed.*Hepsipay refused the token request \(HTTP 400 Bad Request\) with error code invalid_grant: Bad credentials\. ` +
				`Check the Hepsipay credentials`,
		},
		{
			name: "hepsipay temporarily_unavailable at HTTP 503, retried", emu: hepsipay, calls: 3,
			inject: fault(hepsipay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusServiceUnavailable, ContentType: "application/json",
				Body: `{"error":"temporarily_unavailable","error_description":"Bakım çalışması"}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("hepsipay", ""),
			want: `Hepsipay Token Request Failed.*Hepsipay refused the token request \(HTTP 503 Service Unavailable after 3 attempts\) with error code temporarily_unavailable: ` +
				`Bakım çalışması\. The gateway is limiting or failing requests\. Wait and run again, or raise max_retries \(now 2\)\.`,
		},
		{
			name: "paynkolay responseCode 403 at HTTP 200, not retried", emu: paynkolay, calls: 1,
			inject: fault(paynkolay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusOK, ContentType: "application/json",
				Body: `{"success":false,"responseCode":"403","responseMessage":"Yetkisiz erişim","data":null}`}),
			config: sandboxed("  max_retries = 2\n") + tokenConfig("paynkolay", ""),
			want: `Paynkolay Token Request Failed.*Paynkolay refused the token request \(HTTP 200 OK\) with error code 403: Yetkisiz erişim\. ` +
				`Check the Paynkolay credentials`,
		},
		{
			name: "paynkolay failure at HTTP 500, retried", emu: paynkolay, calls: 2,
			inject: fault(paynkolay, simkit.Fault{Kind: simkit.Raw, Status: http.StatusInternalServerError, ContentType: "application/json",
				Body: `{"success":false,"responseCode":"500","responseMessage":"Sistem hatası","data":null}`}),
			config: sandboxed("  max_retries = 1\n") + tokenConfig("paynkolay", ""),
			want: `Paynkolay Token Request Failed.*Paynkolay refused the token request \(HTTP 500 Internal Server Error after 2 attempts\) with error code 500: ` +
				`Sistem hatası\. The gateway is limiting or failing requests\.`,
		},
		{
			name:   "plain http base_url in the provider block",
			config: "provider \"paytoken\" {\n  sipay = {\n    base_url = \"http://example.com/ccpayment\"\n  }\n}\n" + tokenConfig("sipay", ""),
			want:   `Invalid Base URL.*The base_url "http://example\.com/ccpayment" uses plain http:// on the non-loopback host "example\.com"; use https://`,
		},
		{
			name: "plain http base_url from the environment",
			env:  map[string]string{"PAYTOKEN_SIPAY_BASE_URL": "http://example.com"},
			config: "provider \"paytoken\" {\n  sipay = {\n" + hclObject(creds["sipay"].Settings) + "  }\n}\n" +
				tokenConfig("sipay", ""),
			want: `Invalid Sipay Provider Setting.*sipay\.base_url setting uses plain http:// on the non-loopback host "example\.com".*` +
				`environment variable PAYTOKEN_SIPAY_BASE_URL`,
		},
	}

	var secrets []string
	for _, c := range creds {
		secrets = append(secrets, sensitiveSettings(c)...)
	}
	secrets = append(secrets, noTokenKey, expiredKey, shortKey, longSecret)
	emulators := []simkit.Emulator{sipay, tahsilat, iyzico, vepara, qnbpay, paybull, hepsipay, paynkolay, bent}
	r := &runs{}
	var refused atomic.Int64
	var started time.Time
	var requestsBefore int64

	// ErrorCheck, not ExpectError, matches each step's error: the testing
	// framework calls ErrorCheck only for steps without ExpectError, and
	// the secrets check must see every error.
	current := 0
	failed := make([]bool, len(cases))
	errorCheck := func(err error) error {
		c := cases[current]
		failed[current] = true
		_ = noSecretsIn(t, append(append([]string(nil), secrets...), issuedTokens(emulators)...)...)(err)
		for _, h := range c.hidden {
			if strings.Contains(err.Error(), h) {
				t.Errorf("%s: the error shows %q", c.name, h)
			}
		}
		if !errorPattern(c.want).MatchString(err.Error()) {
			return fmt.Errorf("%s: the error does not match %q: %w", c.name, c.want, err)
		}
		return nil
	}

	check := func(i int) {
		t.Helper()
		c := cases[i]
		if !failed[i] {
			t.Errorf("%s: the step succeeded; want an error matching %q", c.name, c.want)
		}
		for _, emu := range emulators {
			want := int64(0)
			if emu == c.emu {
				want = c.calls
			}
			if got := emu.Faults().Calls(); got != want {
				t.Errorf("%s: an emulator (%T) received %d requests, want %d", c.name, emu, got, want)
			}
		}
		if got := r.total() - requestsBefore; got != c.calls {
			t.Errorf("%s: the provider sent %d requests, want %d", c.name, got, c.calls)
		}
		if c.within > 0 {
			if took := time.Since(started); took > c.within {
				t.Errorf("%s: the step took %s, want under %s", c.name, took, c.within)
			}
		}
	}

	var steps []resource.TestStep
	for i, c := range cases {
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				if i > 0 {
					check(i - 1)
				}
				current = i
				for _, emu := range emulators {
					emu.Faults().Clear()
					emu.Faults().ResetCalls()
				}
				for k, v := range c.env {
					t.Setenv(k, v)
				}
				if c.inject != nil {
					c.inject()
				}
				requestsBefore = r.total()
				started = time.Now()
			},
			Config: c.config,
		})
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: guardedFactories(r, &refused),
		ErrorCheck:               errorCheck,
		Steps:                    steps,
	})
	check(len(cases) - 1)
	if n := redirected.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests; redirects must never be followed", n)
	}
	if n := refused.Load(); n != 0 {
		t.Errorf("the provider tried to reach a non-loopback host %d times", n)
	}
}

// issuedTokens returns every token the emulators issued.
func issuedTokens(emus []simkit.Emulator) []string {
	var out []string
	for _, e := range emus {
		out = append(out, e.Issued()...)
	}
	return out
}

// TestAccFaults_recoveries makes the first answer of Tahsilat a 429 with
// Retry-After and the first of iyzico its rate limit at HTTP 200, and has a
// Sipay merchant answer a non-numeric is_3d: every token still works. In
// each Terraform run, Tahsilat and iyzico get exactly one request more
// than Sipay in the first run and as many in the others, since the provider
// asks each gateway once per run.
func TestAccFaults_recoveries(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	tahsilat, iyzico := sb.Gateway("tahsilat").Emulator, sb.Gateway("iyzico").Emulator
	iyzicoSim, ok := iyzico.(*iyzicosim.Server)
	if !ok {
		t.Fatalf("the sandbox's iyzico emulator is a %T", iyzico)
	}
	tahsilat.Faults().Inject(simkit.Fault{Kind: simkit.RateLimit, RetryAfter: "1", Times: 1})
	iyzicoSim.FailNext(1, 50000, 0)

	oddSipay := sipaysim.New(sipaysim.WithMerchant(sipaysim.Merchant{AppID: oddIs3DID, AppSecret: oddIs3DKey, Is3D: json.RawMessage(`"x"`)}))
	oddURL := sipaysim.BaseURL(serveEmulator(t, oddSipay).URL)

	creds := map[string]simkit.Credential{
		"tahsilat": credential(t, sb, "tahsilat", "full (secret key)"),
		"iyzico":   credential(t, sb, "iyzico", "member-42"),
	}
	odd := fmt.Sprintf("  sipay = {\n    base_url   = %q\n    app_id     = %q\n    app_secret = %q\n  }\n", oddURL, oddIs3DID, oddIs3DKey)
	config := providerConfig(sb, creds, odd) + `
ephemeral "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}
ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"
}
ephemeral "paytoken_token" "sipay" {
  gateway = "sipay"
}

provider "echo" {
  data = {
    tahsilat = sha256(ephemeral.paytoken_token.tahsilat.access_token)
    iyzico   = sha256(ephemeral.paytoken_token.iyzico.access_token)
    sipay    = merge(ephemeral.paytoken_token.sipay, { access_token = sha256(ephemeral.paytoken_token.sipay.access_token) })
  }
}
resource "echo" "t" {}
`

	data := tfjsonpath.New("data")
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("tahsilat"), issuedBy(tahsilat)),
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("iyzico"), issuedBy(iyzico)),
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("sipay").AtMapKey("access_token"), issuedBy(oddSipay)),
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("sipay").AtMapKey("expires_at"), rfc3339Within(2*time.Hour-time.Minute, 2*time.Hour+time.Minute)),
	}
	for _, flag := range []string{"supports_2d", "supports_3d", "supports_white_label", "supports_branded", "supports_installment", "requires_3d_choice"} {
		checks = append(checks, statecheck.ExpectKnownValue("echo.t", data.AtMapKey("sipay").AtMapKey(flag), knownvalue.Null()))
	}

	r := &runs{}
	var refused atomic.Int64
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: guardedFactories(r, &refused),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})

	sipayCalls := oddSipay.Faults().Calls()
	if sipayCalls == 0 {
		t.Fatal("the Sipay emulator received no request")
	}
	if got := tahsilat.Faults().Calls(); got != sipayCalls+1 {
		t.Errorf("Tahsilat received %d requests and Sipay %d; want exactly one more for the retried 429", got, sipayCalls)
	}
	if got := iyzico.Faults().Calls(); got != sipayCalls+1 {
		t.Errorf("iyzico received %d requests and Sipay %d; want exactly one more for the retried rate limit", got, sipayCalls)
	}
	// Per run: the first asked Tahsilat and iyzico twice and Sipay once,
	// each later run asked each once.
	counts := r.requesting()
	if len(counts) == 0 || counts[0] != 5 {
		t.Errorf("requests per Terraform run %v; want 5 in the first", counts)
	}
	for _, n := range counts[min(1, len(counts)):] {
		if n != 3 {
			t.Errorf("requests per Terraform run %v; want 3 in every run after the first", counts)
			break
		}
	}
	if n := refused.Load(); n != 0 {
		t.Errorf("the provider tried to reach a non-loopback host %d times", n)
	}
}

// TestProviderDataToken_unknownIs3D asks for a Sipay token whose is_3d is
// not one of the documented integers: the token is handed out with every
// flag null and one warning that names the value and says the token is
// usable, and never repeats the token.
func TestProviderDataToken_unknownIs3D(t *testing.T) {
	spec, ok := gateways.Lookup("sipay")
	if !ok {
		t.Fatal("no sipay gateway")
	}
	cases := []struct {
		is3D json.RawMessage
		want string
	}{
		{json.RawMessage(`"x"`), `Sipay answered is_3d "x", a payment integration mode this provider does not know \(it knows 0, 1, 2 and 4\)`},
		{json.RawMessage(`"üç"`), `is_3d "üç"`},
		{json.RawMessage(`true`), `is_3d true,`},
		{json.RawMessage(`1.5`), `is_3d 1\.5,`},
		{json.RawMessage(`null`), `is_3d null,`},
		{json.RawMessage(`{"mode":1}`), `is_3d \(a 10-byte JSON object\),`},
		{json.RawMessage(`7`), `is_3d 7,`},
		{nil, `Sipay's answer has no is_3d`},
		// A gateway echoing the merchant's own secret (case 8's) as a value
		// the warning quotes: the provider redacts it.
		{json.RawMessage(`"odd-secret-8"`), `is_3d "\(redacted\)"`},
		// Case 9's secret, escaped inside an array, which redaction cannot
		// see: it is named by size, never quoted.
		{json.RawMessage(`["odd-s\u0065cret-9"]`), `is_3d \(a 21-byte JSON array\),`},
	}
	var opts []sipaysim.Option
	for i, c := range cases {
		opts = append(opts, sipaysim.WithMerchant(sipaysim.Merchant{
			AppID: fmt.Sprint("odd-", i), AppSecret: fmt.Sprint("odd-secret-", i), Is3D: c.is3D,
		}))
	}
	emu := sipaysim.New(opts...)
	base := sipaysim.BaseURL(serveEmulator(t, emu).URL)
	d := &providerData{
		gateways: map[string]*gatewaySettings{},
		http:     clients.NewHTTP(clients.HTTPOptions{UserAgent: "test", RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}),
		cache:    newTokenCache(),
		now:      time.Now,
	}
	for i, c := range cases {
		t.Run(string(c.is3D), func(t *testing.T) {
			d.gateways["sipay"] = &gatewaySettings{spec: spec, baseURL: base,
				values: clients.Values{"app_id": fmt.Sprint("odd-", i), "app_secret": fmt.Sprint("odd-secret-", i)}}
			tok, diags := d.token(context.Background(), tokenRequest{gateway: "sipay", minValidFor: time.Minute, reuse: true})
			if diags.HasError() || tok == nil {
				t.Fatalf("no token: %v", diags)
			}
			if tok.Capabilities != (clients.Capabilities{}) {
				t.Errorf("capabilities %+v; want every flag null", tok.Capabilities)
			}
			warnings := diags.Warnings()
			if len(warnings) != 1 {
				t.Fatalf("%d warnings, want 1: %v", len(warnings), diags)
			}
			w := warnings[0]
			if w.Severity() != diag.SeverityWarning || w.Summary() != "Sipay Token Warning" {
				t.Errorf("warning %q (%v), want Sipay Token Warning", w.Summary(), w.Severity())
			}
			if !regexp.MustCompile(c.want).MatchString(w.Detail()) || !strings.Contains(w.Detail(), "The token is still usable.") ||
				!strings.Contains(w.Detail(), "supports_2d, supports_3d, supports_white_label, supports_branded and requires_3d_choice are null") {
				t.Errorf("warning detail %q; want it to match %q, name the null flags and say the token is usable", w.Detail(), c.want)
			}
			if strings.Contains(w.Detail(), tok.AccessToken) || strings.Contains(w.Detail(), fmt.Sprint("odd-secret-", i)) {
				t.Error("the warning repeats the token or the secret")
			}
		})
	}
}
