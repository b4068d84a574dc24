// Package qnbpaysim emulates QNBpay's token call, POST
// /ccpayment/api/token, for tests, the sandbox command and the demo.
//
// QNBpay runs Sipay's ccpayment platform, so this is the platform's
// emulator (sipaysim.NewPlatform) in Sipay's words, with QNBpay's refusals:
// HTTP 400 with a JSON array holding the failure object,
// [{"status_code":2,"status_description":"Invalid credentials"}], as
// QNBpay's token page shows it, and status_code 1 in the same form for a
// missing field. Successes are Sipay's: status_code 100 with an RS256 JWT
// valid two hours, is_3d and expires_at in Turkey time.
//
// The built-in merchants are one per is_3d value, as Sipay's: app_id
// "sandbox-qnbpay-is3d-N" with app_secret "sandbox-qnbpay-secret-is3d-N".
// Users point the provider at it with base_url
// "http://127.0.0.1:PORT/ccpayment".
package qnbpaysim

import (
	"net/http"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// BasePath is QNBpay's documented base path; users' base_url ends with it.
const BasePath = sipaysim.BasePath

// StatusInvalidCredentials is QNBpay's status_code for unknown credentials.
const StatusInvalidCredentials = 2

// Words is QNBpay's wording of the platform's answers.
var Words = sipaysim.Words{RefusalStatus: http.StatusBadRequest, InvalidCredentials: StatusInvalidCredentials, ArrayRefusals: true}

// New returns an emulator that knows the built-in merchants and any the
// options add.
func New(opts ...sipaysim.Option) *sipaysim.Server {
	return sipaysim.NewPlatform(Words, sipaysim.NamedFixtures("qnbpay", "QNBpay"), opts...)
}
