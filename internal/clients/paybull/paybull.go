// Package paybull fetches access tokens from PayBull (POST
// {base_url}/api/token with the merchant's app_id and app_secret).
//
// PayBull runs Sipay's ccpayment platform under its own hosts and answers as
// Sipay does: status_code 100 with an RS256 JWT in data.token (iat, nbf,
// exp two hours on, scopes), is_3d and expires_at, and the same is_3d
// table, where 4 is "Pay with PayBull", its branded hosted page. Its page
// shows no refusal; the platform's failure object, alone or as the first
// element of an array, is read as Sipay's. So the client, the parser and
// the retry rules are Sipay's (sipay.Deployment); only the names and hosts
// are PayBull's.
package paybull

import (
	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// Name is the gateway's name in configurations.
const Name = "paybull"

// The base URLs, both under /ccpayment: the test host is on PayBull's
// developer page; the live host is the one open-source clients of the
// platform use, since the page shows only the test host.
const (
	ProductionURL = "https://app.paybull.com/ccpayment"
	SandboxURL    = "https://test.paybull.com/ccpayment"
)

// PayBull is the gateway as a deployment of Sipay's platform.
var PayBull = sipay.Deployment{Name: Name, Title: "PayBull", ProductionURL: ProductionURL, SandboxURL: SandboxURL}

// Spec describes the PayBull gateway for the provider, with a fresh Spec on
// each call.
func Spec() *clients.Spec { return PayBull.Spec() }
