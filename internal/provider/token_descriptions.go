package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// Defaults and limits of the token arguments.
const (
	defaultMinValidFor = time.Minute
	maxMinValidFor     = 24 * time.Hour
)

// The descriptions of paytoken_token's fixed attributes, which the
// ephemeral resource's and the data source's literal schemas share; a test
// holds the two schemas together (TestTokenSchemas_agree).
var (
	descGateway = "The gateway to get a token from: " + joinOr(quotedCodeNames()) + "."

	descMinValidFor = fmt.Sprintf("The shortest time the token handed out must still be valid for, as a Go duration. Defaults to `\"%s\"`. "+
		"A reused token that would expire sooner is replaced by a fresh one; a fresh token that is valid for less is an error.", shortDuration(defaultMinValidFor))
)

const (
	descReuse = "Hand out a token already obtained by this provider process (one plan or one apply) for the same gateway, " +
		"credentials and arguments while it stays valid for `min_valid_for`, instead of calling the gateway again. " +
		"Defaults to `true`. Set to `false` to always fetch a fresh token."
	descAccessToken = "The bearer token, exactly as the gateway issued it. Never stored in state or plan files."
	descExpiresAt   = "When the token expires, in RFC 3339 format in UTC, e.g. `2021-01-29T13:46:01Z`."
	descIssuedAt    = "When the gateway issued the token, in RFC 3339 format in UTC: the token's own `iat` claim, else the gateway's clock, else the time it was received."
	descSupports2D  = "Whether non-3D (2D) card payments can be made with the token. Null when the gateway does not say."
	descSupports3D  = "Whether 3D Secure card payments can be made with the token. Null when the gateway does not say."
	descWhiteLabel  = "Whether the merchant's own (white-label) payment form can be used. Null when the gateway does not say."
	descBranded     = "Whether the gateway's own branded or hosted payment page is the integration. Null when the gateway does not say."
	descInstallment = "Whether instalment payments are enabled. Null when the gateway does not say."
	desc3DChoice    = "Whether the merchant's site must let the buyer choose between 2D and 3D Secure (a checkbox). Null when the gateway does not say."
	descScopes      = "The scopes or authorities the gateway put in the token. Null when the gateway does not say."
)

func quotedCodeNames() []string {
	var out []string
	for _, n := range gateways.Names() {
		out = append(out, fmt.Sprintf("`%q`", n))
	}
	return out
}

// shortDuration prints 1m0s as 1m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
