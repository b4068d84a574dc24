package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccReadmeQuickStart applies the README's quick-start configuration,
// exactly as written there, against the sandbox with the environment the
// sandbox command writes: what a user pasting it would do.
func TestAccReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, quickStart, found := strings.Cut(string(readme), "## Quick start")
	block := regexp.MustCompile("(?s)```hcl\n(.*?)```").FindStringSubmatch(quickStart)
	if !found || block == nil {
		t.Fatal("README.md has no HCL block under its Quick start heading")
	}
	sb := startSandbox(t)
	clearProviderEnv(t)
	for k, v := range sb.Env() {
		t.Setenv(k, v)
	}
	// The configuration names the provider by its registry address,
	// paytoken/paytoken; serve the provider under test at that address.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "paytoken")
	unitTest(t, resource.TestCase{
		TerraformVersionChecks:   ephemeralVersions,
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: block[1],
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("sipay_integration", tfjsonpath.New("supports_3d"), knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValueAtPath("sipay_integration", tfjsonpath.New("requires_3d_choice"), knownvalue.NotNull()),
			},
		}},
	})
	if sb.Calls()["sipay"] == 0 {
		t.Error("the quick start made no request to the Sipay emulator")
	}
}
