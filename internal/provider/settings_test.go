package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// TestAccProvider_environment checks how configuration and environment
// variables combine: the configuration wins, valid values from the
// environment are used, and the host follows base_url, then sandbox (the
// configuration's, then the environment's), then Tahsilat's key prefix.
// Hosts other than loopback are refused by the test's transport, so the
// diagnostic shows which host was chosen without the network being used.
func TestAccProvider_environment(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	sipayCred := credential(t, sb, "sipay", "is_3d=1")
	tahsilatCred := credential(t, sb, "tahsilat", "full (secret key)")
	sipayOnly := map[string]simkit.Credential{"sipay": sipayCred}
	// Credentials alone: the host is left to sandbox and the key prefix.
	bare := func(gateway string, c simkit.Credential, extra string) string {
		return fmt.Sprintf("provider \"paytoken\" {\n  max_retries = 0\n  %s = {\n%s%s  }\n}\n", gateway, hclObject(c.Settings), extra)
	}
	unreachable := func(title, host string) *regexp.Regexp {
		return errorPattern(title + ` could not be reached at ` + regexp.QuoteMeta(host) + `: .*the test transport refuses`)
	}
	sipayEmu := sb.Gateway("sipay").Emulator

	steps := []struct {
		name   string
		env    map[string]string
		inject func()
		config string
		want   *regexp.Regexp // nil: the token must work
	}{
		{
			name: "the configuration wins over the environment",
			env: map[string]string{
				"PAYTOKEN_SIPAY_APP_ID": "env-app-id", "PAYTOKEN_SIPAY_APP_SECRET": "env-app-secret",
				"PAYTOKEN_SIPAY_BASE_URL": "https://env.invalid/ccpayment", "PAYTOKEN_MAX_RETRIES": "10",
			},
			config: providerConfig(sb, sipayOnly, "") + echoToken("sipay"),
		},
		{
			name:   "request_timeout and max_retries from the environment",
			env:    map[string]string{"PAYTOKEN_REQUEST_TIMEOUT": "250ms", "PAYTOKEN_MAX_RETRIES": "1"},
			inject: func() { sipayEmu.Faults().Inject(simkit.Fault{Kind: simkit.Hang}) },
			config: providerConfig(sb, sipayOnly, "") + tokenConfig("sipay", ""),
			want:   errorPattern(`Sipay did not answer at .* within request_timeout \(250ms\) after 2 attempts`),
		},
		{
			name:   "sandbox from the environment",
			env:    map[string]string{"PAYTOKEN_SIPAY_SANDBOX": "true"},
			config: bare("sipay", sipayCred, "") + tokenConfig("sipay", ""),
			want:   unreachable("Sipay", "https://provisioning.sipay.com.tr/ccpayment"),
		},
		{
			name:   "sandbox in the configuration wins over the environment",
			env:    map[string]string{"PAYTOKEN_SIPAY_SANDBOX": "true"},
			config: bare("sipay", sipayCred, "    sandbox = false\n") + tokenConfig("sipay", ""),
			want:   unreachable("Sipay", "https://app.sipay.com.tr/ccpayment"),
		},
		{
			name:   "an empty variable counts as unset",
			env:    map[string]string{"PAYTOKEN_SIPAY_SANDBOX": ""},
			config: bare("sipay", sipayCred, "") + tokenConfig("sipay", ""),
			want:   unreachable("Sipay", "https://app.sipay.com.tr/ccpayment"),
		},
		{
			name:   "a test key means the sandbox",
			config: bare("tahsilat", tahsilatCred, "") + tokenConfig("tahsilat", ""),
			want:   unreachable("Tahsilat", "https://api.sandbox.tahsilat.com"),
		},
		{
			name:   "sandbox = false from the environment wins over the key prefix",
			env:    map[string]string{"PAYTOKEN_TAHSILAT_SANDBOX": "false"},
			config: bare("tahsilat", tahsilatCred, "") + tokenConfig("tahsilat", ""),
			want:   unreachable("Tahsilat", "https://api.tahsilat.com"),
		},
		{
			name:   "base_url from the environment wins over sandbox",
			env:    map[string]string{"PAYTOKEN_TAHSILAT_BASE_URL": "https://tahsilat-proxy.example.com", "PAYTOKEN_TAHSILAT_SANDBOX": "true"},
			config: bare("tahsilat", tahsilatCred, "") + tokenConfig("tahsilat", ""),
			want:   unreachable("Tahsilat", "https://tahsilat-proxy.example.com"),
		},
	}

	// Every step starts from an environment with no PAYTOKEN_* variable
	// but its own.
	used := map[string]bool{}
	for _, s := range steps {
		for k := range s.env {
			used[k] = true
		}
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{
			PreConfig: func() {
				t.Log(s.name)
				for k := range used {
					t.Setenv(k, s.env[k])
				}
				sipayEmu.Faults().Clear()
				if s.inject != nil {
					s.inject()
				}
			},
			Config:      s.config,
			ExpectError: s.want,
		})
	}
	n := unitTestGuarded(t, testSteps)
	sipayEmu.Faults().Clear()
	// One refused attempt for each of the six steps whose host is not
	// loopback (max_retries = 0 there), and none for the first step, whose
	// base_url in the configuration beats the environment's.
	if n != 6 {
		t.Errorf("the transport refused %d attempts, want 6", n)
	}
}

// TestAccProvider_userAgent checks the User-Agent a gateway sees: the
// provider's name and version, then the version of the Terraform that runs
// it.
func TestAccProvider_userAgent(t *testing.T) {
	clearProviderEnv(t)
	emu := sipaysim.New(sipaysim.WithMerchant(sipaysim.Merchant{AppID: "ua-app", AppSecret: "ua-secret-5Kq9", Is3D: json.RawMessage(`0`)}))
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.Header.Get("User-Agent"))
		mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"paytoken\" {\n  sipay = {\n    base_url   = %q\n    app_id     = \"ua-app\"\n    app_secret = \"ua-secret-5Kq9\"\n  }\n}\n",
				sipaysim.BaseURL(srv.URL)) + echoToken("sipay"),
		}},
	})
	mu.Lock()
	defer mu.Unlock()
	want := regexp.MustCompile(`^terraform-provider-paytoken/test Terraform/1\.\d+\.\d+`)
	if len(agents) == 0 {
		t.Fatal("the gateway received no request")
	}
	for _, ua := range agents {
		if !want.MatchString(ua) {
			t.Errorf("User-Agent %q, want one matching %s", ua, want)
		}
	}
}
