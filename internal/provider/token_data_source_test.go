package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TestAccTokenDataSource reads each gateway's token through the data source
// and checks its results, that it has no access_token attribute, and that
// no issued token is anywhere in its state. The data source needs no
// ephemeral resource support, so it runs on any Terraform.
func TestAccTokenDataSource(t *testing.T) {
	sb := startSandbox(t)
	cases := map[string]capabilityCase{}
	for _, c := range capabilityCases {
		switch c.gateway + "/" + c.label {
		case "sipay/is_3d=1", "tahsilat/full (public key)", "iyzico/member-42", "vepara/is_3d=3":
			cases[c.gateway] = c
		}
	}
	creds := map[string]simkit.Credential{}
	var checks []statecheck.StateCheck
	for gw, c := range cases {
		creds[gw] = credential(t, sb, gw, c.label)
		addr := "data.paytoken_token." + gw
		checks = append(checks, c.checksAt(addr, tfjsonpath.New)...)
		checks = append(checks, noAttribute(addr, "access_token"))
	}
	checks = append(checks, stateHoldsNone(sb))
	unitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: providerConfig(sb, creds, "") + `
data "paytoken_token" "sipay" {
  gateway = "sipay"
}

data "paytoken_token" "tahsilat" {
  gateway  = "tahsilat"
  tahsilat = { key = "public" }
}

data "paytoken_token" "iyzico" {
  gateway       = "iyzico"
  min_valid_for = "2m"
  iyzico = {
    locale          = "en"
    conversation_id = "order-42"
  }
}

data "paytoken_token" "vepara" {
  gateway = "vepara"
}
`,
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
