// Package paybullsim emulates PayBull's token call, POST
// /ccpayment/api/token, for tests, the sandbox command and the demo.
//
// PayBull runs Sipay's ccpayment platform, so this is the platform's
// emulator (sipaysim.NewPlatform) in Sipay's words: status_code 100 with an
// RS256 JWT (iat, nbf, exp two hours on, scopes: []) as PayBull's "Get
// Token" page shows, is_3d and expires_at in Turkey time. The page shows no
// refusal, so refusals take the form of QNBpay's, the other deployment whose
// refusal is documented: HTTP 400 with a JSON array holding the failure
// object, status_code 2 for unknown credentials and 1 for a missing field.
//
// The built-in merchants are one per is_3d value, as Sipay's (4 is "Pay
// with PayBull"): app_id "sandbox-paybull-is3d-N" with app_secret
// "sandbox-paybull-secret-is3d-N". Users point the provider at it with
// base_url "http://127.0.0.1:PORT/ccpayment".
package paybullsim

import (
	"net/http"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// BasePath is PayBull's documented base path; users' base_url ends with it.
const BasePath = sipaysim.BasePath

// StatusInvalidCredentials is the status_code for unknown credentials.
const StatusInvalidCredentials = 2

// Words is PayBull's wording of the platform's answers.
var Words = sipaysim.Words{RefusalStatus: http.StatusBadRequest, InvalidCredentials: StatusInvalidCredentials, ArrayRefusals: true}

// New returns an emulator that knows the built-in merchants and any the
// options add.
func New(opts ...sipaysim.Option) *sipaysim.Server {
	return sipaysim.NewPlatform(Words, sipaysim.NamedFixtures("paybull", "PayBull"), opts...)
}
