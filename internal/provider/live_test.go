package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// liveGateways lists, for each gateway, the environment variables a live
// test needs. The tests use the provider's own variables, as the tests were
// started with them (TestMain keeps them in liveEnv), and the gateway's
// sandbox host unless PAYTOKEN_<GATEWAY>_BASE_URL says otherwise.
var liveGateways = map[string][]string{
	"sipay":     {"app_id", "app_secret"},
	"tahsilat":  {"secret_key"},
	"iyzico":    {"api_key", "secret_key", "session_token", "member_identifier"},
	"vepara":    {"app_id", "app_secret"},
	"qnbpay":    {"app_id", "app_secret"},
	"paybull":   {"app_id", "app_secret"},
	"hepsipay":  {"api_key", "secret_key"},
	"paynkolay": {"username", "password", "merchant_no"},
}

// TestAccLive runs a token of each gateway against the gateway's real
// sandbox. It runs only with TF_ACC=1 and the gateway's credentials in the
// environment, and says what to set when they are missing.
func TestAccLive(t *testing.T) {
	for _, name := range gateways.Names() {
		t.Run(name, func(t *testing.T) {
			needs, ok := liveGateways[name]
			if !ok {
				t.Fatalf("liveGateways names no credentials for %s", name)
			}
			var missing []string
			for _, s := range needs {
				if liveEnv[clients.EnvVar(name, s)] == "" {
					missing = append(missing, clients.EnvVar(name, s))
				}
			}
			if os.Getenv("TF_ACC") == "" {
				t.Skip("live tests against the gateways' sandboxes run only with TF_ACC=1")
			}
			if len(missing) > 0 {
				t.Skipf("set %s to run the live %s test", strings.Join(missing, ", "), name)
			}
			prefix := clients.EnvVar(name, "")
			for k, v := range liveEnv {
				if strings.HasPrefix(k, prefix) || k == "PAYTOKEN_REQUEST_TIMEOUT" || k == "PAYTOKEN_MAX_RETRIES" {
					t.Setenv(k, v)
				}
			}
			spec, _ := gateways.Lookup(name)
			t.Logf("running against %s", liveHost(name, spec))
			accTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(nil),
				Steps: []resource.TestStep{{
					// sandbox = true keeps a live test off production; a
					// base_url from the environment still wins over it.
					Config: fmt.Sprintf("provider \"paytoken\" {\n  %s = { sandbox = true }\n}\n", name) + echoToken(name),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("token_sha256"), knownvalue.StringRegexp(sha256Hex)),
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("expires_at"), rfc3339Within(time.Minute, 24*time.Hour)),
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("issued_at"), rfc3339Within(-15*time.Minute, 15*time.Minute)),
					},
				}},
			})
		})
	}
}

func liveHost(name string, spec *clients.Spec) string {
	if u := liveEnv[clients.EnvVar(name, "base_url")]; u != "" {
		return u
	}
	return spec.SandboxURL
}
