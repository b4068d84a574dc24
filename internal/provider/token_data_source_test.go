package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TestAccTokenDataSource reads each registered gateway's token through the
// data source and checks its results, that it has no access_token
// attribute, and that no issued token is anywhere in its state. The data
// source needs no ephemeral resource support, so it runs on any Terraform.
func TestAccTokenDataSource(t *testing.T) {
	sb := startSandbox(t)
	// The sandbox credential read for each gateway, and the arguments its
	// data source takes besides gateway.
	picks := map[string]struct{ label, args string }{
		"sipay":     {"is_3d=1", ""},
		"tahsilat":  {"full (public key)", `  tahsilat = { key = "public" }` + "\n"},
		"iyzico":    {"member-42", "  min_valid_for = \"2m\"\n  iyzico = {\n    locale          = \"en\"\n    conversation_id = \"order-42\"\n  }\n"},
		"vepara":    {"is_3d=3", ""},
		"qnbpay":    {"is_3d=2", ""},
		"paybull":   {"is_3d=4", ""},
		"hepsipay":  {"jwt-scoped", ""},
		"paynkolay": {"documented", ""},
	}
	creds := map[string]simkit.Credential{}
	var checks []statecheck.StateCheck
	var config strings.Builder
	for _, gw := range gateways.Names() {
		pick, ok := picks[gw]
		if !ok {
			t.Fatalf("no sandbox credential is picked for %s's data source", gw)
		}
		i := slices.IndexFunc(capabilityCases, func(c capabilityCase) bool { return c.gateway == gw && c.label == pick.label })
		if i < 0 {
			t.Fatalf("no capability case %s/%s", gw, pick.label)
		}
		creds[gw] = credential(t, sb, gw, pick.label)
		addr := "data.paytoken_token." + gw
		checks = append(checks, capabilityCases[i].checksAt(addr, tfjsonpath.New)...)
		checks = append(checks, noAttribute(addr, "access_token"))
		fmt.Fprintf(&config, "data \"paytoken_token\" %q {\n  gateway = %q\n%s}\n\n", gw, gw, pick.args)
	}
	checks = append(checks, stateHoldsNone(sb))
	unitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config:            providerConfig(sb, creds, "") + config.String(),
			ConfigStateChecks: checks,
		}},
	})
}

// noAttribute checks that a resource in state has no attribute name at all.
func noAttribute(addr, name string) statecheck.StateCheck {
	return stateFunc(func(state *tfjson.State) error {
		for _, r := range state.Values.RootModule.Resources {
			if r.Address != addr {
				continue
			}
			if _, ok := r.AttributeValues[name]; ok {
				return fmt.Errorf("%s has an attribute %q in state", addr, name)
			}
			return nil
		}
		return fmt.Errorf("%s not found in state", addr)
	})
}

// stateHoldsNone checks that no token the sandbox issued appears anywhere
// in the state.
func stateHoldsNone(sb *sandbox.Sandbox) statecheck.StateCheck {
	return stateFunc(func(state *tfjson.State) error {
		raw, err := json.Marshal(state)
		if err != nil {
			return err
		}
		issued := sb.Issued()
		if len(issued) == 0 {
			return fmt.Errorf("the sandbox issued no token, so there was nothing to look for")
		}
		for _, tok := range issued {
			if strings.Contains(string(raw), tok) {
				return fmt.Errorf("state holds a token the gateway issued")
			}
		}
		return nil
	})
}
