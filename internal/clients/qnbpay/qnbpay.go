// Package qnbpay fetches access tokens from QNBpay, QNB's payment service
// (POST {base_url}/api/token with the merchant's app_id and app_secret).
//
// QNBpay runs Sipay's ccpayment platform under its own hosts and answers as
// Sipay does: status_code 100 with data.token, is_3d and expires_at in
// Turkey time, and the same is_3d table (4 is the branded payment
// solution). It refuses bad credentials with HTTP 400 and a JSON array
// holding the platform's failure object,
// [{"status_code":2,"status_description":"Invalid credentials"}], which
// Sipay's reader understands. So the client, the parser and the retry
// rules are Sipay's (sipay.Deployment); only the names and hosts are
// QNBpay's.
package qnbpay

import (
	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// Name is the gateway's name in configurations.
const Name = "qnbpay"

// The documented base URLs: QNBpay's live ("portal") and test hosts, both
// under /ccpayment. panel.qnbpay.com.tr is the merchant's web panel, not
// the API.
const (
	ProductionURL = "https://portal.qnbpay.com.tr/ccpayment"
	SandboxURL    = "https://test.qnbpay.com.tr/ccpayment"
)

// QNBpay is the gateway as a deployment of Sipay's platform.
var QNBpay = sipay.Deployment{Name: Name, Title: "QNBpay", ProductionURL: ProductionURL, SandboxURL: SandboxURL}

// Spec describes the QNBpay gateway for the provider, with a fresh Spec on
// each call.
func Spec() *clients.Spec { return QNBpay.Spec() }
