package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// noSecretsIn fails the test when a step's error text holds any of the
// secrets, then hands the error on to ExpectError.
func noSecretsIn(t *testing.T, secrets ...string) func(error) error {
	return func(err error) error {
		for _, s := range secrets {
			if s != "" && strings.Contains(err.Error(), s) {
				t.Errorf("the error shown to the user holds a secret (%d characters)", len(s))
			}
		}
		return err
	}
}

// expectError stands in for a step's ExpectError where the error must also
// be checked for secrets: the testing framework calls ErrorCheck only for
// steps without ExpectError. The returned ErrorCheck fails the test when the
// error holds a secret, and turns an error that does not match want into a
// failure; failed reports whether any step failed at all.
func expectError(t *testing.T, want string, secrets ...string) (check func(error) error, failed func() bool) {
	saw := false
	return func(err error) error {
			saw = true
			_ = noSecretsIn(t, secrets...)(err)
			if !errorPattern(want).MatchString(err.Error()) {
				return fmt.Errorf("the error does not match %q: %w", want, err)
			}
			return nil
		}, func() bool {
			return saw
		}
}

// sensitiveSettings returns the values of a credential's secrets.
func sensitiveSettings(c simkit.Credential) []string {
	var out []string
	for _, k := range []string{"app_secret", "secret_key", "session_token"} {
		if v := c.Settings[k]; v != "" {
			out = append(out, v)
		}
		if v := c.Args[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

func tokenConfig(gateway, args string) string {
	return fmt.Sprintf("ephemeral \"paytoken_token\" \"t\" {\n  gateway = %q\n%s}\n", gateway, args)
}

// TestAccProvider_missingCredentials asks each gateway for a token without
// one of the settings it needs: the error names every place it can be set
// (the token's block, on the ephemeral resource, the provider's block and
// the environment variable), and no request reaches the gateway.
func TestAccProvider_missingCredentials(t *testing.T) {
	const dataSource = "data source"
	sb := startSandbox(t)
	clearProviderEnv(t)
	iyz := credential(t, sb, "iyzico", "member-42")
	tah := credential(t, sb, "tahsilat", "full (secret key)")
	without := func(c simkit.Credential, drop string) simkit.Credential {
		s := map[string]string{}
		for k, v := range c.Settings {
			if k != drop {
				s[k] = v
			}
		}
		return simkit.Credential{Settings: s}
	}
	cases := []struct {
		name, gateway string
		cred          simkit.Credential
		args          string
		want          string
	}{
		{"sipay app_id", "sipay", simkit.Credential{}, "",
			`Missing Sipay App ID.*A token from Sipay needs sipay\.app_id, which is not set\. To fix it, set sipay\.app_id on this paytoken_token, ` +
				`set app_id in the provider's sipay block, or set the environment variable PAYTOKEN_SIPAY_APP_ID\.`},
		{"sipay app_secret", "sipay", simkit.Credential{Settings: map[string]string{"app_id": "sandbox-sipay-is3d-1"}}, "",
			`Missing Sipay App Secret.*sipay\.app_secret.*PAYTOKEN_SIPAY_APP_SECRET`},
		{"tahsilat secret_key", "tahsilat", simkit.Credential{}, "", `tahsilat\.secret_key.*PAYTOKEN_TAHSILAT_SECRET_KEY`},
		{"tahsilat public_key", "tahsilat", without(tah, "public_key"), "  tahsilat = { key = \"public\" }\n",
			`tahsilat\.public_key.*PAYTOKEN_TAHSILAT_PUBLIC_KEY`},
		{"tahsilat public_key, neither key set", "tahsilat", simkit.Credential{}, "  tahsilat = { key = \"public\" }\n",
			`Missing Tahsilat Public Key.*A token from Tahsilat needs tahsilat\.public_key, which is not set\. To fix it, set tahsilat\.public_key on this paytoken_token, ` +
				`set public_key in the provider's tahsilat block, or set the environment variable PAYTOKEN_TAHSILAT_PUBLIC_KEY\.`},
		{"iyzico api_key", "iyzico", without(iyz, "api_key"), "",
			`Missing iyzico API Key.*set iyzico\.api_key on this paytoken_token, set api_key in the provider's iyzico block, or set the environment variable PAYTOKEN_IYZICO_API_KEY\.`},
		{"iyzico secret_key", "iyzico", without(iyz, "secret_key"), "",
			`Missing iyzico Secret Key.*set iyzico\.secret_key on this paytoken_token, set secret_key in the provider's iyzico block, or set the environment variable PAYTOKEN_IYZICO_SECRET_KEY\.`},
		{"sipay app_secret on the data source", "sipay", simkit.Credential{Settings: map[string]string{"app_id": "sandbox-sipay-is3d-1"}}, dataSource,
			`Missing Sipay App Secret.*A token from Sipay needs the provider setting sipay\.app_secret, which is not set\. To fix it, ` +
				`set app_secret in the provider's sipay block, or set the environment variable PAYTOKEN_SIPAY_APP_SECRET\. ` +
				`The data source takes no credentials, because data source arguments are written to state: it reads with the provider's\. ` +
				`To read for several merchants, use one provider alias per merchant\.`},
		{"iyzico session_token on the data source", "iyzico", without(iyz, "session_token"), dataSource,
			`Missing iyzico Session Token.*A token from iyzico needs session_token, which is not set\. To fix it, set session_token in the provider's iyzico block, ` +
				`or set the environment variable PAYTOKEN_IYZICO_SESSION_TOKEN\. The data source takes no session_token argument`},
		{"iyzico member_identifier", "iyzico", without(iyz, "member_identifier"), "",
			`iyzico\.member_identifier.*member_identifier.*PAYTOKEN_IYZICO_MEMBER_IDENTIFIER`},
		{"iyzico session_token", "iyzico", without(iyz, "session_token"), "",
			`iyzico\.session_token.*PAYTOKEN_IYZICO_SESSION_TOKEN`},
		{"qnbpay app_id", "qnbpay", simkit.Credential{Settings: map[string]string{"app_secret": "sandbox-qnbpay-secret-is3d-1"}}, "",
			`Missing QNBpay App ID.*set qnbpay\.app_id on this paytoken_token, set app_id in the provider's qnbpay block, or set the environment variable PAYTOKEN_QNBPAY_APP_ID\.`},
		{"paybull app_secret on the data source", "paybull", simkit.Credential{Settings: map[string]string{"app_id": "sandbox-paybull-is3d-1"}}, dataSource,
			`Missing PayBull App Secret.*set app_secret in the provider's paybull block, or set the environment variable PAYTOKEN_PAYBULL_APP_SECRET\. ` +
				`The data source takes no credentials`},
		{"hepsipay secret_key", "hepsipay", without(credential(t, sb, "hepsipay", "documented"), "secret_key"), "",
			`Missing Hepsipay Secret Key.*set hepsipay\.secret_key on this paytoken_token, set secret_key in the provider's hepsipay block, or set the environment variable PAYTOKEN_HEPSIPAY_SECRET_KEY\.`},
		{"paynkolay merchant_no", "paynkolay", without(credential(t, sb, "paynkolay", "documented"), "merchant_no"), "",
			`Missing Paynkolay Merchant No.*set paynkolay\.merchant_no on this paytoken_token, set merchant_no in the provider's paynkolay block, or set the environment variable PAYTOKEN_PAYNKOLAY_MERCHANT_NO\.`},
		{"vepara app_secret", "vepara", simkit.Credential{Settings: map[string]string{"app_id": "sandbox-vepara-is3d-1"}}, "",
			`Missing Vepara App Secret.*A token from Vepara needs vepara\.app_secret, which is not set\. To fix it, set vepara\.app_secret on this paytoken_token, ` +
				`set app_secret in the provider's vepara block, or set the environment variable PAYTOKEN_VEPARA_APP_SECRET\.`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		token := tokenConfig(c.gateway, c.args)
		if c.args == dataSource {
			token = fmt.Sprintf("data \"paytoken_token\" \"t\" {\n  gateway = %q\n}\n", c.gateway)
		}
		steps = append(steps, resource.TestStep{
			Config:      providerConfig(sb, map[string]simkit.Credential{c.gateway: c.cred}, "") + token,
			ExpectError: errorPattern(c.want),
		})
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps:                    steps,
	})
	for gw, n := range sb.Calls() {
		if n != 0 {
			t.Errorf("%s received %d requests; a missing setting must be caught before any request", gw, n)
		}
	}
}

// TestAccProvider_wrongCredentials asks each gateway for a token with
// credentials it refuses: the error carries the gateway's own code and
// message, and none of the secrets.
func TestAccProvider_wrongCredentials(t *testing.T) {
	sb := startSandbox(t)
	with := func(c simkit.Credential, k, v string) simkit.Credential {
		s := map[string]string{}
		for kk, vv := range c.Settings {
			s[kk] = vv
		}
		s[k] = v
		return simkit.Credential{Settings: s}
	}
	cases := []struct {
		gateway string
		cred    simkit.Credential
		want    string
	}{
		{"sipay", with(credential(t, sb, "sipay", "is_3d=1"), "app_secret", "wrong-secret-0123456789"),
			`Sipay Token Request Failed.*error code 30: Invalid credentials`},
		{"tahsilat", with(credential(t, sb, "tahsilat", "full (secret key)"), "secret_key", "sk_test_wrong0123456789"),
			`Tahsilat Token Request Failed.*HTTP 401.*invalid_api_key`},
		{"iyzico", with(credential(t, sb, "iyzico", "member-42"), "secret_key", "wrong-iyzico-secret-0123"),
			`iyzico Token Request Failed.*error code 1000: Geçersiz imza`},
		{"iyzico", with(credential(t, sb, "iyzico", "member-42"), "api_key", "unknown-api-key"),
			`iyzico Token Request Failed.*error code 1001`},
		{"vepara", with(credential(t, sb, "vepara", "is_3d=1"), "app_secret", "wrong-vepara-secret-0123"),
			`Vepara Token Request Failed.*Vepara refused the token request \(HTTP 200 OK\) with error code 2: Invalid credentials\. Check the Vepara credentials`},
		{"qnbpay", with(credential(t, sb, "qnbpay", "is_3d=1"), "app_secret", "wrong-qnbpay-secret-0123"),
			`QNBpay Token Request Failed.*QNBpay refused the token request \(HTTP 400 Bad Request\) with error code 2: Invalid credentials\. ` +
				`Check the QNBpay credentials \(qnbpay\.app_id or PAYTOKEN_QNBPAY_APP_ID; qnbpay\.app_secret or PAYTOKEN_QNBPAY_APP_SECRET\)`},
		{"paybull", with(credential(t, sb, "paybull", "is_3d=1"), "app_id", "unknown-paybull-app"),
			`PayBull Token Request Failed.*PayBull refused the token request \(HTTP 400 Bad Request\) with error code 2: Invalid credentials\. Check the PayBull credentials`},
		{"hepsipay", with(credential(t, sb, "hepsipay", "documented"), "secret_key", "wrong-hepsipay-secret-0123"),
			`Hepsipay Token Request Failed.*Hepsipay refused the token request \(HTTP 401 Unauthorized\) with error code invalid_client: .*` +
				`Check the Hepsipay credentials \(hepsipay\.api_key or PAYTOKEN_HEPSIPAY_API_KEY; hepsipay\.secret_key or PAYTOKEN_HEPSIPAY_SECRET_KEY\)`},
		{"paynkolay", with(credential(t, sb, "paynkolay", "documented"), "password", "wrong-paynkolay-password-0123"),
			`Paynkolay Token Request Failed.*Paynkolay refused the token request \(HTTP 401 Unauthorized\) with error code 401: .*` +
				`Check the Paynkolay credentials \(paynkolay\.username or PAYTOKEN_PAYNKOLAY_USERNAME; paynkolay\.password or PAYTOKEN_PAYNKOLAY_PASSWORD; ` +
				`paynkolay\.merchant_no or PAYTOKEN_PAYNKOLAY_MERCHANT_NO\)`},
	}
	for _, c := range cases {
		t.Run(c.gateway+"/"+c.want[len(c.want)-4:], func(t *testing.T) {
			check, failed := expectError(t, c.want, sensitiveSettings(c.cred)...)
			unitTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(nil),
				ErrorCheck:               check,
				Steps: []resource.TestStep{{
					Config: providerConfig(sb, map[string]simkit.Credential{c.gateway: c.cred}, "") + tokenConfig(c.gateway, ""),
				}},
			})
			if !failed() {
				t.Errorf("the token request with wrong credentials succeeded; want an error matching %q", c.want)
			}
		})
	}
}

// TestAccProvider_validation checks that bad input known at plan time is
// refused with a diagnostic that says what to change, before any request.
func TestAccProvider_validation(t *testing.T) {
	sb := startSandbox(t)
	sipay := map[string]simkit.Credential{"sipay": credential(t, sb, "sipay", "is_3d=1")}
	cases := []struct {
		name, config, want string
	}{
		{"unknown gateway", providerConfig(sb, sipay, "") + tokenConfig("paypal", ""),
			`gateway.*value must be one of.*"iyzico".*"sipay".*"tahsilat".*"vepara".*got: "paypal"`},
		{"another gateway's block", providerConfig(sb, sipay, "") + tokenConfig("sipay", "  tahsilat = { key = \"public\" }\n"),
			`Arguments for Another Gateway.*gateway = "tahsilat"`},
		{"another gateway's credentials", providerConfig(sb, sipay, "") + tokenConfig("tahsilat", "  sipay = { app_id = \"merchant-2\" }\n"),
			`Arguments for Another Gateway.*The sipay block applies only to tokens with gateway = "sipay", and this token's gateway is "tahsilat"`},
		{"credentials for another gateway", providerConfig(sb, sipay, "") + tokenConfig("sipay", "  iyzico = { api_key = \"merchant-2\" }\n"),
			`Arguments for Another Gateway.*Remove the iyzico block, or set gateway = "iyzico"`},
		{"bad key", providerConfig(sb, sipay, "") + tokenConfig("tahsilat", "  tahsilat = { key = \"private\" }\n"),
			`tahsilat\.key.*value must be one of.*"secret".*"public"`},
		{"bad locale", providerConfig(sb, sipay, "") + tokenConfig("iyzico", "  iyzico = { locale = \"de\" }\n"),
			`iyzico\.locale.*value must be one of.*"tr".*"en"`},
		{"bad min_valid_for", providerConfig(sb, sipay, "") + tokenConfig("sipay", "  min_valid_for = \"a minute\"\n"),
			`Invalid Time Duration String Value.*min_valid_for = "a minute"`},
		{"negative min_valid_for", providerConfig(sb, sipay, "") + tokenConfig("sipay", "  min_valid_for = \"-1m\"\n"),
			`Duration Out of Range.*min_valid_for`},
		{"plain http base_url", `provider "paytoken" {
  sipay = { base_url = "http://app.sipay.com.tr/ccpayment" }
}
` + tokenConfig("sipay", ""), `Invalid Base URL.*plain http://.*non-loopback host "app.sipay.com.tr"`},
		{"relative base_url", `provider "paytoken" {
  iyzico = { base_url = "sandbox-api.iyzipay.com" }
}
` + tokenConfig("iyzico", ""), `Invalid Base URL.*absolute URL`},
		{"base_url with credentials", `provider "paytoken" {
  tahsilat = { base_url = "https://merchant:pw-in-url@api.tahsilat.com" }
}
` + tokenConfig("tahsilat", ""), `Invalid Base URL.*The base_url "https://api.tahsilat.com" must not contain credentials`},
		{"max_retries", "provider \"paytoken\" {\n  max_retries = 11\n}\n" + tokenConfig("sipay", ""),
			`max_retries.*between 0 and 10, got: 11`},
		{"request_timeout", "provider \"paytoken\" {\n  request_timeout = \"0s\"\n}\n" + tokenConfig("sipay", ""),
			`Duration Out of Range.*request_timeout`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, ExpectError: errorPattern(c.want)})
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps:                    steps,
	})
	for gw, n := range sb.Calls() {
		if n != 0 {
			t.Errorf("%s received %d requests; bad input must be refused before any request", gw, n)
		}
	}
}

// TestAccProvider_badEnvironment checks environment variables with
// unusable values: the error names the variable and what to set.
func TestAccProvider_badEnvironment(t *testing.T) {
	sb := startSandbox(t)
	sipay := map[string]simkit.Credential{"sipay": credential(t, sb, "sipay", "is_3d=1")}
	cases := []struct {
		env, value, want string
	}{
		{"PAYTOKEN_MAX_RETRIES", "many", `Invalid Max Retries.*PAYTOKEN_MAX_RETRIES.*0 to 10`},
		{"PAYTOKEN_REQUEST_TIMEOUT", "30", `Invalid Request Timeout.*PAYTOKEN_REQUEST_TIMEOUT.*Go duration`},
		{"PAYTOKEN_SIPAY_SANDBOX", "maybe", `Invalid Sipay Provider Setting.*The provider's sipay\.sandbox setting is "maybe" in the environment variable PAYTOKEN_SIPAY_SANDBOX, which is not true or false\.`},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			clearProviderEnv(t)
			t.Setenv(c.env, c.value)
			cred := sipay["sipay"]
			unitTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(nil),
				Steps: []resource.TestStep{{
					// The sandbox choice only matters without base_url, so that
					// case configures the credentials alone.
					Config: map[bool]string{
						true:  "provider \"paytoken\" {\n  sipay = {\n" + hclObject(cred.Settings) + "  }\n}\n",
						false: providerConfig(sb, sipay, ""),
					}[c.env == "PAYTOKEN_SIPAY_SANDBOX"] + tokenConfig("sipay", ""),
					ExpectError: errorPattern(c.want),
				}},
			})
		})
	}
}

// TestAccProvider_unusedGatewayNeedsNothing configures only Sipay and a bad
// Tahsilat environment: a Sipay token works, because a gateway's settings
// are looked at only when one of its tokens is asked for.
func TestAccProvider_unusedGatewayNeedsNothing(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	t.Setenv("PAYTOKEN_TAHSILAT_SANDBOX", "perhaps")
	t.Setenv("PAYTOKEN_IYZICO_BASE_URL", "ftp://example.com")
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, map[string]simkit.Credential{"sipay": credential(t, sb, "sipay", "is_3d=2")}, "") +
				echoToken("sipay"),
		}},
	})
	if got := sb.Calls()["sipay"]; got == 0 {
		t.Error("the Sipay emulator received no request")
	}
}

// TestAccToken_tooShortLived asks for a token that must stay valid longer
// than the gateway issues them for: the error says both durations.
func TestAccToken_tooShortLived(t *testing.T) {
	sb := startSandbox(t)
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, map[string]simkit.Credential{"tahsilat": credential(t, sb, "tahsilat", "full (secret key)")}, "") +
				tokenConfig("tahsilat", "  min_valid_for = \"15m\"\n"),
			ExpectError: errorPattern(`Token Expires Too Soon.*valid for (9m[0-5]?\d|10m0)s.*min_valid_for \(15m0s\)`),
		}},
	})
}
