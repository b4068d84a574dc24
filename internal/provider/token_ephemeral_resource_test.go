package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// flagWant is the expected value of a capability flag: true, false or null.
type flagWant int

const (
	null flagWant = iota
	yes
	no
)

func (w flagWant) check() knownvalue.Check {
	switch w {
	case yes:
		return knownvalue.Bool(true)
	case no:
		return knownvalue.Bool(false)
	}
	return knownvalue.Null()
}

// capabilityCase is one sandbox credential and the results SPEC.md says its
// token has.
type capabilityCase struct {
	gateway, label                         string
	d2, d3, whiteLabel, branded, inst, ch3 flagWant
	scopes                                 []string // nil: null
	lifetime                               time.Duration
	// warning matches the one warning the token comes with; "" for none.
	warning string
}

var capabilityCases = []capabilityCase{
	{gateway: "sipay", label: "is_3d=0", d2: yes, d3: no, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "sipay", label: "is_3d=1", d2: yes, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: yes, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "sipay", label: "is_3d=2", d2: no, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "sipay", label: "is_3d=4", d2: null, d3: null, whiteLabel: no, branded: yes, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "sipay", label: "is_3d=7", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null, scopes: []string{}, lifetime: 2 * time.Hour,
		warning: `Sipay answered is_3d 7, a payment integration mode this provider does not know \(it knows 0, 1, 2 and 4\)`},
	{gateway: "tahsilat", label: "full (secret key)", d2: yes, d3: yes, whiteLabel: yes, branded: null, inst: yes, ch3: null, lifetime: 10 * time.Minute},
	{gateway: "tahsilat", label: "full (public key)", d2: no, d3: yes, whiteLabel: yes, branded: null, inst: yes, ch3: null, lifetime: 10 * time.Minute},
	{gateway: "tahsilat", label: "3d-only (secret key)", d2: no, d3: yes, whiteLabel: yes, branded: null, inst: no, ch3: null, lifetime: 10 * time.Minute},
	{gateway: "tahsilat", label: "3d-only (public key)", d2: no, d3: yes, whiteLabel: yes, branded: null, inst: no, ch3: null, lifetime: 10 * time.Minute},
	{gateway: "iyzico", label: "member-42", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null,
		scopes: []string{"pwi_tp_session_card_auth", "pwi_tp_session_init3ds_auth", "pwi_tp_session_last_payment_retrieve", "pwi_tp_session_fund_auth"}, lifetime: 6 * time.Minute},
	{gateway: "iyzico", label: "müşteri-7", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null,
		scopes: []string{"pwi_tp_session_card_auth", "pwi_tp_session_init3ds_auth", "pwi_tp_session_last_payment_retrieve", "pwi_tp_session_fund_auth"}, lifetime: 6 * time.Minute},
	{gateway: "vepara", label: "is_3d=0", d2: yes, d3: no, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "vepara", label: "is_3d=1", d2: yes, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: yes, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "vepara", label: "is_3d=2", d2: no, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "vepara", label: "is_3d=3", d2: null, d3: null, whiteLabel: no, branded: yes, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "vepara", label: "is_3d=4", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null, scopes: []string{}, lifetime: 2 * time.Hour,
		warning: `Vepara answered is_3d 4, a payment integration mode this provider does not know \(it knows 0, 1, 2 and 3\)`},
	{gateway: "vepara", label: "opaque token", d2: yes, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: yes, lifetime: 2 * time.Hour},
	{gateway: "vepara", label: "no expired_at", d2: no, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "qnbpay", label: "is_3d=0", d2: yes, d3: no, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "qnbpay", label: "is_3d=1", d2: yes, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: yes, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "qnbpay", label: "is_3d=2", d2: no, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "qnbpay", label: "is_3d=4", d2: null, d3: null, whiteLabel: no, branded: yes, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "qnbpay", label: "is_3d=7", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null, scopes: []string{}, lifetime: 2 * time.Hour,
		warning: `QNBpay answered is_3d 7, a payment integration mode this provider does not know \(it knows 0, 1, 2 and 4\)`},
	{gateway: "paybull", label: "is_3d=0", d2: yes, d3: no, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "paybull", label: "is_3d=1", d2: yes, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: yes, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "paybull", label: "is_3d=2", d2: no, d3: yes, whiteLabel: yes, branded: no, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "paybull", label: "is_3d=4", d2: null, d3: null, whiteLabel: no, branded: yes, inst: null, ch3: no, scopes: []string{}, lifetime: 2 * time.Hour},
	{gateway: "paybull", label: "is_3d=7", d2: null, d3: null, whiteLabel: null, branded: null, inst: null, ch3: null, scopes: []string{}, lifetime: 2 * time.Hour,
		warning: `PayBull answered is_3d 7, a payment integration mode this provider does not know \(it knows 0, 1, 2 and 4\)`},
	{gateway: "hepsipay", label: "documented", lifetime: 43199 * time.Second},
	{gateway: "hepsipay", label: "jwt-scoped", scopes: []string{"payment", "installment"}, lifetime: 43199 * time.Second},
	{gateway: "hepsipay", label: "jwt-no-expires-in", lifetime: 90 * time.Minute},
	{gateway: "hepsipay", label: "bearer-capitalised", lifetime: 3599 * time.Second},
	{gateway: "hepsipay", label: "opaque-no-expires-in", lifetime: time.Hour},
	{gateway: "paynkolay", label: "documented", lifetime: 30 * time.Minute},
	{gateway: "paynkolay", label: "second merchant", lifetime: 30 * time.Minute},
	{gateway: "paynkolay", label: "JWT without exp", lifetime: 30 * time.Minute},
}

// resultChecks checks an object's token results at base against c.
func (c capabilityCase) resultChecks(resourceAddr string, base tfjsonpath.Path) []statecheck.StateCheck {
	return c.checksAt(resourceAddr, func(name string) tfjsonpath.Path { return base.AtMapKey(name) })
}

// checksAt checks the token results of resourceAddr, each found with at.
func (c capabilityCase) checksAt(resourceAddr string, at func(string) tfjsonpath.Path) []statecheck.StateCheck {
	scopes := knownvalue.Check(knownvalue.Null())
	if c.scopes != nil {
		var elems []knownvalue.Check
		for _, s := range c.scopes {
			elems = append(elems, knownvalue.StringExact(s))
		}
		scopes = knownvalue.ListExact(elems)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(resourceAddr, at("supports_2d"), c.d2.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("supports_3d"), c.d3.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("supports_white_label"), c.whiteLabel.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("supports_branded"), c.branded.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("supports_installment"), c.inst.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("requires_3d_choice"), c.ch3.check()),
		statecheck.ExpectKnownValue(resourceAddr, at("scopes"), scopes),
		statecheck.ExpectKnownValue(resourceAddr, at("issued_at"), rfc3339Within(-time.Minute, time.Minute)),
		statecheck.ExpectKnownValue(resourceAddr, at("expires_at"), rfc3339Within(c.lifetime-time.Minute, c.lifetime+time.Minute)),
	}
}

var rfc3339UTC = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// rfc3339Within checks an RFC 3339 UTC timestamp with Z that lies between
// now+from and now+to.
func rfc3339Within(from, to time.Duration) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		if !rfc3339UTC.MatchString(v) {
			return fmt.Errorf("%q is not RFC 3339 in UTC with Z", v)
		}
		ts, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return err
		}
		now := time.Now()
		if ts.Before(now.Add(from)) || ts.After(now.Add(to)) {
			return fmt.Errorf("%s is not between now%+v and now%+v", v, from, to)
		}
		return nil
	})
}

// issuedBy checks a SHA-256 hex digest against the tokens an emulator
// issued, so a test proves the token handed out is exactly the gateway's
// without putting it in state.
func issuedBy(emu simkit.Emulator) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		issued := emu.Issued()
		for _, tok := range issued {
			sum := sha256.Sum256([]byte(tok))
			if hex.EncodeToString(sum[:]) == v {
				return nil
			}
		}
		return fmt.Errorf("digest %s matches none of the %d tokens the emulator issued", v, len(issued))
	})
}

// TestAccTokenEphemeral_capabilities opens a token with every sandbox
// credential of every gateway and reads the results through the echo
// provider: each capability mapping of SPEC.md, scopes, times, the token
// being exactly the one the gateway issued, and the warnings Terraform got
// (for an integration mode a gateway's table does not know), read from the
// provider's log. Cases whose provider settings agree share a step, to keep
// the number of Terraform runs low.
func TestAccTokenEphemeral_capabilities(t *testing.T) {
	sb := startSandbox(t)
	logPath := logDiagnostics(t)
	type step struct {
		settings map[string]map[string]string
		tokens   strings.Builder
		echo     strings.Builder
		checks   []statecheck.StateCheck
	}
	var steps []*step
	for i, c := range capabilityCases {
		cred := credential(t, sb, c.gateway, c.label)
		var st *step
		for _, s := range steps {
			if compatible(s.settings[c.gateway], cred.Settings) {
				st = s
				break
			}
		}
		if st == nil {
			st = &step{settings: map[string]map[string]string{}}
			steps = append(steps, st)
		}
		if st.settings[c.gateway] == nil {
			st.settings[c.gateway] = map[string]string{}
		}
		for k, v := range cred.Settings {
			st.settings[c.gateway][k] = v
		}
		name := fmt.Sprintf("c%d", i)
		fmt.Fprintf(&st.tokens, "ephemeral \"paytoken_token\" %q {\n  gateway = %q\n%s}\n\n", name, c.gateway, tokenArgs(c.gateway, cred))
		fmt.Fprintf(&st.echo, "    %s = merge(ephemeral.paytoken_token.%s, { access_token = null, token_sha256 = sha256(ephemeral.paytoken_token.%s.access_token) })\n",
			name, name, name)
		base := tfjsonpath.New("data").AtMapKey(name)
		// Each step has its own echo resource: echo records its provider's
		// data when the resource is created.
		addr := fmt.Sprintf("echo.s%d", slices.Index(steps, st))
		st.checks = append(st.checks, c.resultChecks(addr, base)...)
		st.checks = append(st.checks, statecheck.ExpectKnownValue(addr, base.AtMapKey("token_sha256"), issuedBy(sb.Gateway(c.gateway).Emulator)))
	}
	var testSteps []resource.TestStep
	for i, st := range steps {
		creds := map[string]simkit.Credential{}
		for gw, settings := range st.settings {
			creds[gw] = simkit.Credential{Settings: settings}
		}
		testSteps = append(testSteps, resource.TestStep{
			Config: providerConfig(sb, creds, "") + st.tokens.String() +
				"provider \"echo\" {\n  data = {\n" + st.echo.String() + "  }\n}\n\n" +
				fmt.Sprintf("resource \"echo\" \"s%d\" {}\n", i),
			ConfigStateChecks: st.checks,
		})
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps:                    testSteps,
	})

	// Every expected warning came, with the gateway's summary, and no other.
	warnings := warningsLogged(t, logPath)
	want := map[string]bool{}
	for _, c := range capabilityCases {
		if c.warning == "" {
			continue
		}
		spec, _ := gateways.Lookup(c.gateway)
		found := false
		for _, w := range warnings {
			if w.summary == spec.Title+" Token Warning" && errorPattern(c.warning).MatchString(w.detail) {
				found, want[w.detail] = true, true
			}
		}
		if !found {
			t.Errorf("%s %s: no warning matching %q among the %d Terraform got", c.gateway, c.label, c.warning, len(warnings))
		}
	}
	for _, w := range warnings {
		if !want[w.detail] {
			t.Errorf("unexpected warning %q: %s", w.summary, w.detail)
		}
	}
}

// logDiagnostics sends the provider's log, as JSON at TRACE, to a file of
// the test's own and returns its path. Terraform's protocol layer logs
// every diagnostic the provider returns, so a test can read the warnings
// the testing framework does not show.
func logDiagnostics(t *testing.T) string {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_LOG", "JSON")
	return logPath
}

// loggedDiagnostic is a diagnostic the provider returned to Terraform.
type loggedDiagnostic struct{ summary, detail string }

// warningsLogged returns the warning diagnostics in the log at path, each
// once: Terraform opens a token at plan and again at apply.
func warningsLogged(t *testing.T, path string) []loggedDiagnostic {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the provider wrote no log: %v", err)
	}
	seen := map[loggedDiagnostic]bool{}
	var out []loggedDiagnostic
	for _, line := range strings.Split(string(data), "\n") {
		var entry struct {
			Message  string `json:"@message"`
			Severity string `json:"diagnostic_severity"`
			Summary  string `json:"diagnostic_summary"`
			Detail   string `json:"diagnostic_detail"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Message != "Response contains warning diagnostic" {
			continue
		}
		d := loggedDiagnostic{entry.Summary, entry.Detail}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// compatible reports whether settings can be merged into have without
// changing a value.
func compatible(have, settings map[string]string) bool {
	for k, v := range settings {
		if old, ok := have[k]; ok && old != v {
			return false
		}
	}
	return true
}

// TestAccTokenEphemeral_envOnly configures every registered gateway from
// environment variables alone, with an empty provider block.
func TestAccTokenEphemeral_envOnly(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	for k, v := range sb.Env() {
		t.Setenv(k, v)
	}
	var tokens, echo strings.Builder
	var checks []statecheck.StateCheck
	for _, gw := range gateways.Names() {
		fmt.Fprintf(&tokens, "ephemeral \"paytoken_token\" %q {\n  gateway = %q\n}\n", gw, gw)
		fmt.Fprintf(&echo, "    %s = sha256(ephemeral.paytoken_token.%s.access_token)\n", gw, gw)
		checks = append(checks, statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey(gw), issuedBy(sb.Gateway(gw).Emulator)))
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config:            "provider \"paytoken\" {}\n\n" + tokens.String() + "\nprovider \"echo\" {\n  data = {\n" + echo.String() + "  }\n}\nresource \"echo\" \"t\" {}\n",
			ConfigStateChecks: checks,
		}},
	})
}

// TestAccTokenEphemeral_otherDeployment gets a token with gateway = "sipay"
// from another deployment of Sipay's platform, reached through base_url:
// QNBpay's and PayBull's emulators stand in for the deployments no gateway
// of its own names, such as Halk Öde. The results follow Sipay's table.
func TestAccTokenEphemeral_otherDeployment(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	for _, deployment := range []string{"qnbpay", "paybull"} {
		t.Run(deployment, func(t *testing.T) {
			i := slices.IndexFunc(capabilityCases, func(c capabilityCase) bool { return c.gateway == deployment && c.label == "is_3d=2" })
			c := capabilityCases[i]
			cred := credential(t, sb, deployment, c.label)
			block := fmt.Sprintf("provider \"paytoken\" {\n  sipay = {\n    base_url = %q\n%s  }\n}\n", sb.Gateway(deployment).BaseURL, hclObject(cred.Settings))
			unitTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(nil),
				Steps: []resource.TestStep{{
					Config: block + echoToken("sipay"),
					ConfigStateChecks: append(c.resultChecks("echo.t", tfjsonpath.New("data")),
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("token_sha256"), issuedBy(sb.Gateway(deployment).Emulator))),
				}},
			})
			if n := sb.Gateway("sipay").Emulator.Faults().Calls(); n != 0 {
				t.Errorf("Sipay's own emulator received %d requests; the base_url should have sent them to %s's", n, deployment)
			}
		})
	}
}

// TestAccTokenEphemeral_wiring feeds tokens of all three gateways into
// another provider's configuration, the way users wire tokens into other
// providers, and checks each arrives intact.
func TestAccTokenEphemeral_wiring(t *testing.T) {
	sb := startSandbox(t)
	creds := map[string]simkit.Credential{
		"sipay":    credential(t, sb, "sipay", "is_3d=1"),
		"tahsilat": credential(t, sb, "tahsilat", "full (secret key)"),
		"iyzico":   credential(t, sb, "iyzico", "member-42"),
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, creds, "") + `
ephemeral "paytoken_token" "sipay" {
  gateway = "sipay"
}
ephemeral "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}
ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"
}

locals {
  headers = {
    sipay    = "Bearer ${ephemeral.paytoken_token.sipay.access_token}"
    tahsilat = "Bearer ${ephemeral.paytoken_token.tahsilat.access_token}"
    iyzico   = "Bearer ${ephemeral.paytoken_token.iyzico.access_token}"
  }
}

provider "echo" {
  data = { for k, v in local.headers : k => sha256(trimprefix(v, "Bearer ")) }
}
resource "echo" "t" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("sipay"), issuedBy(sb.Gateway("sipay").Emulator)),
				statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("tahsilat"), issuedBy(sb.Gateway("tahsilat").Emulator)),
				statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data").AtMapKey("iyzico"), issuedBy(sb.Gateway("iyzico").Emulator)),
			},
		}},
	})
}

// reuseConfig renders n identical sipay tokens, all read by echo.
func reuseConfig(sb *sandbox.Sandbox, cred simkit.Credential, n int, reuse bool) string {
	cfg := providerConfig(sb, map[string]simkit.Credential{"sipay": cred}, "")
	cfg += fmt.Sprintf(`
ephemeral "paytoken_token" "t" {
  count   = %d
  gateway = "sipay"
  reuse   = %t
}

provider "echo" {
  data = [for t in ephemeral.paytoken_token.t : sha256(t.access_token)]
}
resource "echo" "t" {}
`, n, reuse)
	return cfg
}

// TestAccTokenEphemeral_reuse opens N identical tokens. With reuse, each
// Terraform run makes exactly one gateway call and hands the same token to
// all N. With reuse = false, every open makes its own call: a run sends a
// multiple of N requests (one apply command opens each token at plan and
// again at apply) and the N tokens all differ.
func TestAccTokenEphemeral_reuse(t *testing.T) {
	const n = 5
	sb := startSandbox(t)
	cred := credential(t, sb, "sipay", "is_3d=1")
	for _, reuse := range []bool{true, false} {
		t.Run(fmt.Sprintf("reuse=%t", reuse), func(t *testing.T) {
			r := &runs{}
			distinct := 1
			if !reuse {
				distinct = n
			}
			unitTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(r),
				Steps: []resource.TestStep{{
					Config: reuseConfig(sb, cred, n, reuse),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data"), knownvalue.ListSizeExact(n)),
						statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data"), distinctElements{distinct}),
					},
				}},
			})
			got := r.requesting()
			if len(got) == 0 {
				t.Fatal("no Terraform run sent a token request")
			}
			for i, calls := range got {
				if reuse && calls != 1 || !reuse && calls%n != 0 {
					t.Errorf("run %d of %d sent %d token requests for %d identical tokens with reuse = %t (all runs: %v); want %s",
						i+1, len(got), calls, n, reuse, got, map[bool]string{true: "1", false: fmt.Sprintf("a multiple of %d", n)}[reuse])
				}
			}
		})
	}
}

// stateFunc is a state check over the whole state, for what no single
// value shows: that no secret is anywhere in it, or that an attribute is
// absent. Values are checked with knownvalue checks (checks_test.go).
type stateFunc func(state *tfjson.State) error

func (f stateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = errors.New("no state")
		return
	}
	resp.Error = f(req.State)
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestAccTokenEphemeral_veparaExpiry checks where a Vepara token's expiry
// comes from, against an emulator whose clock is 30 minutes behind, so the
// gateway's times (the JWT's iat and exp, expired_at) and the receipt time
// tell the sources apart: a JWT's exp, whatever expired_at says; else
// expired_at, read as Turkey time; else the receipt time plus 2 hours, with
// a warning when expired_at could not be read.
func TestAccTokenEphemeral_veparaExpiry(t *testing.T) {
	const skew = 30 * time.Minute
	cases := []struct {
		name            string
		merchant        sipaysim.Merchant
		expires, issued time.Duration // from now
		scopes          knownvalue.Check
		warning         string
	}{
		{name: "jwt_without_expired_at", merchant: sipaysim.Merchant{OmitExpiresAt: true},
			expires: 2*time.Hour - skew, issued: -skew, scopes: knownvalue.ListSizeExact(0)},
		{name: "jwt_with_expired_at_far_off", merchant: sipaysim.Merchant{ExpiresAt: "2020-01-01 00:00:00"},
			expires: 2*time.Hour - skew, issued: -skew, scopes: knownvalue.ListSizeExact(0)},
		{name: "opaque_with_expired_at", merchant: sipaysim.Merchant{OpaqueToken: true},
			expires: 2*time.Hour - skew, scopes: knownvalue.Null()},
		{name: "opaque_without_expired_at", merchant: sipaysim.Merchant{OpaqueToken: true, OmitExpiresAt: true},
			expires: 2 * time.Hour, scopes: knownvalue.Null()},
		{name: "opaque_with_unreadable_expired_at", merchant: sipaysim.Merchant{OpaqueToken: true, ExpiresAt: "15.08.2023 17:30"},
			expires: 2 * time.Hour, scopes: knownvalue.Null(),
			warning: `Vepara's expired_at "15\.08\.2023 17:30" could not be read as Turkey time in the form YYYY-MM-DD hh:mm:ss, so the expiry was taken as the time the answer was received plus 2 hours instead`},
	}
	var opts []sipaysim.Option
	for _, c := range cases {
		m := c.merchant
		m.AppID, m.AppSecret, m.Is3D = "expiry-"+c.name, "expiry-secret-"+c.name, json.RawMessage(`1`)
		opts = append(opts, sipaysim.WithMerchant(m))
	}
	emu := veparasim.New(append(opts, sipaysim.WithClock(func() time.Time { return time.Now().Add(-skew) }))...)
	base := veparasim.BaseURL(serveEmulator(t, emu).URL)
	clearProviderEnv(t)
	logPath := logDiagnostics(t)

	// One step per merchant: provider aliases would share one provider
	// instance under the testing framework, and with it one configuration.
	var steps []resource.TestStep
	for i, c := range cases {
		addr := fmt.Sprintf("echo.s%d", i)
		at := tfjsonpath.New("data")
		steps = append(steps, resource.TestStep{
			Config: fmt.Sprintf(`
provider "paytoken" {
  vepara = {
    base_url   = %q
    app_id     = %q
    app_secret = %q
  }
}

ephemeral "paytoken_token" "t" {
  gateway = "vepara"
}

provider "echo" {
  data = merge(ephemeral.paytoken_token.t, { access_token = sha256(ephemeral.paytoken_token.t.access_token) })
}
resource "echo" "s%d" {}
`, base, "expiry-"+c.name, "expiry-secret-"+c.name, i),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, at.AtMapKey("access_token"), issuedBy(emu)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("expires_at"), rfc3339Within(c.expires-time.Minute, c.expires+time.Minute)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("issued_at"), rfc3339Within(c.issued-time.Minute, c.issued+time.Minute)),
				statecheck.ExpectKnownValue(addr, at.AtMapKey("scopes"), c.scopes),
			},
		})
	}
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps:                    steps,
	})

	// The one warning, at plan and at apply, each with its own receipt time.
	const unreadable = 4
	warnings := warningsLogged(t, logPath)
	if len(warnings) == 0 {
		t.Errorf("no warning; want a Vepara Token Warning matching %q", cases[unreadable].warning)
	}
	for _, w := range warnings {
		if w.summary != "Vepara Token Warning" || !errorPattern(cases[unreadable].warning).MatchString(w.detail) {
			t.Errorf("warning %q: %s; want a Vepara Token Warning matching %q", w.summary, w.detail, cases[unreadable].warning)
		}
	}
}
