// Package sipay fetches access tokens from Sipay's payment API
// (POST {base_url}/api/token with the merchant's app_id and app_secret).
//
// Sipay answers HTTP 200 for most failures and says what happened in
// status_code, so the body, not the HTTP status, decides success. The token
// is an RS256 JWT valid for two hours; its expires_at has no zone and is
// Turkey time, and is_3d names the merchant's payment integration mode, which
// this package turns into capability flags.
package sipay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Name is the gateway's name in configurations.
const Name = "sipay"

// The documented base URLs: Sipay's "live" and "test" hosts, both under
// /ccpayment.
const (
	ProductionURL = "https://app.sipay.com.tr/ccpayment"
	SandboxURL    = "https://provisioning.sipay.com.tr/ccpayment"
)

// TokenPath is appended to the base URL for the token call.
const TokenPath = "/api/token"

// Names of the provider settings.
const (
	SettingAppID     = "app_id"
	SettingAppSecret = "app_secret"
)

// Sipay is Sipay itself among the gateways that answer the platform's token
// call in Sipay's words.
var Sipay = Deployment{Name: Name, Title: "Sipay", ProductionURL: ProductionURL, SandboxURL: SandboxURL}

// Spec describes the Sipay gateway for the provider. It returns a fresh
// Spec on each call so no caller can change another's.
func Spec() *clients.Spec { return Sipay.Spec() }

// Deployment is a gateway that runs Sipay's ccpayment platform under its own
// name and hosts and answers exactly as Sipay does, status_code and is_3d
// table included, such as QNBpay and PayBull. Its client, parser and retry
// rules are Sipay's; only the names in its errors and warnings and its
// hosts are its own.
type Deployment struct {
	// Name and Title are the gateway's name in configurations and its
	// display name.
	Name, Title string
	// ProductionURL and SandboxURL are its documented base URLs.
	ProductionURL, SandboxURL string
}

// Spec describes the deployment for the provider, with a fresh Spec on each
// call.
func (d Deployment) Spec() *clients.Spec {
	return &clients.Spec{
		Name:          d.Name,
		Title:         d.Title,
		ProductionURL: d.ProductionURL,
		SandboxURL:    d.SandboxURL,
		Settings:      Settings(d.Name, d.Title),
		New:           d.New,
	}
}

// New returns a client of the deployment for one merchant; it fails as
// the package's New does.
func (d Deployment) New(cfg clients.Config) (clients.Gateway, error) {
	return NewClient(cfg, d.Spec(), d.Parse, Classify)
}

// Settings returns the provider settings of a gateway on Sipay's ccpayment
// platform, such as Sipay itself, Vepara or QNBpay: the merchant's app_id
// and app_secret from the panel of the gateway called title.
func Settings(name, title string) []clients.Field {
	needed := "Needed only when a `paytoken_token` for `" + name + "` is opened or read."
	return []clients.Field{
		{
			Name: SettingAppID,
			Description: "The merchant's application ID (`app_id`) from the " + title + " merchant panel. " +
				"Falls back to the `" + clients.EnvVar(name, SettingAppID) + "` environment variable. " + needed,
			PerToken: true,
		},
		{
			Name: SettingAppSecret,
			Description: "The merchant's application secret (`app_secret`) from the " + title + " merchant panel. " +
				"Falls back to the `" + clients.EnvVar(name, SettingAppSecret) + "` environment variable. " + needed + " " +
				"It is sent only in the token request's body and never appears in logs, state or diagnostics.",
			Sensitive: true,
			PerToken:  true,
		},
	}
}

// New returns a Sipay client for one merchant. It fails with a
// *clients.SettingError for an unusable base URL and a
// *clients.MissingSettingError naming the first missing credential, before
// any request is made. A nil cfg.HTTP gets the HTTP layer's defaults.
func New(cfg clients.Config) (clients.Gateway, error) {
	return Sipay.New(cfg)
}

// NewClient returns a client of the ccpayment platform's token call, POST
// {base_url}/api/token with the app_id and app_secret of cfg, for the
// gateway spec describes, whose answers parse reads and classify judges
// for retries. Gateways that run on Sipay's platform, such as Vepara, share
// the call and differ in their answers. It fails as New does.
func NewClient(cfg clients.Config, spec *clients.Spec, parse ParseFunc, classify func(int, []byte) clients.Verdict) (clients.Gateway, error) {
	base, err := cfg.Resolve(spec, SettingAppID, SettingAppSecret)
	if err != nil {
		return nil, err
	}
	h := cfg.HTTPLayer()
	return &client{
		gateway:   spec.Name,
		url:       base + TokenPath,
		appID:     cfg.Settings.Get(SettingAppID),
		appSecret: cfg.Settings.Get(SettingAppSecret),
		http:      h,
		now:       cfg.Clock(),
		parse:     parse,
		classify:  classify,
	}, nil
}

// ParseFunc reads a gateway's answer to a token call; receivedAt stands in
// for the issue time when the answer does not say.
type ParseFunc func(resp *clients.Response, receivedAt time.Time) (*clients.Token, error)

// client holds one merchant's credentials. It is immutable, so it is safe
// for concurrent use.
type client struct {
	gateway   string
	url       string
	appID     string
	appSecret string
	http      *clients.HTTP
	now       func() time.Time
	parse     ParseFunc
	classify  func(int, []byte) clients.Verdict
}

var _ clients.Gateway = (*client)(nil)

// String keeps the secret out of anything that formats the client.
func (c *client) String() string { return c.gateway + ".client{url:" + c.url + "}" }

// GoString keeps the secret out of %#v.
func (c *client) GoString() string { return c.String() }

type tokenRequest struct {
	AppID     string `json:"app_id"`
	AppSecret string `json:"app_secret"`
}

// Token asks the gateway for a fresh token. The platform takes no token
// arguments, so args is ignored.
func (c *client) Token(ctx context.Context, _ clients.Values) (*clients.Token, error) {
	body, err := json.Marshal(tokenRequest{AppID: c.appID, AppSecret: c.appSecret})
	if err != nil {
		// Marshalling two strings cannot fail; the error names no value.
		return nil, &clients.Error{Gateway: c.gateway, Kind: clients.KindTransport, Err: errors.New("the request body could not be built")}
	}
	resp, err := c.http.Do(ctx, &clients.Request{
		Gateway: c.gateway,
		Method:  http.MethodPost,
		URL:     c.url,
		Header: http.Header{
			"Content-Type": {"application/json"},
			"Accept":       {"application/json"},
		},
		Body:     body,
		Classify: c.classify,
	})
	if err != nil {
		return nil, err
	}
	tok, err := c.parse(resp, c.now())
	if err != nil {
		// Should the gateway ever echo the secret it was sent, it does not reach
		// the user.
		return nil, clients.RedactError(err, c.appSecret)
	}
	return tok, nil
}
