package gateways_test

import (
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
)

// TestConformance runs the clients' shared suite over every registered
// gateway, each against its own emulator over real HTTP on loopback: a
// gateway gets every check by being registered and having an emulator.
func TestConformance(t *testing.T) {
	for _, spec := range gateways.All() {
		t.Run(spec.Name, func(t *testing.T) {
			t.Parallel()
			clientstest.Conformance(t, spec, func(t *testing.T) clientstest.Served {
				t.Helper()
				sb, err := sandbox.Start(sandbox.Options{Gateways: []string{spec.Name}})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(sb.Close)
				g := sb.Gateway(spec.Name)
				return clientstest.Served{BaseURL: g.BaseURL, Emulator: g.Emulator}
			})
		})
	}
}
