package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// cliKind is the family of the CLI under test.
type cliKind string

const (
	terraformCLI cliKind = "Terraform"
	openTofuCLI  cliKind = "OpenTofu"
)

// cliInfo describes the CLI the tests run: its family, version and the
// registry host it resolves "paytoken/paytoken" under.
type cliInfo struct {
	Kind    cliKind
	Version *version.Version
	Host    string
}

// cli is the CLI under test, read by TestMain from TF_ACC_TERRAFORM_PATH.
var cli cliInfo

// detectCLI asks the binary at path what it is. OpenTofu's `version -json`
// reads like Terraform's, so the family comes from the plain first line:
// "Terraform v1.11.4" or "OpenTofu v1.11.14".
func detectCLI(path string) (cliInfo, error) {
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return cliInfo{}, fmt.Errorf("%s version: %w; set TF_ACC_TERRAFORM_PATH to a Terraform >= 1.10 or OpenTofu >= 1.11 binary", path, err)
	}
	return parseCLIVersion(string(out))
}

// parseCLIVersion reads the first line of `terraform version` or `tofu
// version`.
func parseCLIVersion(out string) (cliInfo, error) {
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	name, v, ok := strings.Cut(strings.TrimSpace(first), " v")
	if !ok {
		return cliInfo{}, fmt.Errorf("cannot tell the CLI from its version output %q: want \"Terraform v1.2.3\" or \"OpenTofu v1.2.3\"", first)
	}
	ver, err := version.NewVersion(strings.TrimSpace(v))
	if err != nil {
		return cliInfo{}, fmt.Errorf("the CLI's version %q: %w", v, err)
	}
	switch cliKind(name) {
	case terraformCLI:
		return cliInfo{Kind: terraformCLI, Version: ver, Host: "registry.terraform.io"}, nil
	case openTofuCLI:
		return cliInfo{Kind: openTofuCLI, Version: ver, Host: "registry.opentofu.org"}, nil
	}
	return cliInfo{}, fmt.Errorf("the CLI calls itself %q; the tests know Terraform and OpenTofu", name)
}

// cliFeature skips a test on CLIs without a feature: each family has its
// own first version with it.
type cliFeature struct {
	name                string
	terraform, opentofu *version.Version
}

// ephemeralResources came with Terraform 1.10 and OpenTofu 1.11.
var ephemeralResources = cliFeature{"ephemeral resources", version.Must(version.NewVersion("1.10.0")), version.Must(version.NewVersion("1.11.0"))}

// CheckTerraformVersion implements tfversion.TerraformVersionCheck.
func (f cliFeature) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	first := f.terraform
	if cli.Kind == openTofuCLI {
		first = f.opentofu
	}
	if req.TerraformVersion.Core().LessThan(first) {
		resp.Skip = fmt.Sprintf("%s needs %s >= %s; this is %s %s", f.name, cli.Kind, first, cli.Kind, req.TerraformVersion)
	}
}

func TestParseCLIVersion(t *testing.T) {
	for out, want := range map[string]cliInfo{
		"Terraform v1.11.4\non linux_amd64\n":                     {Kind: terraformCLI, Host: "registry.terraform.io"},
		"OpenTofu v1.11.14\non linux_amd64\n":                     {Kind: openTofuCLI, Host: "registry.opentofu.org"},
		"Terraform v1.15.9\non linux_amd64\n\nYour version is...": {Kind: terraformCLI, Host: "registry.terraform.io"},
	} {
		got, err := parseCLIVersion(out)
		if err != nil || got.Kind != want.Kind || got.Host != want.Host || got.Version == nil {
			t.Errorf("parseCLIVersion(%q) = %+v, %v; want %+v", out, got, err, want)
		}
	}
	for _, bad := range []string{"", "terraform", "Pulumi v3.0.0", "Terraform vnext"} {
		if got, err := parseCLIVersion(bad); err == nil {
			t.Errorf("parseCLIVersion(%q) = %+v, want an error", bad, got)
		}
	}
}

// unitTest runs a test case through the CLI under test, as
// resource.UnitTest does, adapted to the CLI's family (see forCLI).
func unitTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	requireCLI(t)
	resource.UnitTest(t, forCLI(t, tc))
}

// accTest is unitTest for cases that need TF_ACC, as resource.Test.
func accTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	requireCLI(t)
	resource.Test(t, forCLI(t, tc))
}

// plansListOpens reports whether the CLI's JSON plans list every ephemeral
// resource with the action "open", even when nothing would change, as
// OpenTofu 1.11 does (1.12 no longer does).
func (c cliInfo) plansListOpens() bool {
	return c.Kind == openTofuCLI && c.Version.Core().LessThan(version.Must(version.NewVersion("1.12.0")))
}

// forCLI adapts a test case to the CLI under test. The test framework
// counts an "open" in a plan as a change, so where plans list them, a step
// with an ephemeral resource expects a "non-empty" plan and checks instead
// that opening ephemeral resources is all the plan holds: the same promise.
func forCLI(t *testing.T, tc resource.TestCase) resource.TestCase {
	t.Helper()
	if !cli.plansListOpens() {
		return tc
	}
	steps := make([]resource.TestStep, len(tc.Steps))
	for i, s := range tc.Steps {
		if !s.ExpectNonEmptyPlan && s.ExpectError == nil && !s.Destroy && stepHasEphemeral(t, i, s) {
			s.ExpectNonEmptyPlan = true
			// The plans after apply, or a plan-only step's plans.
			c := s.ConfigPlanChecks
			c.PostApplyPreRefresh = append(append([]plancheck.PlanCheck(nil), c.PostApplyPreRefresh...), onlyEphemeralOpens{})
			c.PostApplyPostRefresh = append(append([]plancheck.PlanCheck(nil), c.PostApplyPostRefresh...), onlyEphemeralOpens{})
			s.ConfigPlanChecks = c
		}
		steps[i] = s
	}
	tc.Steps = steps
	return tc
}

var ephemeralBlock = regexp.MustCompile(`(?m)^\s*ephemeral\s+"`)

// stepHasEphemeral reports whether step i's configuration has an
// ephemeral resource.
func stepHasEphemeral(t *testing.T, i int, s resource.TestStep) bool {
	t.Helper()
	if ephemeralBlock.MatchString(s.Config) {
		return true
	}
	if s.ConfigDirectory == nil {
		return false
	}
	dir := s.ConfigDirectory(config.TestStepConfigRequest{StepNumber: i + 1, TestName: t.Name()})
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ephemeralBlock.Match(src) {
			return true
		}
	}
	return false
}

// How OpenTofu's plans show an ephemeral resource; terraform-json has no
// names for them.
const (
	ephemeralMode tfjson.ResourceMode = "ephemeral"
	openAction    tfjson.Action       = "open"
)

// onlyEphemeralOpens fails when a plan holds anything but no-ops and the
// opening of ephemeral resources.
type onlyEphemeralOpens struct{}

// CheckPlan implements plancheck.PlanCheck.
func (onlyEphemeralOpens) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var changes []string
	for _, rc := range req.Plan.ResourceChanges {
		for _, a := range rc.Change.Actions {
			if a != tfjson.ActionNoop && (rc.Mode != ephemeralMode || a != openAction) {
				changes = append(changes, fmt.Sprintf("%s: %s", rc.Address, a))
			}
		}
	}
	for name, oc := range req.Plan.OutputChanges {
		if !oc.Actions.NoOp() {
			changes = append(changes, fmt.Sprintf("output.%s: %v", name, oc.Actions))
		}
	}
	if len(changes) > 0 {
		sort.Strings(changes)
		resp.Error = fmt.Errorf("the plan was not empty: %s", strings.Join(changes, ", "))
	}
}

func TestOnlyEphemeralOpens(t *testing.T) {
	open := &tfjson.ResourceChange{Address: "ephemeral.paytoken_token.t", Mode: ephemeralMode, Change: &tfjson.Change{Actions: tfjson.Actions{openAction}}}
	noop := &tfjson.ResourceChange{Address: "echo.t", Mode: tfjson.ManagedResourceMode, Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionNoop}}}
	create := &tfjson.ResourceChange{Address: "echo.t", Mode: tfjson.ManagedResourceMode, Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionCreate}}}
	for name, tc := range map[string]struct {
		plan  tfjson.Plan
		empty bool
	}{
		"opens and no-ops": {tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{open, noop}}, true},
		"a create":         {tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{open, create}}, false},
		"an output":        {tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{open}, OutputChanges: map[string]*tfjson.Change{"x": {Actions: tfjson.Actions{tfjson.ActionUpdate}}}}, false},
		"a managed open":   {tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{{Address: "x.y", Mode: tfjson.ManagedResourceMode, Change: &tfjson.Change{Actions: tfjson.Actions{openAction}}}}}, false},
	} {
		resp := plancheck.CheckPlanResponse{}
		onlyEphemeralOpens{}.CheckPlan(context.Background(), plancheck.CheckPlanRequest{Plan: &tc.plan}, &resp)
		if (resp.Error == nil) != tc.empty {
			t.Errorf("%s: error %v, want empty=%v", name, resp.Error, tc.empty)
		}
	}
}

func TestPlansListOpens(t *testing.T) {
	for out, want := range map[string]bool{
		"OpenTofu v1.11.14": true,
		"OpenTofu v1.12.6":  false,
		"Terraform v1.11.4": false,
		"Terraform v1.15.9": false,
	} {
		c, err := parseCLIVersion(out)
		if err != nil || c.plansListOpens() != want {
			t.Errorf("%s: plansListOpens = %v (%v), want %v", out, c.plansListOpens(), err, want)
		}
	}
}
