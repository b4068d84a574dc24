package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// providerData is what Configure hands to the data source and the
// ephemeral resource.
type providerData struct {
	gateways map[string]*gatewaySettings
	http     *clients.HTTP
	cache    *tokenCache
	now      func() time.Time
	// expiry tells Close whether the CLI shows Renew's expiry warnings.
	expiry *expiryWarnings
}

// configuredData returns the provider's data handed to a data source or
// ephemeral resource's Configure, which is nil before the provider is
// configured. kind names the caller for the diagnostic.
func configuredData(data any, kind string) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if data == nil {
		return nil, diags
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. Please report this issue to the provider developers.", data))
	}
	return d, diags
}

// tokenRequest is one open of the ephemeral resource or one read of the
// data source.
type tokenRequest struct {
	gateway string
	// args are the token's own arguments and credentials, before provider
	// fallbacks.
	args        clients.Values
	minValidFor time.Duration
	reuse       bool
	// dataSource is set for the data source, which takes no credential and
	// no sensitive argument, so advice about one points at the provider
	// instead.
	dataSource bool
}

// resolveArgs fills the token arguments the configuration left unset from
// their provider fallback, then their default.
func resolveArgs(g *gatewaySettings, given clients.Values) clients.Values {
	args := clients.Values{}
	for _, f := range g.spec.Args {
		v := given.Get(f.Name)
		if v == "" && f.Fallback != "" {
			v = g.values.Get(f.Fallback)
		}
		if v == "" {
			v = f.Default
		}
		if v != "" {
			args[f.Name] = v
		}
	}
	return args
}

// merchant is what one token is fetched with: the provider's settings for
// its gateway, with the credentials the token carries itself over them,
// and the token's arguments.
type merchant struct {
	cfg clients.Config
	// own holds the credentials the token carries itself; nil when none.
	own clients.Values
	// args are the token's arguments, resolved by resolveArgs.
	args clients.Values
}

// resolveMerchant puts the credentials r carries over the provider's
// settings. A host picked from credentials (Tahsilat's key prefixes) then
// follows the key actually sent, the token's own or the provider's, as the
// gateway's client picks it from the settings and the arguments.
func resolveMerchant(g *gatewaySettings, r tokenRequest) merchant {
	m := merchant{cfg: clients.Config{Settings: g.values, Sandbox: g.sandbox, BaseURL: g.baseURL}, args: resolveArgs(g, r.args)}
	for _, f := range g.spec.Settings {
		if v := r.args.Get(f.Name); v != "" && carriedOnToken(f, r.dataSource) {
			if m.own == nil {
				m.own = clients.Values{}
			}
			m.own[f.Name] = v
		}
	}
	if m.own == nil {
		return m
	}
	settings := make(clients.Values, len(g.values)+len(m.own))
	maps.Copy(settings, g.values)
	maps.Copy(settings, m.own)
	m.cfg.Settings = settings
	return m
}

// unknownSettings lists the provider's settings for g that are not known
// yet and that the token does not replace with its own.
func (m merchant) unknownSettings(g *gatewaySettings) []string {
	if m.own == nil {
		return g.unknown
	}
	var out []string
	for _, u := range g.unknown {
		if name, ok := strings.CutPrefix(u, g.spec.Name+"."); !ok || m.own.Get(name) == "" {
			out = append(out, u)
		}
	}
	return out
}

// token returns a token for r: a reused one when allowed and still valid
// for r.minValidFor, else a fresh one from the gateway.
func (d *providerData) token(ctx context.Context, r tokenRequest) (*clients.Token, diag.Diagnostics) {
	var diags diag.Diagnostics
	g, ok := d.gateways[r.gateway]
	if !ok {
		diags.AddAttributeError(path.Root("gateway"), "Unknown Gateway",
			fmt.Sprintf("The gateway %q is not supported. Use one of %s.", r.gateway, quotedGatewayNames()))
		return nil, diags
	}
	spec := g.spec
	m := resolveMerchant(g, r)
	if unknown := m.unknownSettings(g); len(unknown) > 0 {
		diags.AddError("Provider Configuration Not Yet Known",
			fmt.Sprintf("The provider's %s depends on values that are not known until apply, so a %s token cannot be requested now. "+
				"Make those values known at plan time (for example from a data source, a variable or an ephemeral resource), "+
				"or apply the resources they come from first.", strings.Join(unknown, ", "), spec.Title))
		return nil, diags
	}

	args := m.args
	// The provider's secrets are masked too, although a token with its own
	// credentials does not send them: a fence need not be tight.
	secrets := appendSensitive(nil, spec.Settings, g.values)
	secrets = appendSensitive(secrets, spec.Settings, m.own)
	secrets = appendSensitive(secrets, spec.Args, args)
	fail := func(err error) (*clients.Token, diag.Diagnostics) {
		diags.Append(errorDiagnostics(spec, m, d.http, r, err, secrets)...)
		return nil, diags
	}

	if g.err != nil {
		return fail(g.err)
	}
	cfg := m.cfg
	cfg.HTTP, cfg.Now = d.http, d.now
	// The client and the masked logging context are made only when the
	// gateway is called: a reused token needs neither, and each tflog mask
	// copies the logger's options. A cached token implies that spec.New
	// succeeded with the very settings its key covers.
	fetch := func(ctx context.Context) (*clients.Token, error) {
		client, err := spec.New(cfg)
		if err != nil {
			return nil, err
		}
		ctx = tflog.SetField(withMasking(ctx, secrets...), "gateway", spec.Name)
		return client.Token(clients.WithLogger(ctx, tflogLogger{ctx}), args)
	}
	var tok *clients.Token
	reused := false
	var err error
	if r.reuse {
		tok, reused, err = d.cache.get(ctx, cacheKey(spec.Name, m.cfg, args), d.now, r.minValidFor, fetch)
	} else {
		tok, err = fetch(ctx)
	}
	if err != nil {
		return fail(err)
	}

	if validFor := tok.ValidFor(d.now()); validFor < r.minValidFor {
		diags.AddError("Token Expires Too Soon",
			fmt.Sprintf("%s issued a token that is valid for %s (until %s), less than min_valid_for (%s). "+
				"Lower min_valid_for to at most the gateway's token lifetime, or check that this machine's clock is right.",
				spec.Title, validFor.Round(time.Second), tok.ExpiresAt.Format(time.RFC3339), r.minValidFor))
		return nil, diags
	}
	for _, w := range tok.Warnings {
		diags.AddWarning(spec.Title+" Token Warning", redact(w, secrets))
	}
	// This line holds only the gateway's name, a time and two flags, so it
	// goes out without the masking fence: on a reused token, the fence's
	// copies of the logger options would be half of the provider's work.
	tflog.Debug(ctx, "Token ready", map[string]any{
		"gateway":    spec.Name,
		"expires_at": tok.ExpiresAt.Format(time.RFC3339),
		"reused":     reused,
		"reuse":      r.reuse,
	})
	return tok, diags
}

// appendSensitive appends to dst the values of the sensitive fields set in
// values, for masking and redaction.
func appendSensitive(dst []string, fields []clients.Field, values clients.Values) []string {
	for _, f := range fields {
		if v := values.Get(f.Name); f.Sensitive && v != "" {
			dst = append(dst, v)
		}
	}
	return dst
}
