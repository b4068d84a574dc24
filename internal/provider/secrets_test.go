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
// tokens of every gateway, reads every data source and wires the tokens
// into another provider, with the provider logging at TRACE. It then scans
// the saved plan's JSON, the state's JSON, the raw state file and the
// provider's log for every credential and every issued token.
//
// Credentials come the way the documentation recommends, from environment
// variables and ephemeral variables: Terraform itself copies literal values
// of a configuration into plan files, whatever the provider does. Besides
// the provider's, three tokens carry other merchants' secrets themselves.
func TestAccSecrets_neverStoredOrLogged(t *testing.T) {
	sb := startSandbox(t)
	clearProviderEnv(t)
	var fixed []string
	for k, v := range sb.Env() {
		t.Setenv(k, v)
		for _, suffix := range []string{"_APP_SECRET", "_SECRET_KEY", "_SESSION_TOKEN"} {
			if strings.HasSuffix(k, suffix) {
				fixed = append(fixed, v)
			}
		}
	}
	arg := credential(t, sb, "iyzico", "müşteri-7")
	fixed = append(fixed, arg.Args["session_token"])
	// Other merchants' credentials, carried by the tokens themselves.
	sipayOwn := credential(t, sb, "sipay", "is_3d=2")
	tahsilatOwn := credential(t, sb, "tahsilat", "3d-only (secret key)")
	iyzicoOwn := credential(t, sb, "iyzico", "merchant-2")
	veparaOwn := credential(t, sb, "vepara", "is_3d=2")
	own := map[string]string{
		"sipay_app_secret":    sipayOwn.Settings["app_secret"],
		"tahsilat_secret_key": tahsilatOwn.Settings["secret_key"],
		"iyzico_secret_key":   iyzicoOwn.Settings["secret_key"],
		"vepara_app_secret":   veparaOwn.Settings["app_secret"],
	}
	for _, v := range own {
		fixed = append(fixed, v)
	}
	if len(fixed) != 10 || len(slices.Compact(slices.Sorted(slices.Values(fixed)))) != 10 {
		t.Fatalf("expected 10 distinct credentials to look for, have %d", len(fixed))
	}
	vars := config.Variables{"session_token": config.StringVariable(arg.Args["session_token"])}
	for k, v := range own {
		vars[k] = config.StringVariable(v)
	}
	secrets := secretSet{fixed: fixed, sb: sb}

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
			Config: secretVariables("session_token") + fmt.Sprintf(`
provider "paytoken" {}

ephemeral "paytoken_token" "sipay" {
  gateway = "sipay"
}
ephemeral "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}
ephemeral "paytoken_token" "tahsilat_public" {
  gateway  = "tahsilat"
  tahsilat = { key = "public" }
}
ephemeral "paytoken_token" "iyzico" {
  gateway = "iyzico"
  iyzico = {
    session_token     = var.session_token
    member_identifier = %q
    conversation_id   = %q
  }
}
ephemeral "paytoken_token" "vepara" {
  gateway = "vepara"
}

`+secretVariables("sipay_app_secret", "tahsilat_secret_key", "iyzico_secret_key", "vepara_app_secret")+`
ephemeral "paytoken_token" "sipay_own" {
  gateway = "sipay"
  sipay = {
    app_id     = %q
    app_secret = var.sipay_app_secret
  }
}
ephemeral "paytoken_token" "tahsilat_own" {
  gateway  = "tahsilat"
  tahsilat = { secret_key = var.tahsilat_secret_key }
}
ephemeral "paytoken_token" "vepara_own" {
  gateway = "vepara"
  vepara = {
    app_id     = %q
    app_secret = var.vepara_app_secret
  }
}
ephemeral "paytoken_token" "iyzico_own" {
  gateway = "iyzico"
  iyzico = {
    api_key    = %q
    secret_key = var.iyzico_secret_key
  }
}

data "paytoken_token" "sipay" {
  gateway = "sipay"
}
data "paytoken_token" "tahsilat" {
  gateway = "tahsilat"
}
data "paytoken_token" "iyzico" {
  gateway = "iyzico"
}
data "paytoken_token" "vepara" {
  gateway = "vepara"
}

provider "echo" {
  data = {
    sipay           = sha256(ephemeral.paytoken_token.sipay.access_token)
    tahsilat        = sha256(ephemeral.paytoken_token.tahsilat.access_token)
    tahsilat_public = sha256(ephemeral.paytoken_token.tahsilat_public.access_token)
    iyzico          = sha256(ephemeral.paytoken_token.iyzico.access_token)
    vepara          = sha256(ephemeral.paytoken_token.vepara.access_token)
    sipay_own       = sha256(ephemeral.paytoken_token.sipay_own.access_token)
    tahsilat_own    = sha256(ephemeral.paytoken_token.tahsilat_own.access_token)
    vepara_own      = sha256(ephemeral.paytoken_token.vepara_own.access_token)
    iyzico_own      = sha256(ephemeral.paytoken_token.iyzico_own.access_token)
  }
}
resource "echo" "t" {}
`, arg.Args["member_identifier"], arg.Args["conversation_id"], sipayOwn.Settings["app_id"], veparaOwn.Settings["app_id"], iyzicoOwn.Settings["api_key"]),
			ConfigVariables: vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{scanPlan},
				PostApplyPostRefresh: []plancheck.PlanCheck{scanPlan},
			},
			ConfigStateChecks: []statecheck.StateCheck{scanState},
		}},
	})

	if n := len(sb.Issued()); n < 12 {
		t.Fatalf("the gateways issued %d tokens; the run should have asked for at least 12", n)
	}
	if sb.Calls()["vepara"] == 0 {
		t.Error("the run asked Vepara for no token; its secrets were not scanned for")
	}
	scanProviderLog(t, logPath, secrets)
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
