// Package vepara fetches access tokens from Vepara's payment API
// (POST {base_url}/api/token with the merchant's app_id and app_secret).
//
// Vepara runs on Sipay's ccpayment platform, so the call is Sipay's (see
// sipay.NewClient) and the answers are Sipay's with other spellings:
// status "success" and data.token, data.expired_at in Turkey time without a
// zone, and is_3d 3, not 4, for the branded payment page. Validation
// failures come as Laravel's HTTP 422 envelope, {"message", "errors"}.
package vepara

import (
	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// Name is the gateway's name in configurations.
const Name = "vepara"

// The documented base URLs: Vepara's live and test hosts, both under
// /ccpayment.
const (
	ProductionURL = "https://app.vepara.com.tr/ccpayment"
	SandboxURL    = "https://test.vepara.com.tr/ccpayment"
)

// Spec describes the Vepara gateway for the provider. It returns a fresh
// Spec on each call so no caller can change another's.
func Spec() *clients.Spec {
	return &clients.Spec{
		Name:          Name,
		Title:         "Vepara",
		ProductionURL: ProductionURL,
		SandboxURL:    SandboxURL,
		Settings:      sipay.Settings(Name, "Vepara"),
		New:           New,
	}
}

// New returns a Vepara client for one merchant. It fails with a
// *clients.SettingError for an unusable base URL and a
// *clients.MissingSettingError naming the first missing credential, before
// any request is made. A nil cfg.HTTP gets the HTTP layer's defaults.
func New(cfg clients.Config) (clients.Gateway, error) {
	return sipay.NewClient(cfg, Spec(), Parse, Classify)
}
