// Command echo serves terraform-plugin-testing's echo provider as a
// provider binary (terraform-provider-echo), for the baseline-creds
// scenario of benchrun: a protocol 6 provider that does next to nothing,
// so what N configurations of it cost in a plan is Terraform's and the
// plugin stack's share, not paytoken's.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
)

func main() {
	factory := echoprovider.NewProviderServer()
	server, err := factory()
	if err == nil {
		err = tf6server.Serve("registry.terraform.io/benchrun/echo", func() tfprotov6.ProviderServer { return server })
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "terraform-provider-echo:", err)
		os.Exit(1)
	}
}
