package clients

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Spec describes a gateway: its name, hosts, the provider settings it needs,
// the token arguments it takes, and how to build a client for it. The
// provider builds its schema, environment-variable fallbacks and
// diagnostics from Specs, so a new gateway needs no provider code.
type Spec struct {
	// Name is the gateway's name in configurations, e.g. "sipay".
	Name string
	// Title is the gateway's display name, e.g. "Sipay".
	Title string
	// ProductionURL and SandboxURL are the documented base URLs.
	ProductionURL string
	SandboxURL    string
	// SandboxHint optionally reports whether the settings mean the sandbox,
	// for when the user did not choose (Tahsilat's key prefixes). args are
	// the token's arguments, which may say which setting is sent (Tahsilat's
	// key); nil stands for their defaults.
	SandboxHint func(settings, args Values) bool
	// SandboxHintDoc explains SandboxHint to users, for documentation.
	SandboxHintDoc string
	// Settings are the provider-level settings of the gateway, other than
	// the common base_url and sandbox. Those marked PerToken are the
	// merchant's credentials, which a token may also carry.
	Settings []Field
	// Args are the token-level arguments, set in the token's nested block
	// named after the gateway.
	Args []Field
	// New builds a client for one merchant's settings.
	New func(Config) (Gateway, error)
	// Hint optionally says what the user should do about a failure the
	// gateway reported, such as one of its error codes; "" means no advice
	// beyond the generic one.
	Hint func(e *Error) string
}

// Field describes one setting or token argument.
type Field struct {
	// Name is the attribute name, e.g. "app_secret".
	Name string
	// Description is the user-facing description, in Markdown.
	Description string
	// Sensitive marks a secret: never shown, logged or stored.
	Sensitive bool
	// OneOf lists the allowed values, when the set is closed.
	OneOf []string
	// Default is the value used when the field is not set.
	Default string
	// Fallback names the provider setting an argument falls back to.
	Fallback string
	// PerToken marks a provider setting that a token's own block for the
	// gateway may also carry, winning over the provider's value and its
	// environment variable. It is for the merchant's credentials, so one
	// configuration can serve many merchants; hosts stay provider-wide.
	PerToken bool
}

// TokenSettings returns the settings marked PerToken, in order.
func (s *Spec) TokenSettings() []Field {
	var out []Field
	for _, f := range s.Settings {
		if f.PerToken {
			out = append(out, f)
		}
	}
	return out
}

// EnvVar returns the environment variable for a setting of gateway.
func EnvVar(gateway, setting string) string {
	return "PAYTOKEN_" + strings.ToUpper(gateway) + "_" + strings.ToUpper(setting)
}

// Config is what a gateway client is built from.
type Config struct {
	// Settings are the gateway's provider settings, resolved against their
	// environment variables; absent keys mean "not set".
	Settings Values
	// Sandbox is the user's explicit choice of host, nil when unset.
	Sandbox *bool
	// BaseURL overrides the host choice when not empty.
	BaseURL string
	// HTTP is the shared HTTP layer.
	HTTP *HTTP
	// Now is the clock used for receipt times; nil means time.Now.
	Now func() time.Time
}

// Clock returns c.Now, or time.Now when it is nil.
func (c Config) Clock() func() time.Time {
	if c.Now != nil {
		return c.Now
	}
	return time.Now
}

// HTTPLayer returns c.HTTP, or an HTTP layer with default options when it
// is nil, as in tests that build a client alone.
func (c Config) HTTPLayer() *HTTP {
	if c.HTTP != nil {
		return c.HTTP
	}
	return NewHTTP(HTTPOptions{})
}

// BaseURLFor picks the base URL for spec and a token with args (nil for
// their defaults): an explicit base URL wins, then an explicit sandbox
// choice, then the gateway's hint, then production. The result is checked
// with CheckBaseURL.
func (c Config) BaseURLFor(spec *Spec, args Values) (string, error) {
	base := c.BaseURL
	if base == "" {
		sandbox := false
		switch {
		case c.Sandbox != nil:
			sandbox = *c.Sandbox
		case spec.SandboxHint != nil:
			sandbox = spec.SandboxHint(c.Settings, args)
		}
		base = spec.ProductionURL
		if sandbox {
			base = spec.SandboxURL
		}
	}
	if err := CheckBaseURL(base); err != nil {
		return "", &SettingError{Gateway: spec.Name, Setting: "base_url", Reason: err.Error()}
	}
	return strings.TrimRight(base, "/"), nil
}

// Resolve is the common opening of a gateway's New: the base URL for spec,
// after checking that every setting in required is set.
func (c Config) Resolve(spec *Spec, required ...string) (string, error) {
	base, err := c.BaseURLFor(spec, nil)
	if err != nil {
		return "", err
	}
	return base, Require(spec.Name, c.Settings, false, required...)
}

// Require returns a MissingSettingError for the first of names that is not
// set in values, or nil when all are set. arg says whether the names are
// token arguments rather than provider settings.
func Require(gateway string, values Values, arg bool, names ...string) error {
	for _, n := range names {
		if values.Get(n) == "" {
			return &MissingSettingError{Gateway: gateway, Name: n, Arg: arg}
		}
	}
	return nil
}

// CheckOneOf checks that the value of an argument is one of f.OneOf.
func (f Field) CheckOneOf(gateway, value string) error {
	if len(f.OneOf) == 0 || value == "" {
		return nil
	}
	for _, ok := range f.OneOf {
		if value == ok {
			return nil
		}
	}
	return &SettingError{Gateway: gateway, Setting: f.Name, Arg: true,
		Reason: fmt.Sprintf("must be one of %s", quoteList(f.OneOf))}
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func joinKeys(v Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
