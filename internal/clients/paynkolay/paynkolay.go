// Package paynkolay fetches access tokens from Paynkolay's marketplace API
// (POST {base_url}/marketplace/v1/authenticate with the merchant's
// username, password and merchantNo in a JSON body).
//
// Every answer is one envelope, {"success","responseCode","responseMessage",
// "data"}: success true carries an HS512 JWT in data.token, valid for 30
// minutes; success false is a refusal whatever the HTTP status. The token
// says nothing of the merchant's capabilities or scopes.
package paynkolay

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Name is the gateway's name in configurations.
const Name = "paynkolay"

// The documented base URLs. Neither has a base path: the token path follows
// the host.
const (
	ProductionURL = "https://api.paynkolay.com.tr"
	SandboxURL    = "https://apitest.paynkolay.com.tr"
)

// TokenPath is appended to the base URL for the token call.
const TokenPath = "/marketplace/v1/authenticate"

// Names of the provider settings.
const (
	SettingUsername   = "username"
	SettingPassword   = "password"
	SettingMerchantNo = "merchant_no"
)

// Spec describes the Paynkolay gateway for the provider. It returns a fresh
// Spec on each call so no caller can change another's.
func Spec() *clients.Spec {
	needed := "Needed only when a `paytoken_token` for `" + Name + "` is opened or read."
	env := func(setting string) string {
		return "Falls back to the `" + clients.EnvVar(Name, setting) + "` environment variable. "
	}
	return &clients.Spec{
		Name:          Name,
		Title:         "Paynkolay",
		ProductionURL: ProductionURL,
		SandboxURL:    SandboxURL,
		Settings: []clients.Field{
			{
				Name: SettingUsername,
				Description: "The marketplace API user name (`username`) Paynkolay issued to the merchant. " +
					env(SettingUsername) + needed,
				PerToken: true,
			},
			{
				Name: SettingPassword,
				Description: "The marketplace API password (`password`) Paynkolay issued with the user name. " +
					env(SettingPassword) + needed + " It is sent only in the token request's body and never " +
					"appears in logs, state or diagnostics.",
				Sensitive: true,
				PerToken:  true,
			},
			{
				Name: SettingMerchantNo,
				Description: "The merchant number (`merchantNo`, such as `400000904`) Paynkolay issued to the merchant. " +
					env(SettingMerchantNo) + needed,
				PerToken: true,
			},
		},
		New: New,
	}
}

// New returns a Paynkolay client for one merchant. It fails with a
// *clients.SettingError for an unusable base URL and a
// *clients.MissingSettingError naming the first missing credential, before
// any request is made. A nil cfg.HTTP gets the HTTP layer's defaults.
func New(cfg clients.Config) (clients.Gateway, error) {
	base, err := cfg.Resolve(Spec(), SettingUsername, SettingPassword, SettingMerchantNo)
	if err != nil {
		return nil, err
	}
	// The body never changes, so it is built once: a client is bound to one
	// merchant. Three strings always marshal.
	body, _ := json.Marshal(authenticate{
		Username:   cfg.Settings.Get(SettingUsername),
		Password:   cfg.Settings.Get(SettingPassword),
		MerchantNo: cfg.Settings.Get(SettingMerchantNo),
	})
	return &client{
		url:      base + TokenPath,
		body:     body,
		password: cfg.Settings.Get(SettingPassword),
		http:     cfg.HTTPLayer(),
		now:      cfg.Clock(),
	}, nil
}

// authenticate is the token request's body, spelled as Paynkolay's page
// spells it.
type authenticate struct {
	Username   string `json:"username"`
	Password   string `json:"password"`
	MerchantNo string `json:"merchantNo"`
}

// client is bound to one merchant. It never changes after New, so it is
// safe for concurrent use.
type client struct {
	url      string
	body     []byte // holds the password
	password string
	http     *clients.HTTP
	now      func() time.Time
}

var _ clients.Gateway = (*client)(nil)

// String keeps the body and the password out of anything that formats the
// client: fmt would print unexported fields raw.
func (c *client) String() string { return "paynkolay client(" + c.url + ")" }

// GoString keeps the credentials out of %#v.
func (c *client) GoString() string { return c.String() }

// Token asks Paynkolay for a fresh token. Paynkolay takes no token
// arguments, so args is ignored.
func (c *client) Token(ctx context.Context, _ clients.Values) (*clients.Token, error) {
	resp, err := c.http.Do(ctx, &clients.Request{
		Gateway: Name,
		Method:  http.MethodPost,
		URL:     c.url,
		Header: http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/json"},
		},
		Body:     c.body,
		Classify: Classify,
	})
	if err != nil {
		return nil, err
	}
	tok, err := Parse(resp, c.now())
	// Should Paynkolay ever echo the password it was sent, it does not
	// reach the user.
	return tok, clients.RedactError(err, c.password)
}
