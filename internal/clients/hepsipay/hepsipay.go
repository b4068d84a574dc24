// Package hepsipay is the Hepsipay gateway client: one POST to
// /oauth/token, Hepsipay's OAuth 2.0 token endpoint, with the form body
// grant_type=password and the merchant's API key and secret key as HTTP
// Basic credentials, answering a bearer token with expires_in seconds
// (43199, about 12 hours, in the documented sample).
//
// Hepsipay's page shows only the success; its failures are read as RFC
// 6749 §5.2 error bodies, which any OAuth 2.0 token endpoint sends.
package hepsipay

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Name is the gateway's name in configurations.
const Name = "hepsipay"

// The documented base URLs.
const (
	ProductionURL = "https://api.hepsipay.com"
	SandboxURL    = "https://apientgr.hepsipay.com"
)

// TokenPath is appended to the base URL for the token call.
const TokenPath = "/oauth/token"

// GrantBody is the whole request body, as Hepsipay documents it.
const GrantBody = "grant_type=password"

// DefaultLifetime is how long a token is taken to live when the answer
// gives no expires_in and the token is not a JWT with exp. It is well short
// of the documented 12 hours: the real lifetime is then unknown, and a token
// renewed early costs less than one used after it expired.
const DefaultLifetime = time.Hour

// Names of the provider settings.
const (
	SettingAPIKey    = "api_key"
	SettingSecretKey = "secret_key"
)

// Spec describes the Hepsipay gateway. Each call returns a fresh Spec, so
// callers may not affect each other by changing it.
func Spec() *clients.Spec {
	needed := "Needed only when a `paytoken_token` for `" + Name + "` is opened or read."
	return &clients.Spec{
		Name:          Name,
		Title:         "Hepsipay",
		ProductionURL: ProductionURL,
		SandboxURL:    SandboxURL,
		Settings: []clients.Field{
			{
				Name: SettingAPIKey,
				Description: "The merchant's Hepsipay API key (`ApiKey`, the OAuth client id), sent with `secret_key` as " +
					"HTTP Basic credentials. It may not contain a colon (`:`), which Basic authentication cannot carry " +
					"in a user name. Falls back to the `" + clients.EnvVar(Name, SettingAPIKey) + "` environment variable. " + needed,
				PerToken: true,
			},
			{
				Name: SettingSecretKey,
				Description: "The merchant's Hepsipay secret key (`SecretKey`, the OAuth client secret), from the same " +
					"place as `api_key`. Falls back to the `" + clients.EnvVar(Name, SettingSecretKey) + "` environment variable. " + needed +
					" It is sent only in the Authorization header of the token request and never appears in logs, state or diagnostics.",
				Sensitive: true,
				PerToken:  true,
			},
		},
		New:  New,
		Hint: Hint,
	}
}

// New builds a Hepsipay client for one merchant. It fails when the base
// URL is unusable, a key is missing, or the API key holds a colon: Basic
// authentication ends the user name at the first colon (RFC 7617), so
// Hepsipay would read another key than the one configured.
func New(cfg clients.Config) (clients.Gateway, error) {
	base, err := cfg.Resolve(Spec(), SettingAPIKey, SettingSecretKey)
	if err != nil {
		return nil, err
	}
	apiKey, secretKey := cfg.Settings.Get(SettingAPIKey), cfg.Settings.Get(SettingSecretKey)
	if strings.Contains(apiKey, ":") {
		return nil, &clients.SettingError{Gateway: Name, Setting: SettingAPIKey,
			Reason: "contains a colon (:), which HTTP Basic authentication cannot send in a user name (RFC 7617); " +
				"check that it holds the API key alone"}
	}
	return &client{
		url: base + TokenPath,
		// net/http's SetBasicAuth, computed once: the credentials never
		// change after New.
		authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte(apiKey+":"+secretKey)),
		secretKey:     secretKey,
		http:          cfg.HTTPLayer(),
		now:           cfg.Clock(),
	}, nil
}

var _ clients.Gateway = (*client)(nil)

// client is bound to one merchant's keys. It never changes after New, so
// it is safe for concurrent use.
type client struct {
	url           string
	authorization string // holds the secret key
	secretKey     string
	http          *clients.HTTP
	now           func() time.Time
}

// String keeps the keys out of anything that formats a client: fmt prints
// unexported fields raw.
func (c *client) String() string { return "hepsipay client(" + c.url + ")" }

// GoString keeps the keys out of %#v.
func (c *client) GoString() string { return c.String() }

// Token asks Hepsipay for a token. Hepsipay takes no token arguments.
func (c *client) Token(ctx context.Context, _ clients.Values) (*clients.Token, error) {
	resp, err := c.http.Do(ctx, &clients.Request{
		Gateway: Name,
		Method:  http.MethodPost,
		URL:     c.url,
		Header: http.Header{
			"Authorization": {c.authorization},
			"Content-Type":  {"application/x-www-form-urlencoded"},
			"Accept":        {"application/json"},
		},
		Body:     []byte(GrantBody),
		Classify: Classify,
	})
	if err != nil {
		return nil, err
	}
	tok, err := Parse(resp, c.now())
	// Should Hepsipay ever echo the secret it was sent, it does not reach
	// the user.
	return tok, clients.RedactError(err, c.secretKey)
}

// Hint advises on the OAuth errors that are not about the credentials,
// for which the provider's usual advice to check them would mislead.
func Hint(e *clients.Error) string {
	switch strings.ToLower(e.Code) {
	case "invalid_request", "unsupported_grant_type", "invalid_scope":
		return "Hepsipay did not accept the form of the request (OAuth 2.0 error " + e.Code + "), not the credentials. " +
			"This provider sends the request Hepsipay documents (grant_type=password with HTTP Basic credentials); " +
			"check that base_url is Hepsipay's token API, and report the error to the provider's maintainers if it is."
	}
	return ""
}
