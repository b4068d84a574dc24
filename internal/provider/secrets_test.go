package provider

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
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
// variables and an ephemeral variable: Terraform itself copies literal
// values of a provider block into plan files, whatever the provider does.
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
	if len(fixed) != 6 {
		t.Fatalf("expected 6 credentials to look for, have %d", len(fixed))
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
			Config: fmt.Sprintf(`
variable "session_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

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
  }
}
resource "echo" "t" {}
`, arg.Args["member_identifier"], arg.Args["conversation_id"]),
			ConfigVariables: config.Variables{"session_token": config.StringVariable(arg.Args["session_token"])},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{scanPlan},
				PostApplyPostRefresh: []plancheck.PlanCheck{scanPlan},
			},
			ConfigStateChecks: []statecheck.StateCheck{scanState},
		}},
	})

	if n := len(sb.Issued()); n < 8 {
		t.Fatalf("the gateways issued %d tokens; the run should have asked for at least 8", n)
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
