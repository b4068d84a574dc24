package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/tahsilatsim"
)

// tokenResults renders, for the echo provider, a token's results and the
// SHA-256 of its access token: never the token, nor the credentials in its
// gateway block, so nothing secret reaches the echo resource's state.
func tokenResults(ref string) string {
	return fmt.Sprintf(`{
      token_sha256         = sha256(%[1]s.access_token)
      expires_at           = %[1]s.expires_at
      issued_at            = %[1]s.issued_at
      supports_2d          = %[1]s.supports_2d
      supports_3d          = %[1]s.supports_3d
      supports_white_label = %[1]s.supports_white_label
      supports_branded     = %[1]s.supports_branded
      supports_installment = %[1]s.supports_installment
      requires_3d_choice   = %[1]s.requires_3d_choice
      scopes               = %[1]s.scopes
    }`, ref)
}

// capabilityCaseOf returns the capability case of a sandbox credential.
func capabilityCaseOf(t *testing.T, gateway, label string) capabilityCase {
	t.Helper()
	for _, c := range capabilityCases {
		if c.gateway == gateway && c.label == label {
			return c
		}
	}
	t.Fatalf("no capability case for %s %q", gateway, label)
	return capabilityCase{}
}

// everyRunCalls fails the test unless every Terraform run that sent any
// token request sent exactly want.
func everyRunCalls(t *testing.T, r *runs, want int64, what string) {
	t.Helper()
	got := r.requesting()
	if len(got) == 0 {
		t.Fatal("no Terraform run sent a token request")
	}
	for i, n := range got {
		if n != want {
			t.Errorf("run %d of %d sent %d token requests (all runs: %v); want %d: %s", i+1, len(got), n, got, want, what)
		}
	}
}

// TestAccTokenCredentials_forEach opens one Sipay token per merchant with
// for_each, each token carrying its merchant's credentials (the secret
// from an ephemeral variable), next to a token that carries none. Each
// merchant's token has that merchant's own flags (the sandbox merchants
// differ in is_3d), so the token's credentials beat the provider's, and the
// token without any gets the provider's merchant. Every run makes one call
// per merchant: four distinct tokens, four calls.
func TestAccTokenCredentials_forEach(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	merchants := map[string]string{"m0": "is_3d=0", "m1": "is_3d=1", "m2": "is_3d=2"}
	appIDs, appSecrets := config.Variables{}, config.Variables{}
	var checks []statecheck.StateCheck
	data := tfjsonpath.New("data")
	for key, label := range merchants {
		c := credential(t, sb, "sipay", label)
		appIDs[key] = config.StringVariable(c.Settings["app_id"])
		appSecrets[key] = config.StringVariable(c.Settings["app_secret"])
		checks = append(checks, capabilityCaseOf(t, "sipay", label).resultChecks("echo.t", data.AtMapKey(key))...)
		checks = append(checks, statecheck.ExpectKnownValue("echo.t", data.AtMapKey(key).AtMapKey("token_sha256"), issuedBy(sb.Gateway("sipay").Emulator)))
	}
	// The provider's own merchant is branded (is_3d=4), unlike any of the
	// token's.
	checks = append(checks, capabilityCaseOf(t, "sipay", "is_3d=4").resultChecks("echo.t", data.AtMapKey("provider_default"))...)
	checks = append(checks, statecheck.ExpectKnownValue("echo.t", data, distinctByKey{"token_sha256", 4}))

	r := &runs{}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(r),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, map[string]simkit.Credential{"sipay": credential(t, sb, "sipay", "is_3d=4")}, "") + `
variable "app_ids" {
  type = map(string)
}

variable "app_secrets" {
  type      = map(string)
  sensitive = true
  ephemeral = true
}

ephemeral "paytoken_token" "merchant" {
  for_each = var.app_ids
  gateway  = "sipay"
  sipay = {
    app_id     = each.value
    app_secret = var.app_secrets[each.key]
  }
}

ephemeral "paytoken_token" "provider_default" {
  gateway = "sipay"
}

provider "echo" {
  data = merge(
    { for k, t in ephemeral.paytoken_token.merchant : k => ` + tokenResults("t") + ` },
    { provider_default = ` + tokenResults("ephemeral.paytoken_token.provider_default") + ` },
  )
}
resource "echo" "t" {}
`,
			ConfigVariables: config.Variables{
				"app_ids":     config.MapVariable(appIDs),
				"app_secrets": config.MapVariable(appSecrets),
			},
			ConfigStateChecks: checks,
		}},
	})
	everyRunCalls(t, r, 4, "one call for each of three merchants on the token and one for the provider's")
}

// TestAccTokenCredentials_reuse opens tokens of two merchants: three with
// the same credentials on the token, one with the same merchant from the
// provider, a data source that reads with the provider's, and one token of
// another merchant. Reuse keys on the credentials actually used, so each
// run makes one call per merchant, and only the two merchants' tokens
// differ.
func TestAccTokenCredentials_reuse(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	same := credential(t, sb, "sipay", "is_3d=1")
	other := credential(t, sb, "sipay", "is_3d=2")
	data := tfjsonpath.New("data")
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("echo.t", data, distinctByKey{"token_sha256", 2}),
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("other").AtMapKey("supports_2d"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue("echo.t", data.AtMapKey("same_0").AtMapKey("requires_3d_choice"), knownvalue.Bool(true)),
	}
	checks = append(checks, capabilityCaseOf(t, "sipay", "is_3d=1").checksAt("data.paytoken_token.same", tfjsonpath.New)...)
	r := &runs{}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(r),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, map[string]simkit.Credential{"sipay": same}, "") + secretVariables("same_secret", "other_secret") + `
ephemeral "paytoken_token" "same" {
  count   = 3
  gateway = "sipay"
  sipay = {
    app_id     = ` + hclString(same.Settings["app_id"]) + `
    app_secret = var.same_secret
  }
}

ephemeral "paytoken_token" "same_from_provider" {
  gateway = "sipay"
}

data "paytoken_token" "same" {
  gateway = "sipay"
}

ephemeral "paytoken_token" "other" {
  gateway = "sipay"
  sipay = {
    app_id     = ` + hclString(other.Settings["app_id"]) + `
    app_secret = var.other_secret
  }
}

provider "echo" {
  data = merge(
    { for i, t in ephemeral.paytoken_token.same : "same_${i}" => ` + tokenResults("t") + ` },
    {
      same_from_provider = ` + tokenResults("ephemeral.paytoken_token.same_from_provider") + `
      other              = ` + tokenResults("ephemeral.paytoken_token.other") + `
    },
  )
}
resource "echo" "t" {}
`,
			ConfigVariables: config.Variables{
				"same_secret":  config.StringVariable(same.Settings["app_secret"]),
				"other_secret": config.StringVariable(other.Settings["app_secret"]),
			},
			ConfigStateChecks: checks,
		}},
	})
	everyRunCalls(t, r, 2, "one call for each of two merchants, however their credentials were given")
}

// TestAccTokenCredentials_onlyOnToken gets Tahsilat and iyzico tokens whose
// keys are on the token alone, the provider giving nothing but base URLs;
// then with the provider's keys of another merchant, or wrong ones, which
// the token's own beat, each value falling back to the provider's on its
// own.
func TestAccTokenCredentials_onlyOnToken(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	urls := func(extra map[string]string) string {
		var b strings.Builder
		b.WriteString("provider \"paytoken\" {\n")
		for _, gw := range []string{"iyzico", "tahsilat"} {
			fmt.Fprintf(&b, "  %s = {\n    base_url = %q\n%s  }\n", gw, sb.Gateway(gw).BaseURL, extra[gw])
		}
		b.WriteString("}\n")
		return b.String()
	}
	tokens := secretVariables("tahsilat_secret_key", "iyzico_secret_key", "session_token") + `
ephemeral "paytoken_token" "tahsilat_secret" {
  gateway  = "tahsilat"
  tahsilat = { secret_key = var.tahsilat_secret_key }
}

ephemeral "paytoken_token" "tahsilat_public" {
  gateway = "tahsilat"
  tahsilat = {
    key        = "public"
    public_key = "` + tahsilatsim.PublicKey3DOnly + `"
  }
}

ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"
  iyzico = {
    api_key           = "` + iyzicosim.APIKey2 + `"
    secret_key        = var.iyzico_secret_key
    session_token     = var.session_token
    member_identifier = "` + iyzicosim.MemberIdentifier1 + `"
  }
}

provider "echo" {
  data = {
    tahsilat_secret = ` + tokenResults("ephemeral.paytoken_token.tahsilat_secret") + `
    tahsilat_public = ` + tokenResults("ephemeral.paytoken_token.tahsilat_public") + `
    iyzico          = ` + tokenResults("ephemeral.paytoken_token.iyzico") + `
  }
}
`
	vars := config.Variables{
		"tahsilat_secret_key": config.StringVariable(tahsilatsim.SecretKey),
		"iyzico_secret_key":   config.StringVariable(iyzicosim.SecretKey2),
		"session_token":       config.StringVariable(iyzicosim.SessionToken1),
	}
	data := tfjsonpath.New("data")
	checks := func(addr string) []statecheck.StateCheck {
		var out []statecheck.StateCheck
		out = append(out, capabilityCaseOf(t, "tahsilat", "full (secret key)").resultChecks(addr, data.AtMapKey("tahsilat_secret"))...)
		out = append(out, capabilityCaseOf(t, "tahsilat", "3d-only (public key)").resultChecks(addr, data.AtMapKey("tahsilat_public"))...)
		out = append(out, capabilityCaseOf(t, "iyzico", "member-42").resultChecks(addr, data.AtMapKey("iyzico"))...)
		for _, k := range []string{"tahsilat_secret", "tahsilat_public"} {
			out = append(out, statecheck.ExpectKnownValue(addr, data.AtMapKey(k).AtMapKey("token_sha256"), issuedBy(sb.Gateway("tahsilat").Emulator)))
		}
		return append(out, statecheck.ExpectKnownValue(addr, data.AtMapKey("iyzico").AtMapKey("token_sha256"), issuedBy(sb.Gateway("iyzico").Emulator)))
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config:            urls(nil) + tokens + "resource \"echo\" \"only_on_token\" {}\n",
				ConfigVariables:   vars,
				ConfigStateChecks: checks("echo.only_on_token"),
			},
			{
				// The provider's Tahsilat keys are the 3D-only merchant's
				// (no 2D); its iyzico api_key is the second merchant's,
				// which the token does not repeat, with a wrong secret key
				// and another member's session, which the token's beat.
				Config: urls(map[string]string{
					"tahsilat": fmt.Sprintf("    secret_key = %q\n    public_key = %q\n", tahsilatsim.SecretKey3DOnly, tahsilatsim.PublicKey),
					"iyzico": fmt.Sprintf("    api_key = %q\n    secret_key = \"wrong-iyzico-secret-key-0123\"\n    session_token = %q\n    member_identifier = %q\n",
						iyzicosim.APIKey2, iyzicosim.SessionToken2, iyzicosim.MemberIdentifier2),
				}) + strings.Replace(tokens, `    api_key           = "`+iyzicosim.APIKey2+`"`+"\n", "", 1) + "resource \"echo\" \"over_provider\" {}\n",
				ConfigVariables:   vars,
				ConfigStateChecks: checks("echo.over_provider"),
			},
		},
	})
}

// TestAccTokenCredentials_host checks that a host picked from credentials
// follows the one actually sent, the token's own or the provider's:
// Tahsilat's key prefixes choose the sandbox unless sandbox or base_url is
// set on the provider. Hosts other
// than loopback are refused by the test's transport, so each diagnostic
// shows the host chosen without the network being used.
func TestAccTokenCredentials_host(t *testing.T) {
	clearProviderEnv(t)
	unreachable := func(host string) *regexp.Regexp {
		return errorPattern(`Tahsilat could not be reached at ` + regexp.QuoteMeta(host) + `: .*the test transport refuses`)
	}
	const liveSecret, livePublic = "sk_live_provider_0123456789abcdefTahsilat", "pk_live_token_0123456789abcdefTahsilat"
	provider := func(settings string) string {
		return "provider \"paytoken\" {\n  max_retries = 0\n  tahsilat = {\n" + settings + "  }\n}\n"
	}
	steps := []struct {
		name, provider, token string
		want                  *regexp.Regexp
	}{
		{"a test key on the token, nothing on the provider", provider(""),
			fmt.Sprintf("  tahsilat = { secret_key = %q }\n", tahsilatsim.SecretKey), unreachable(tahsilat.SandboxURL)},
		{"a test public key on the token beats the provider's live secret key", provider(fmt.Sprintf("    secret_key = %q\n", liveSecret)),
			fmt.Sprintf("  tahsilat = {\n    key        = \"public\"\n    public_key = %q\n  }\n", tahsilatsim.PublicKey), unreachable(tahsilat.SandboxURL)},
		{"a live key on the token beats the provider's test key", provider(fmt.Sprintf("    secret_key = %q\n", tahsilatsim.SecretKey)),
			fmt.Sprintf("  tahsilat = {\n    key        = \"public\"\n    public_key = %q\n  }\n", livePublic), unreachable(tahsilat.ProductionURL)},
		// The key sent decides, not another key the token carries: a test
		// public key never sends the provider's live secret key to the
		// sandbox, nor a live secret key the provider's test public key to
		// production.
		{"the provider's live secret key, sent for key = secret, goes to production whatever public key the token carries",
			provider(fmt.Sprintf("    secret_key = %q\n", liveSecret)),
			fmt.Sprintf("  tahsilat = {\n    key        = \"secret\"\n    public_key = %q\n  }\n", tahsilatsim.PublicKey), unreachable(tahsilat.ProductionURL)},
		{"the provider's test public key, sent for key = public, goes to the sandbox whatever secret key the token carries",
			provider(fmt.Sprintf("    public_key = %q\n", tahsilatsim.PublicKey)),
			fmt.Sprintf("  tahsilat = {\n    key        = \"public\"\n    secret_key = %q\n  }\n", liveSecret), unreachable(tahsilat.SandboxURL)},
		{"with no key on the token, the provider's key sent decides, not its other key",
			provider(fmt.Sprintf("    secret_key = %q\n    public_key = %q\n", liveSecret, tahsilatsim.PublicKey)),
			"  tahsilat = { key = \"public\" }\n", unreachable(tahsilat.SandboxURL)},
		{"sandbox = false on the provider wins over the token's test key", provider("    sandbox = false\n"),
			fmt.Sprintf("  tahsilat = { secret_key = %q }\n", tahsilatsim.SecretKey), unreachable(tahsilat.ProductionURL)},
		{"base_url on the provider wins over the token's live key", provider("    base_url = \"https://tahsilat-proxy.example.com\"\n"),
			fmt.Sprintf("  tahsilat = { secret_key = %q }\n", liveSecret), unreachable("https://tahsilat-proxy.example.com")},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		testSteps = append(testSteps, resource.TestStep{
			PreConfig:   func() { t.Log(s.name) },
			Config:      s.provider + tokenConfig("tahsilat", s.token),
			ExpectError: s.want,
		})
	}
	if n := unitTestGuarded(t, testSteps); n != int64(len(steps)) {
		t.Errorf("the transport refused %d attempts, want %d: one per step", n, len(steps))
	}
}

// TestAccTokenDataSource_refusesCredentials sets a credential on the data
// source, whose arguments are written to state: every one is refused at
// validation, before any request, and the error never shows the value.
// Where the data source has no block for the gateway, Terraform itself
// refuses it.
func TestAccTokenDataSource_refusesCredentials(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	const secret = "sk_test_refused_on_the_data_source_0123Tahsilat"
	cases := []struct {
		name, block, want string
	}{
		{"sipay, which has no block on the data source", `sipay = { app_id = "merchant-1", app_secret = var.secret }`,
			`Unsupported argument.*An argument named "sipay" is not expected here`},
		{"tahsilat secret_key", `tahsilat = { key = "secret", secret_key = var.secret }`,
			`Unsupported Argument.*An argument named "secret_key" is not expected here: the paytoken_token data source takes no credentials, ` +
				`because data source arguments are written to state\. It reads with the provider's tahsilat\.secret_key \(or PAYTOKEN_TAHSILAT_SECRET_KEY\)\. ` +
				`Remove tahsilat\.secret_key\. To read for several merchants, use one provider alias per merchant; the paytoken_token ephemeral resource takes tahsilat\.secret_key\.`},
		{"tahsilat public_key", `tahsilat = { key = "public", public_key = var.secret }`, `Unsupported Argument.*"public_key" is not expected here`},
		{"iyzico api_key", `iyzico = { api_key = var.secret }`, `Unsupported Argument.*"api_key" is not expected here.*iyzico\.api_key \(or PAYTOKEN_IYZICO_API_KEY\)`},
		{"iyzico secret_key", `iyzico = { secret_key = var.secret, locale = "en" }`, `Unsupported Argument.*"secret_key" is not expected here`},
		{"iyzico session_token", `iyzico = { session_token = var.secret }`,
			`Unsupported Argument.*"session_token" is not expected here.*iyzico\.session_token \(or PAYTOKEN_IYZICO_SESSION_TOKEN\)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gateway, _, _ := strings.Cut(c.block, " ")
			check, failed := expectError(t, c.want, secret)
			unitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(nil),
				ErrorCheck:               check,
				Steps: []resource.TestStep{{
					Config: providerConfig(sb, map[string]simkit.Credential{gateway: credential(t, sb, gateway, "")}, "") + fmt.Sprintf(`
variable "secret" {
  type      = string
  sensitive = true
}

data "paytoken_token" "t" {
  gateway = %q
  %s
}
`, gateway, c.block),
					ConfigVariables: config.Variables{"secret": config.StringVariable(secret)},
				}},
			})
			if !failed() {
				t.Errorf("the data source took %s; want an error matching %q", c.name, c.want)
			}
		})
	}
	for gw, n := range sb.Calls() {
		if n != 0 {
			t.Errorf("%s received %d requests; a credential on the data source must be refused before any request", gw, n)
		}
	}
}

// TestAccTokenCredentials_unknownProviderSetting gives the provider a
// Sipay secret that is unknown until apply: a token that carries its own
// secret is opened at plan all the same, since the provider's is not used.
func TestAccTokenCredentials_unknownProviderSetting(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	c := credential(t, sb, "sipay", "is_3d=0")
	r := &runs{}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(r),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "later" {
  input = "known only at apply"
}

provider "paytoken" {
  sipay = {
    base_url   = %q
    app_secret = terraform_data.later.output
  }
}

`+secretVariables("app_secret")+`ephemeral "paytoken_token" "t" {
  gateway = "sipay"
  sipay = {
    app_id     = %q
    app_secret = var.app_secret
  }
}

provider "echo" {
  data = `+tokenResults("ephemeral.paytoken_token.t")+`
}
resource "echo" "t" {}
`, sb.Gateway("sipay").BaseURL, c.Settings["app_id"]),
			ConfigVariables:   config.Variables{"app_secret": config.StringVariable(c.Settings["app_secret"])},
			ConfigStateChecks: capabilityCaseOf(t, "sipay", "is_3d=0").resultChecks("echo.t", tfjsonpath.New("data")),
		}},
	})
	everyRunCalls(t, r, 1, "the token is opened in every run, plan included")
}

// TestTokenSchema_credentials checks the schemas built from every
// registered gateway's Spec: the ephemeral resource's block takes each
// setting marked PerToken, sensitive when the setting is, and no name in a
// block is both a credential and a token argument; the data source takes
// none, declaring it at most to refuse it.
func TestTokenSchema_credentials(t *testing.T) {
	ctx := context.Background()
	var eph ephemeral.SchemaResponse
	(&TokenEphemeralResource{}).Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	var ds datasource.SchemaResponse
	(&TokenDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &ds)
	marked := 0
	for _, spec := range gateways.All() {
		creds := spec.TokenSettings()
		marked += len(creds)
		for _, f := range creds {
			for _, a := range spec.Args {
				if a.Name == f.Name {
					t.Errorf("%s: %s is both a credential a token carries and a token argument", spec.Name, f.Name)
				}
			}
			block, ok := eph.Schema.Attributes[spec.Name].(ephschema.SingleNestedAttribute)
			if !ok {
				t.Fatalf("the ephemeral resource has no %s block", spec.Name)
			}
			a, ok := block.Attributes[f.Name]
			if !ok || !a.IsOptional() || a.IsSensitive() != f.Sensitive {
				t.Errorf("ephemeral %s.%s: present %v, optional %v, sensitive %v; want an optional attribute, sensitive %v",
					spec.Name, f.Name, ok, ok && a.IsOptional(), ok && a.IsSensitive(), f.Sensitive)
			}
			dsBlock, ok := ds.Schema.Attributes[spec.Name].(dsschema.SingleNestedAttribute)
			if !ok {
				continue
			}
			da, ok := dsBlock.Attributes[f.Name].(dsschema.StringAttribute)
			if !ok || !da.Sensitive || !slices.ContainsFunc(da.Validators, func(v validator.String) bool { _, ok := v.(refusedCredential); return ok }) {
				t.Errorf("data source %s.%s is in the schema without being refused", spec.Name, f.Name)
			}
		}
	}
	if marked == 0 {
		t.Fatal("no gateway marks a setting PerToken: the checks above checked nothing")
	}
}

// TestProviderDataToken_tokenSecretInWarning gets a Sipay token with the
// credentials on the token alone from a gateway that quotes the token's
// own secret back as its is_3d, which the warning names: the provider's
// redaction knows the token's secret as it knows the provider's.
func TestProviderDataToken_tokenSecretInWarning(t *testing.T) {
	const appID, appSecret = "echoing-merchant", "echoed-app-secret-5Rk8"
	spec, _ := gateways.Lookup("sipay")
	emu := sipaysim.New(sipaysim.WithMerchant(sipaysim.Merchant{AppID: appID, AppSecret: appSecret, Is3D: json.RawMessage(`"` + appSecret + `"`)}))
	d := &providerData{
		gateways: map[string]*gatewaySettings{"sipay": {spec: spec, values: clients.Values{}, baseURL: sipaysim.BaseURL(serveEmulator(t, emu).URL)}},
		http:     clients.NewHTTP(clients.HTTPOptions{UserAgent: "test"}),
		cache:    newTokenCache(),
		now:      time.Now,
	}
	tok, diags := d.token(context.Background(), tokenRequest{gateway: "sipay", args: clients.Values{"app_id": appID, "app_secret": appSecret},
		minValidFor: time.Minute, reuse: true})
	if diags.HasError() || tok == nil {
		t.Fatalf("no token: %v", diags)
	}
	warnings := diags.Warnings()
	if len(warnings) != 1 || !strings.Contains(warnings[0].Detail(), `is_3d "(redacted)"`) {
		t.Fatalf("warnings %v; want one naming is_3d \"(redacted)\"", warnings)
	}
	if strings.Contains(warnings[0].Detail(), appSecret) {
		t.Error("the warning shows the token's secret")
	}
}
