package provider

import (
	"context"
	"encoding/json"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

var (
	_ ephemeral.EphemeralResource                   = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure      = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithRenew          = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithClose          = &TokenEphemeralResource{}
)

// TokenEphemeralResource is the paytoken_token ephemeral resource: a
// gateway's access token, handed to Terraform at plan and apply and never
// stored. A token can be neither renewed nor revoked, so Renew and Close
// only tell when the run outlived it.
type TokenEphemeralResource struct {
	data *providerData
}

// NewTokenEphemeralResource returns the paytoken_token ephemeral resource.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &TokenEphemeralResource{}
}

// Metadata names the ephemeral resource.
func (e *TokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema is paytoken_token's schema: the fixed attributes, written here,
// and a block for each gateway that takes arguments or credentials, built
// from the gateways' Specs. The data source's has the same fixed
// attributes but access_token (TestTokenSchemas_agree).
func (e *TokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"gateway": schema.StringAttribute{Required: true, MarkdownDescription: descGateway,
			Validators: []validator.String{stringvalidator.OneOf(gateways.Names()...)}},
		"min_valid_for": schema.StringAttribute{CustomType: timetypes.GoDurationType{}, Optional: true, MarkdownDescription: descMinValidFor,
			Validators: []validator.String{durationBetween(0, maxMinValidFor)}},
		"reuse":                schema.BoolAttribute{Optional: true, MarkdownDescription: descReuse},
		"access_token":         schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: descAccessToken},
		"expires_at":           schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: descExpiresAt},
		"issued_at":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: descIssuedAt},
		"supports_2d":          schema.BoolAttribute{Computed: true, MarkdownDescription: descSupports2D},
		"supports_3d":          schema.BoolAttribute{Computed: true, MarkdownDescription: descSupports3D},
		"supports_white_label": schema.BoolAttribute{Computed: true, MarkdownDescription: descWhiteLabel},
		"supports_branded":     schema.BoolAttribute{Computed: true, MarkdownDescription: descBranded},
		"supports_installment": schema.BoolAttribute{Computed: true, MarkdownDescription: descInstallment},
		"requires_3d_choice":   schema.BoolAttribute{Computed: true, MarkdownDescription: desc3DChoice},
		"scopes":               schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: descScopes},
	}
	maps.Copy(attrs, gatewayBlocks(false,
		func(f blockField) schema.Attribute {
			return schema.StringAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.description, Validators: f.validators}
		},
		func(description string, fields map[string]schema.Attribute) schema.Attribute {
			return schema.SingleNestedAttribute{Optional: true, MarkdownDescription: description, Attributes: fields}
		}))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gets a short-lived access token from a payment gateway. The token can be passed to provider configurations, " +
			"write-only attributes and other ephemeral contexts while Terraform runs, and is never written to state or plan files. " +
			"Terraform opens it at plan and again at apply.",
		Attributes: attrs,
	}
}

// Configure receives the provider's data.
func (e *TokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData, "Ephemeral Resource")
	resp.Diagnostics.Append(diags...)
	if data != nil {
		e.data = data
	}
}

// ValidateConfig rejects argument blocks of another gateway.
func (e *TokenEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var model tokenEphemeralModel
	c, diags := readTokenConfig(ctx, req.Config, &model)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.Diagnostics.Append(c.validate(model.tokenArgsModel)...)
	}
}

// tokenPrivate is what Renew and Close need to know about an opened
// token; it holds no secret.
type tokenPrivate struct {
	Gateway   string    `json:"gateway"`
	ExpiresAt time.Time `json:"expires_at"`
	// Open tells this open from the provider process's others.
	Open uint64 `json:"open,omitempty"`
	// Warned is set by the Renew that warned of the expiry.
	Warned bool `json:"warned,omitempty"`
}

const privateKey = "token"

// Open gets the token and asks to be renewed when it expires: the renewal
// cannot hand Terraform a new token, but it comes only when the run
// outlives the token, and it is where OpenTofu takes a warning once (see
// Close).
func (e *TokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if e.data == nil {
		resp.Diagnostics.AddError("Provider Not Configured",
			"The paytoken provider was not configured before paytoken_token was opened. Please report this issue to the provider developers.")
		return
	}
	var model tokenEphemeralModel
	c, diags := readTokenConfig(ctx, req.Config, &model)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r, diags := c.request(model.tokenArgsModel, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, diags := e.data.token(ctx, r)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.tokenResultsModel = newTokenResults(tok)
	model.AccessToken = types.StringValue(tok.AccessToken)
	resp.Diagnostics.Append(c.write(ctx, &resp.Result, &model)...)

	resp.RenewAt = tok.ExpiresAt
	priv, err := json.Marshal(tokenPrivate{Gateway: r.gateway, ExpiresAt: tok.ExpiresAt, Open: e.data.expiry.open()})
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, priv)...)
	}
}

// Renew cannot hand Terraform a new token: an ephemeral resource's result
// is fixed once opened. Called at the expiry, while the run still holds the
// token, it warns that the token expired, and marks the private data so
// that Close, when handed that data, does not warn again.
func (e *TokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	p, ok := readTokenPrivate(ctx, req.Private)
	if !ok || p.ExpiresAt.IsZero() || p.Warned {
		tflog.Debug(ctx, "Token renewal with nothing to say", map[string]any{"gateway": p.Gateway, "warned": p.Warned})
		return
	}
	if e.now().Before(p.ExpiresAt) {
		// Too early to tell: come back at the expiry.
		resp.RenewAt = p.ExpiresAt
		return
	}
	tflog.Debug(ctx, "Token expired during the run", map[string]any{"gateway": p.Gateway, "expires_at": formatExpiry(p.ExpiresAt)})
	summary, detail := expiredWarning(p.title(), p.ExpiresAt)
	resp.Diagnostics.AddWarning(summary, detail)
	if e.data != nil {
		e.data.expiry.renewWarned(p.Open)
	}
	p.Warned = true
	if raw, err := json.Marshal(p); err == nil && resp.Private != nil {
		if diags := resp.Private.SetKey(ctx, privateKey, raw); diags.HasError() {
			tflog.Debug(ctx, "Token private data not updated", map[string]any{"gateway": p.Gateway})
		}
	}
}

// Close warns when the token expired before the run closed it, unless
// Renew's warning reaches the user. Terraform before 1.17 drops Renew's
// warnings and shows Close's; OpenTofu shows Renew's, and on 1.11 shows
// each of Close's twice. OpenTofu hands Close the private data of the last
// renewal, which Renew marked, and Terraform that of Open. Close never
// fails the run, whatever the private data holds.
func (e *TokenEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	p, ok := readTokenPrivate(ctx, req.Private)
	if !ok || p.ExpiresAt.IsZero() {
		// Without an expiry there is nothing true to say, as for a token
		// that was never opened.
		tflog.Debug(ctx, "Token closed without a known expiry", map[string]any{"gateway": p.Gateway})
		return
	}
	expired := !e.now().Before(p.ExpiresAt)
	shown := p.Warned || (e.data != nil && e.data.expiry.shownByRenew(p.Open))
	tflog.Debug(ctx, "Token closed", map[string]any{
		"gateway":               p.Gateway,
		"expires_at":            formatExpiry(p.ExpiresAt),
		"expired":               expired,
		"renewal_warning_shown": shown,
	})
	if !expired || shown {
		return
	}
	summary, detail := expiredWarning(p.title(), p.ExpiresAt)
	resp.Diagnostics.AddWarning(summary, detail)
}

// now reads the provider's clock, or the system's on a provider that was
// never configured.
func (e *TokenEphemeralResource) now() time.Time {
	if e.data != nil && e.data.now != nil {
		return e.data.now()
	}
	return time.Now()
}
