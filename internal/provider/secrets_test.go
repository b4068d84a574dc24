package provider

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// secretSet is every secret of a test run: the credentials given to the
// provider and the tokens the gateways issued, which are known only as the
// run goes, so they are read at each check.
type secretSet struct {
	fixed []string
	sb    *sandbox.Sandbox
}

func (s secretSet) all() []string {
	return append(append([]string(nil), s.fixed...), s.sb.Issued()...)
}

// find returns a description of the first secret in data, or "".
func (s secretSet) find(data []byte) string {
	for i, sec := range s.all() {
		if strings.Contains(string(data), sec) {
			if i < len(s.fixed) {
				return fmt.Sprintf("credential #%d (%d characters)", i+1, len(sec))
			}
			return fmt.Sprintf("issued token #%d", i-len(s.fixed)+1)
		}
	}
	return ""
}

type planFunc func(plan *tfjson.Plan) error

func (f planFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

// TestAccSecrets_neverStoredOrLogged runs a real plan and apply that opens
// tokens of every registered gateway, reads every data source and wires
// the tokens into another provider, with the provider logging at TRACE. It
// then scans the saved plan's JSON, the state's JSON, the raw state file
// and the provider's log for every credential and every issued token.
//
// Credentials come the way the documentation recommends, from environment
// variables and ephemeral variables: Terraform itself copies literal values
// of a configuration into plan files, whatever the provider does. Besides
// the provider's, each gateway's second merchant's secrets are carried by
// a token itself; Tahsilat's public key and iyzico's per-token session are
// opened too.
func TestAccSecrets_neverStoredOrLogged(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	leak := leakConfig(t, sb)
	secrets := secretSet{fixed: leak.fixed, sb: sb}

	dir := t.TempDir()
	workDirs := filepath.Join(dir, "work")
	if err := os.Mkdir(workDirs, 0o700); err != nil {
		t.Fatal(err)
	}
	// The test framework makes its Terraform working directories here, so
	// the raw state files it writes can be read.
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	logPath := filepath.Join(dir, "provider.log")
	t.Setenv("TF_LOG_PATH", logPath)
	t.Setenv("TF_ACC_PERSIST_WORKING_DIR", "")
	t.Setenv("TF_LOG", "JSON")
	t.Setenv("TF_LOG_PROVIDER", "TRACE")

	scanPlan := planFunc(func(plan *tfjson.Plan) error {
		raw, err := json.Marshal(plan)
		if err != nil {
			return err
		}
		if hit := secrets.find(raw); hit != "" {
			return fmt.Errorf("the saved plan's JSON holds %s", hit)
		}
		return nil
	})
	scanState := stateFunc(func(state *tfjson.State) error {
		raw, err := json.Marshal(state)
		if err != nil {
			return err
		}
		if hit := secrets.find(raw); hit != "" {
			return fmt.Errorf("the state's JSON holds %s", hit)
		}
		files, err := rawStateFiles(workDirs)
		if err != nil {
			return err
		}
		for path, file := range files {
			if hit := secrets.find(file); hit != "" {
				return fmt.Errorf("the raw state file %s holds %s", path, hit)
			}
		}
		return nil
	})

	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config:          leak.config,
			ConfigVariables: leak.vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{scanPlan},
				PostApplyPostRefresh: []plancheck.PlanCheck{scanPlan},
			},
			ConfigStateChecks: []statecheck.StateCheck{scanState},
		}},
	})

	if n := len(sb.Issued()); n < leak.tokens {
		t.Fatalf("the gateways issued %d tokens; the run should have asked for at least %d", n, leak.tokens)
	}
	for _, name := range gateways.Names() {
		if sb.Calls()[name] < 2 {
			t.Errorf("the run asked %s for %d tokens, fewer than its two merchants; its secrets were not all scanned for", name, sb.Calls()[name])
		}
	}
	scanProviderLog(t, logPath, secrets)
}

// leakRun is the configuration of the leak scan and what it looks for.
type leakRun struct {
	config string
	vars   config.Variables
	// fixed are the credentials given to the provider and the tokens, by
	// environment variable or by ephemeral variable.
	fixed []string
	// tokens is how many ephemeral tokens the configuration opens.
	tokens int
}

// leakConfig builds the leak scan's configuration from the registry: for
// every gateway, a token with the provider's credentials (from the
// environment, as sandbox.Env gives them), a data source, and a token that
// carries a second merchant's credentials itself, its secrets from
// ephemeral variables. It fails when an emulator offers no second merchant
// whose secrets all differ from the first's, since the scan would then
// look for one merchant only.
func leakConfig(t *testing.T, sb *sandbox.Sandbox) leakRun {
	t.Helper()
	run := leakRun{vars: config.Variables{}}
	for k, v := range sb.Env() {
		t.Setenv(k, v)
	}
	var tokens, data, variables strings.Builder
	var echo []string
	ephemeralToken := func(label, gateway, block string) {
		fmt.Fprintf(&tokens, "ephemeral \"paytoken_token\" %q {\n  gateway = %q\n%s}\n\n", label, gateway, block)
		echo = append(echo, fmt.Sprintf("    %s = sha256(ephemeral.paytoken_token.%s.access_token)\n", label, label))
		run.tokens++
	}
	// secret declares an ephemeral variable holding value and returns its
	// reference.
	secret := func(name, value string) string {
		variables.WriteString(secretVariables(name))
		run.vars[name] = config.StringVariable(value)
		run.fixed = append(run.fixed, value)
		return "var." + name
	}
	for _, spec := range gateways.All() {
		creds := sb.Gateway(spec.Name).Emulator.Credentials()
		for _, f := range append(slices.Clone(spec.Settings), spec.Args...) {
			if v := sb.Env()[clients.EnvVar(spec.Name, f.Name)]; f.Sensitive && v != "" {
				run.fixed = append(run.fixed, v)
			}
		}
		ephemeralToken(spec.Name, spec.Name, "")
		fmt.Fprintf(&data, "data \"paytoken_token\" %q {\n  gateway = %q\n}\n\n", spec.Name, spec.Name)

		own, ok := secondMerchant(spec, creds)
		if !ok {
			t.Fatalf("the %s emulator offers no second merchant whose secrets all differ from the first's", spec.Name)
		}
		var block strings.Builder
		for _, f := range spec.TokenSettings() {
			v := own.Settings[f.Name]
			switch {
			case v == "":
			case f.Sensitive:
				fmt.Fprintf(&block, "    %s = %s\n", f.Name, secret(spec.Name+"_"+f.Name, v))
			default:
				fmt.Fprintf(&block, "    %s = %s\n", f.Name, hclString(v))
			}
		}
		ephemeralToken(spec.Name+"_own", spec.Name, fmt.Sprintf("  %s = {\n%s  }\n", spec.Name, block.String()))
	}
	// What only one gateway has: Tahsilat's public key, iyzico's session
	// and member given per token.
	ephemeralToken("tahsilat_public", "tahsilat", "  tahsilat = { key = \"public\" }\n")
	arg := credential(t, sb, "iyzico", "müşteri-7")
	ephemeralToken("iyzico_session", "iyzico", fmt.Sprintf("  iyzico = {\n    session_token     = %s\n    member_identifier = %s\n    conversation_id   = %s\n  }\n",
		secret("iyzico_session_token", arg.Args["session_token"]), hclString(arg.Args["member_identifier"]), hclString(arg.Args["conversation_id"])))

	// iyzico's session_token is both a setting and an argument.
	run.fixed = slices.Compact(slices.Sorted(slices.Values(run.fixed)))
	if len(run.fixed) < 2*len(gateways.Names()) {
		t.Fatalf("expected at least %d distinct credentials to look for, have %d", 2*len(gateways.Names()), len(run.fixed))
	}
	run.config = variables.String() + "provider \"paytoken\" {}\n\n" + tokens.String() + data.String() +
		"provider \"echo\" {\n  data = {\n" + strings.Join(echo, "") + "  }\n}\nresource \"echo\" \"t\" {}\n"
	return run
}

// secondMerchant returns the first of creds after the first whose secrets
// that a token may carry are all set and all differ from the first's.
func secondMerchant(spec *clients.Spec, creds []simkit.Credential) (simkit.Credential, bool) {
	if len(creds) == 0 {
		return simkit.Credential{}, false
	}
next:
	for _, c := range creds[1:] {
		for _, f := range spec.TokenSettings() {
			if f.Sensitive && (c.Settings[f.Name] == "" || c.Settings[f.Name] == creds[0].Settings[f.Name]) {
				continue next
			}
		}
		return c, true
	}
	return simkit.Credential{}, false
}

// rawStateFiles returns every terraform.tfstate under dir. It fails when
// none holds a paytoken_token data source, since the scan would then prove
// nothing.
func rawStateFiles(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	found := false
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "terraform.tfstate" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[path] = data
		found = found || strings.Contains(string(data), `"paytoken_token"`)
		return nil
	})
	if err == nil && !found {
		err = errors.New("no raw state file with a paytoken_token data source was found")
	}
	return files, err
}

// scanProviderLog reads a JSON log and fails on any secret in a line the
// provider under test wrote. Lines of the test framework itself
// (sdk.helper_resource), which echo the test's configuration, are not the
// provider's log. It also checks that the provider did log its requests, so
// an empty log cannot pass.
func scanProviderLog(t *testing.T, path string, secrets secretSet) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the provider wrote no log: %v", err)
	}
	defer f.Close()
	seen := map[string]int{}
	lines := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var entry struct {
			Module  string `json:"@module"`
			Message string `json:"@message"`
		}
		if err := json.Unmarshal(sc.Bytes(), &entry); err != nil {
			// A plain line from Go's log package, written by the test
			// framework's state handling; scanned all the same.
			entry.Module, entry.Message = "log", ""
		}
		lines++
		if entry.Module == "sdk.helper_resource" {
			continue
		}
		seen[entry.Message]++
		if hit := secrets.find(sc.Bytes()); hit != "" {
			t.Errorf("log line %d (%s: %q) holds %s", lines, entry.Module, entry.Message, hit)
		}
		if strings.Contains(sc.Text(), "IYZWSv2 ") {
			t.Errorf("log line %d (%s: %q) holds an iyzico Authorization header", lines, entry.Module, entry.Message)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"Sending token request", "Received token response", "Token ready", "Configured paytoken provider"} {
		if seen[msg] == 0 {
			t.Errorf("the provider's log has no %q line; the scan of %d lines proves little", msg, lines)
		}
	}
}

// TestAccSecrets_tokenCredentialsNotInDiagnostics opens tokens that carry
// their own secrets, from an ephemeral variable, against gateways whose
// failure message quotes the secret back: the diagnostic shows the
// gateway's message with the secret redacted.
func TestAccSecrets_tokenCredentialsNotInDiagnostics(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	const secret = "sk_test_echoed_back_by_the_gateway_7Qx2Tahsilat"
	cases := []struct {
		gateway, block, body string
		status               int
		want                 string
	}{
		{"sipay", `sipay = { app_id = "merchant-2", app_secret = var.secret }`,
			`{"status_code":30,"status_description":"Invalid credentials: ` + secret + `","data":null}`, http.StatusOK,
			`Sipay refused the token request \(HTTP 200 OK\) with error code 30: Invalid credentials: \(redacted\)\. Check the Sipay credentials ` +
				`\(sipay\.app_id on this paytoken_token; sipay\.app_secret on this paytoken_token\)`},
		{"tahsilat", `tahsilat = { secret_key = var.secret }`,
			`{"status":false,"message":"Geçersiz API anahtarı: ` + secret + `","errors":[],"error_code":"invalid_api_key"}`, http.StatusUnauthorized,
			`Tahsilat refused the token request \(HTTP 401 Unauthorized\) with error code invalid_api_key: Geçersiz API anahtarı: \(redacted\)\..*` +
				`tahsilat\.secret_key on this paytoken_token; tahsilat\.public_key or PAYTOKEN_TAHSILAT_PUBLIC_KEY`},
		{"iyzico", `iyzico = { api_key = "merchant-2", secret_key = var.secret }`,
			`{"status":"failure","errorCode":"1000","errorMessage":"Geçersiz imza ` + secret + `","locale":"tr"}`, http.StatusOK,
			`iyzico refused the token request \(HTTP 200 OK\) with error code 1000: Geçersiz imza \(redacted\)\..*` +
				`iyzico\.api_key on this paytoken_token; iyzico\.secret_key on this paytoken_token; iyzico\.session_token or PAYTOKEN_IYZICO_SESSION_TOKEN`},
		{"qnbpay", `qnbpay = { app_id = "merchant-2", app_secret = var.secret }`,
			`[{"status_code":2,"status_description":"Invalid credentials: ` + secret + `"}]`, http.StatusBadRequest,
			`QNBpay refused the token request \(HTTP 400 Bad Request\) with error code 2: Invalid credentials: \(redacted\)\. Check the QNBpay credentials ` +
				`\(qnbpay\.app_id on this paytoken_token; qnbpay\.app_secret on this paytoken_token\)`},
		{"hepsipay", `hepsipay = { api_key = "merchant-2", secret_key = var.secret }`,
			`{"error":"invalid_client","error_description":"Bad client credentials: ` + secret + `"}`, http.StatusUnauthorized,
			`Hepsipay refused the token request \(HTTP 401 Unauthorized\) with error code invalid_client: Bad client credentials: \(redacted\)\..*` +
				`hepsipay\.api_key on this paytoken_token; hepsipay\.secret_key on this paytoken_token`},
		{"paynkolay", `paynkolay = { username = "merchant-2", password = var.secret, merchant_no = "400000999" }`,
			`{"success":false,"responseCode":"401","responseMessage":"Hatalı şifre: ` + secret + `","data":null}`, http.StatusUnauthorized,
			`Paynkolay refused the token request \(HTTP 401 Unauthorized\) with error code 401: Hatalı şifre: \(redacted\)\..*` +
				`paynkolay\.username on this paytoken_token; paynkolay\.password on this paytoken_token; paynkolay\.merchant_no on this paytoken_token`},
	}
	for _, c := range cases {
		t.Run(c.gateway, func(t *testing.T) {
			emu := sb.Gateway(c.gateway).Emulator
			emu.Faults().Inject(simkit.Fault{Kind: simkit.Raw, Status: c.status, ContentType: "application/json", Body: c.body})
			t.Cleanup(emu.Faults().Clear)
			check, failed := expectError(t, c.want, secret)
			unitTest(t, resource.TestCase{
				TerraformVersionChecks:   ephemeralVersions,
				ProtoV6ProviderFactories: factories(nil),
				ErrorCheck:               check,
				Steps: []resource.TestStep{{
					Config: providerConfig(sb, map[string]simkit.Credential{c.gateway: credential(t, sb, c.gateway, "")}, "  max_retries = 0\n") +
						secretVariables("secret") + tokenConfig(c.gateway, "  "+c.block+"\n"),
					ConfigVariables: config.Variables{"secret": config.StringVariable(secret)},
				}},
			})
			if !failed() {
				t.Errorf("the %s token succeeded; want an error matching %q", c.gateway, c.want)
			}
		})
	}
}
