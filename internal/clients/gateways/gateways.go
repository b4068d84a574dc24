// Package gateways is the registry of supported gateways. Adding a gateway
// is one package under internal/clients and one line in specs.
package gateways

import (
	"sort"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/hepsipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paybull"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paynkolay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/qnbpay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/tahsilat"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/vepara"
)

var specs = []*clients.Spec{
	sipay.Spec(),
	tahsilat.Spec(),
	iyzico.Spec(),
	vepara.Spec(),
	qnbpay.Spec(),
	paybull.Spec(),
	hepsipay.Spec(),
	paynkolay.Spec(),
}

// All returns every gateway's Spec, sorted by name.
func All() []*clients.Spec {
	out := append([]*clients.Spec(nil), specs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the Spec of the gateway called name.
func Lookup(name string) (*clients.Spec, bool) {
	for _, s := range specs {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// Names returns the gateways' names, sorted.
func Names() []string {
	all := All()
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	return names
}
