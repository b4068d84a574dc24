// Package iyzico fetches access tokens from iyzico's Pay with iyzico
// third-party session API (the tokenization product): a member's session
// token is exchanged for a short-lived bearer token that can trigger
// payments and read the member's last payment.
//
// Every request is signed with iyzico's IYZWSv2 scheme. The signature covers
// the exact body bytes and the URL path as sent, so it is computed in the
// HTTP layer's Sign hook, afresh for each attempt.
package iyzico

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Name is the gateway's name in configurations.
const Name = "iyzico"

// TokenPath is the token call's path below the base URL.
const TokenPath = "/v1/pay-with-iyzico/third-party-session/retrieve/access-token"

// DefaultLifetime is how long iyzico documents its access tokens to live.
// It is used only when the token is not a JWT with an exp claim, since the
// documented sample's exp is 6 minutes after its systemTime.
const DefaultLifetime = 5 * time.Minute

// Documented base URLs, as the official iyzipay clients use them.
const (
	ProductionURL = "https://api.iyzipay.com"
	SandboxURL    = "https://sandbox-api.iyzipay.com"
)

// Names of the provider settings and token arguments.
const (
	settingAPIKey        = "api_key"
	settingSecretKey     = "secret_key"
	settingSessionToken  = "session_token"
	settingMemberID      = "member_identifier"
	argSessionToken      = "session_token"
	argMemberID          = "member_identifier"
	argLocale            = "locale"
	argConversationID    = "conversation_id"
	defaultLocale        = "tr"
	headerRandomKey      = "X-Iyzi-Rnd"
	contentTypeJSON      = "application/json"
	authorizationHeader  = "Authorization"
	authorizationVersion = "IYZWSv2"
)

var locales = []string{"tr", "en"}

// Spec describes the iyzico gateway. Each call returns a fresh Spec, so no
// caller's changes reach another's.
func Spec() *clients.Spec {
	return &clients.Spec{
		Name:          Name,
		Title:         "iyzico",
		ProductionURL: ProductionURL,
		SandboxURL:    SandboxURL,
		Settings: []clients.Field{
			{
				Name: settingAPIKey,
				Description: "The merchant's iyzico API key (`apiKey`), from the iyzico merchant panel under " +
					"*Settings → Company Settings*; sandbox keys start with `sandbox-`. Together with `secret_key` it signs " +
					"every request with the `IYZWSv2` scheme. Needed only for iyzico tokens. Can also be set with the `" +
					clients.EnvVar(Name, settingAPIKey) + "` environment variable.",
				PerToken: true,
			},
			{
				Name: settingSecretKey,
				Description: "The merchant's iyzico secret key (`secretKey`), from the same panel page as `api_key`. " +
					"It only keys the HMAC-SHA256 request signature and is never sent. Needed only for iyzico tokens. " +
					"Can also be set with the `" + clients.EnvVar(Name, settingSecretKey) + "` environment variable.",
				Sensitive: true,
				PerToken:  true,
			},
			{
				Name: settingSessionToken,
				Description: "The default member session token (`sessionToken`) for iyzico tokens: the session key of " +
					"the member who paid with the same payment type. A token's `iyzico.session_token` argument wins over it. " +
					"Can also be set with the `" + clients.EnvVar(Name, settingSessionToken) + "` environment variable.",
				Sensitive: true,
			},
			{
				Name: settingMemberID,
				Description: "The default member identifier (`memberIdentifier`) for iyzico tokens: the member's unique " +
					"key that the session token belongs to. A token's `iyzico.member_identifier` argument wins over it. " +
					"Can also be set with the `" + clients.EnvVar(Name, settingMemberID) + "` environment variable.",
			},
		},
		Args: tokenArgs(),
		New:  New,
	}
}

// tokenArgs returns the token arguments of an iyzico token, so Token checks its
// input against the very fields the provider's schema is built from.
func tokenArgs() []clients.Field {
	return []clients.Field{
		{
			Name: argSessionToken,
			Description: "The member's session token (`sessionToken`). Only the ephemeral resource takes it, " +
				"since data source arguments are written to state.",
			Sensitive: true,
			Fallback:  settingSessionToken,
		},
		{
			Name:        argMemberID,
			Description: "The member identifier (`memberIdentifier`) the session token belongs to.",
			Fallback:    settingMemberID,
		},
		{
			Name:        argLocale,
			Description: "The language of iyzico's messages (`locale`), including its error messages: `tr` or `en`.",
			OneOf:       append([]string(nil), locales...),
			Default:     defaultLocale,
		},
		{
			Name: argConversationID,
			Description: "An optional value sent as `conversationId`, which iyzico echoes back so requests " +
				"can be matched to answers; usually the merchant's order number.",
		},
	}
}

// New builds an iyzico client for one merchant. It fails when the base URL
// is unusable or api_key or secret_key is missing; the member's session is
// checked per token, since it may come from the token's arguments.
func New(cfg clients.Config) (clients.Gateway, error) {
	base, err := cfg.Resolve(Spec(), settingAPIKey, settingSecretKey)
	if err != nil {
		return nil, err
	}
	h := cfg.HTTPLayer()
	var localeField clients.Field
	for _, f := range tokenArgs() {
		if f.Name == argLocale {
			localeField = f
		}
	}
	return &client{
		url:         base + TokenPath,
		apiKey:      cfg.Settings.Get(settingAPIKey),
		secretKey:   cfg.Settings.Get(settingSecretKey),
		defaults:    clients.Values{argSessionToken: cfg.Settings.Get(settingSessionToken), argMemberID: cfg.Settings.Get(settingMemberID)},
		http:        h,
		now:         cfg.Clock(),
		localeField: localeField,
	}, nil
}

var _ clients.Gateway = (*client)(nil)

var errSerialise = errors.New("the request body could not be serialised")

type client struct {
	url         string
	apiKey      string
	secretKey   string
	defaults    clients.Values
	http        *clients.HTTP
	now         func() time.Time
	localeField clients.Field
}

// tokenRequest is the request body; its field order is the documented one.
type tokenRequest struct {
	SessionToken     string `json:"sessionToken"`
	MemberIdentifier string `json:"memberIdentifier"`
	Locale           string `json:"locale"`
	ConversationID   string `json:"conversationId,omitempty"`
}

// Token exchanges the member's session for an access token. The session
// token and member identifier come from args, else from the provider's
// settings, as their Fallback says.
func (c *client) Token(ctx context.Context, args clients.Values) (*clients.Token, error) {
	resolved := clients.Values{
		argSessionToken:   firstSet(args.Get(argSessionToken), c.defaults.Get(argSessionToken)),
		argMemberID:       firstSet(args.Get(argMemberID), c.defaults.Get(argMemberID)),
		argLocale:         firstSet(args.Get(argLocale), defaultLocale),
		argConversationID: args.Get(argConversationID),
	}
	if err := clients.Require(Name, resolved, true, argSessionToken, argMemberID); err != nil {
		return nil, err
	}
	if err := c.localeField.CheckOneOf(Name, resolved.Get(argLocale)); err != nil {
		return nil, err
	}
	body, err := json.Marshal(tokenRequest{
		SessionToken:     resolved.Get(argSessionToken),
		MemberIdentifier: resolved.Get(argMemberID),
		Locale:           resolved.Get(argLocale),
		ConversationID:   resolved.Get(argConversationID),
	})
	if err != nil {
		// Marshalling four strings cannot fail; say so without the values.
		return nil, &clients.Error{Gateway: Name, Kind: clients.KindTransport, Err: errSerialise}
	}
	resp, err := c.http.Do(ctx, &clients.Request{
		Gateway: Name,
		Method:  http.MethodPost,
		URL:     c.url,
		Header: http.Header{
			"Content-Type": {contentTypeJSON},
			"Accept":       {contentTypeJSON},
		},
		Body:     body,
		Sign:     c.sign,
		Classify: Classify,
	})
	if err != nil {
		return nil, err
	}
	tok, err := Parse(resp, c.now())
	if err != nil {
		// A second fence after Parse: should iyzico ever echo a secret it was
		// sent in its failure message, the secret does not reach the user.
		return nil, clients.RedactError(err, c.secretKey, resolved.Get(argSessionToken))
	}
	return tok, nil
}

// String keeps the secret key out of anything that formats a client.
func (c *client) String() string { return "iyzico client for " + c.url }

// GoString keeps the secret key out of %#v.
func (c *client) GoString() string { return c.String() }

// sign is called before every attempt, so each attempt carries its own
// random key and a signature over the path and bytes it really sends.
func (c *client) sign(r *http.Request, body []byte) error {
	rnd := RandomKey()
	r.Header.Set(authorizationHeader, Authorization(c.apiKey, c.secretKey, rnd, r.URL.EscapedPath(), body))
	r.Header.Set(headerRandomKey, rnd)
	return nil
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
