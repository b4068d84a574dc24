package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource                   = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigure      = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithValidateConfig = &TokenEphemeralResource{}
	_ ephemeral.EphemeralResourceWithRenew          = &TokenEphemeralResource{}
)

// renewLead is how long before expires_at Terraform is asked to renew.
const renewLead = 30 * time.Second

// TokenEphemeralResource is the paytoken_token ephemeral resource: a
// gateway's access token, handed to Terraform at plan and apply and never
// stored. It implements no Close: a token cannot be revoked and simply
// expires.
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

// Schema is paytoken_token's schema, shared with the data source.
func (e *TokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gets a short-lived access token from a payment gateway. The token can be passed to provider configurations, " +
			"write-only attributes and other ephemeral contexts while Terraform runs, and is never written to state or plan files. " +
			"Terraform opens it at plan and again at apply.",
		Attributes: ephemeralAttrs(tokenSchemaAttrs(false)),
	}
}

func ephemeralAttrs(specs map[string]attrSpec) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(specs))
	for name, a := range specs {
		switch a.kind {
		case kindString:
			out[name] = schema.StringAttribute{Required: a.required, Optional: a.optional, Computed: a.computed,
				Sensitive: a.sensitive, MarkdownDescription: a.description, Validators: a.validators}
		case kindDuration:
			out[name] = schema.StringAttribute{CustomType: timetypes.GoDurationType{}, Optional: a.optional,
				MarkdownDescription: a.description, Validators: a.validators}
		case kindTime:
			out[name] = schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: a.description}
		case kindBool:
			out[name] = schema.BoolAttribute{Optional: a.optional, Computed: a.computed, MarkdownDescription: a.description}
		case kindStringList:
			out[name] = schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: a.description}
		case kindNested:
			out[name] = schema.SingleNestedAttribute{Optional: a.optional, MarkdownDescription: a.description,
				Attributes: ephemeralAttrs(a.nested)}
		}
	}
	return out
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
	resp.Diagnostics.Append(validateTokenConfig(ctx, req.Config, false)...)
}

// tokenPrivate is what Renew needs to know; it holds no secret.
type tokenPrivate struct {
	Gateway   string    `json:"gateway"`
	ExpiresAt time.Time `json:"expires_at"`
}

const privateKey = "token"

// Open gets the token and asks Terraform to renew it shortly before it
// expires.
func (e *TokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if e.data == nil {
		resp.Diagnostics.AddError("Provider Not Configured",
			"The paytoken provider was not configured before paytoken_token was opened. Please report this issue to the provider developers.")
		return
	}
	r, diags := readTokenRequest(ctx, req.Config, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, diags := e.data.token(ctx, r)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setTokenResults(ctx, &resp.Result, tok, true)...)

	renewAt := tok.ExpiresAt.Add(-renewLead)
	if now := e.data.now(); renewAt.Before(now) {
		renewAt = now
	}
	resp.RenewAt = renewAt
	priv, err := json.Marshal(tokenPrivate{Gateway: r.gateway, ExpiresAt: tok.ExpiresAt})
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKey, priv)...)
	}
}

// Renew cannot hand Terraform a new token: an ephemeral resource's result
// is fixed once opened. It warns when the token runs out, and what to do.
func (e *TokenEphemeralResource) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	var p tokenPrivate
	raw, diags := req.Private.GetKey(ctx, privateKey)
	resp.Diagnostics.Append(diags...)
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &p)
	}
	expiry := "soon"
	if !p.ExpiresAt.IsZero() {
		expiry = "at " + p.ExpiresAt.UTC().Format(time.RFC3339)
	}
	gateway := p.Gateway
	if gateway == "" {
		gateway = "payment gateway"
	}
	resp.Diagnostics.AddWarning("Token Cannot Be Renewed",
		fmt.Sprintf("The %s token expires %s, and Terraform cannot receive a new token while this run is in progress. "+
			"Anything that uses the token after it expires will be refused by the gateway. "+
			"Run Terraform again to get a fresh token, or keep runs that use it shorter than the token's lifetime "+
			"(raise min_valid_for so a token close to expiry is never handed out).", gateway, expiry))
}
