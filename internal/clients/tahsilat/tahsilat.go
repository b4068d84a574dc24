// Package tahsilat is the Tahsilat gateway client: one POST to
// /v1/token/get-token, authorised with the merchant's secret or public key
// as a bearer token, answering an opaque access token valid for ten
// minutes.
//
// A token made with the public key may be used for 3D Secure payments only,
// so its supports_2d is always false. The sandbox host is picked from the
// key prefixes (sk_test_, pk_test_) when the user did not choose, as the
// official SDKs do.
package tahsilat

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Name is the gateway's name in configurations.
const Name = "tahsilat"

// The documented base URLs.
const (
	ProductionURL = "https://api.tahsilat.com"
	SandboxURL    = "https://api.sandbox.tahsilat.com"
)

// TokenPath is appended to the base URL for the token call.
const TokenPath = "/v1/token/get-token"

// DefaultLifetime is how long a token lives when the answer does not say:
// the documented ten minutes.
const DefaultLifetime = 10 * time.Minute

// Names of the provider settings and the token argument.
const (
	SettingSecretKey = "secret_key"
	SettingPublicKey = "public_key"
	ArgKey           = "key"
)

// KeyKind says which of the merchant's keys asks for the token. It matters
// beyond authentication: a public-key token is for 3D Secure payments only.
type KeyKind string

// The values of the key token argument.
const (
	KeySecret KeyKind = "secret"
	KeyPublic KeyKind = "public"
)

// setting returns the provider setting that holds the key of this kind.
func (k KeyKind) setting() string {
	if k == KeyPublic {
		return SettingPublicKey
	}
	return SettingSecretKey
}

// Spec describes the Tahsilat gateway. Each call returns a fresh Spec, so
// callers may not affect each other by changing it.
func Spec() *clients.Spec {
	return &clients.Spec{
		Name:          Name,
		Title:         "Tahsilat",
		ProductionURL: ProductionURL,
		SandboxURL:    SandboxURL,
		SandboxHint:   sandboxHint,
		SandboxHintDoc: "When `sandbox` is not set, the key a token is requested with decides, as in Tahsilat's own SDKs: " +
			"a `secret_key` starting with `sk_test_` (for `key = \"secret\"`) or a `public_key` starting with `pk_test_` " +
			"(for `key = \"public\"`) selects the sandbox.",
		Settings: []clients.Field{
			{
				Name: SettingSecretKey,
				Description: "Tahsilat secret key (`sk_live_…`, or `sk_test_…` for the sandbox), sent as " +
					"`Authorization: Bearer` to get a token with `key = \"secret\"`, the default. Keep it server-side. " +
					"Needed only when a `secret` token is requested, which it then sends; a `sk_test_` key selects the sandbox for it " +
					"when `sandbox` is not set. Falls back to the `" + clients.EnvVar(Name, SettingSecretKey) + "` environment variable.",
				Sensitive: true,
				PerToken:  true,
			},
			{
				Name: SettingPublicKey,
				Description: "Tahsilat public key (`pk_live_…`, or `pk_test_…` for the sandbox), sent as " +
					"`Authorization: Bearer` to get a token with `key = \"public\"`. Such a token is for 3D Secure " +
					"payments only. Tahsilat says the public key may be shown in web and mobile apps, so it is not " +
					"treated as sensitive. Needed only when a `public` token is requested, which it then sends; " +
					"a `pk_test_` key selects the sandbox for it when `sandbox` is not set. Falls back to the `" + clients.EnvVar(Name, SettingPublicKey) +
					"` environment variable.",
				PerToken: true,
			},
		},
		Args: []clients.Field{keyArg()},
		New:  New,
	}
}

// keyArg is the key token argument. It is built afresh each time so no
// caller shares its OneOf slice with another.
func keyArg() clients.Field {
	return clients.Field{
		Name: ArgKey,
		Description: "Which merchant key asks for the token: `\"secret\"` uses `secret_key`; " +
			"`\"public\"` uses `public_key`. A token made with the public key is for 3D Secure payments only, " +
			"so its `supports_2d` is `false`.",
		OneOf:   []string{string(KeySecret), string(KeyPublic)},
		Default: string(KeySecret),
	}
}

// sandboxHint follows the SDKs: test keys live on the sandbox host. The key
// the token is requested with decides, since it is the one sent: another
// key of the merchant's says nothing of where that one is valid.
func sandboxHint(settings, args clients.Values) bool {
	key := settings.Get(keyKind(args).setting())
	return strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "pk_test_")
}

// keyKind is the key the arguments ask for, the secret key by default.
func keyKind(args clients.Values) KeyKind {
	if kind := KeyKind(args.Get(ArgKey)); kind != "" {
		return kind
	}
	return KeySecret
}

// New builds a Tahsilat client. Which key a token call needs depends on its
// key argument, so Token checks that the key is set: a missing key is then
// named as the one the token asked for.
func New(cfg clients.Config) (clients.Gateway, error) {
	// The host is picked again for each call, from the key it sends; this
	// checks the base URL up front.
	if _, err := cfg.Resolve(Spec()); err != nil {
		return nil, err
	}
	keys := clients.Values{
		SettingSecretKey: cfg.Settings.Get(SettingSecretKey),
		SettingPublicKey: cfg.Settings.Get(SettingPublicKey),
	}
	return &client{
		hosts:  clients.Config{Settings: keys, Sandbox: cfg.Sandbox, BaseURL: cfg.BaseURL},
		keys:   keys,
		keyArg: keyArg(),
		http:   cfg.HTTPLayer(),
		now:    cfg.Clock(),
	}, nil
}

// client is bound to one merchant's keys. It never changes after New, so it
// is safe for concurrent use.
type client struct {
	// hosts holds the user's choice of host, if any, and the keys that
	// pick one otherwise.
	hosts  clients.Config
	keys   clients.Values // a copy, so later changes to the settings do not reach it
	keyArg clients.Field
	http   *clients.HTTP
	now    func() time.Time
}

// String keeps the keys out of anything that formats a client: fmt prints
// unexported fields raw, bypassing clients.Values' redaction.
func (c *client) String() string {
	base, _ := c.hosts.BaseURLFor(Spec(), nil)
	return "tahsilat client(" + base + TokenPath + ")"
}

// GoString keeps the keys out of %#v.
func (c *client) GoString() string { return c.String() }

// Token asks Tahsilat for a token with the key the key argument names. Bad
// or missing input is reported before any request is sent.
func (c *client) Token(ctx context.Context, args clients.Values) (*clients.Token, error) {
	kind := keyKind(args)
	if err := c.keyArg.CheckOneOf(Name, string(kind)); err != nil {
		return nil, err
	}
	if err := clients.Require(Name, c.keys, false, kind.setting()); err != nil {
		return nil, err
	}
	// New checked the base URL, so this cannot fail.
	base, err := c.hosts.BaseURLFor(Spec(), args)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	header.Set("Authorization", "Bearer "+c.keys.Get(kind.setting()))
	header.Set("Accept-Language", "tr")
	header.Set("Content-Type", "application/json")
	header.Set("Accept", "application/json")
	resp, err := c.http.Do(ctx, &clients.Request{
		Gateway: Name,
		Method:  http.MethodPost,
		URL:     base + TokenPath,
		Header:  header,
	})
	if err != nil {
		return nil, err
	}
	tok, err := Parse(resp, c.now(), kind)
	// Should Tahsilat ever echo the key it was sent, it does not reach the
	// user.
	return tok, clients.RedactError(err, c.keys.Get(SettingSecretKey))
}
