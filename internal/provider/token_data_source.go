package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

var (
	_ datasource.DataSource                   = &TokenDataSource{}
	_ datasource.DataSourceWithConfigure      = &TokenDataSource{}
	_ datasource.DataSourceWithValidateConfig = &TokenDataSource{}
)

// TokenDataSource is the paytoken_token data source: the same token call as
// the ephemeral resource, with every result but the token itself, so a
// token's capabilities and expiry can be read while state stays free of
// secrets.
type TokenDataSource struct {
	data *providerData
}

// NewTokenDataSource returns the paytoken_token data source.
func NewTokenDataSource() datasource.DataSource {
	return &TokenDataSource{}
}

// Metadata names the data source.
func (d *TokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema is paytoken_token's schema without access_token, credentials and
// sensitive arguments: the fixed attributes, written here, and a block for
// each gateway that takes non-secret arguments, built from the gateways'
// Specs. TestTokenSchemas_agree holds it to the ephemeral resource's.
func (d *TokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"gateway": schema.StringAttribute{Required: true, MarkdownDescription: descGateway,
			Validators: []validator.String{stringvalidator.OneOf(gateways.Names()...)}},
		"min_valid_for": schema.StringAttribute{CustomType: timetypes.GoDurationType{}, Optional: true, MarkdownDescription: descMinValidFor,
			Validators: []validator.String{durationBetween(0, maxMinValidFor)}},
		"reuse":                schema.BoolAttribute{Optional: true, MarkdownDescription: descReuse},
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
	maps.Copy(attrs, gatewayBlocks(true,
		func(f blockField) schema.Attribute {
			return schema.StringAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.description, Validators: f.validators}
		},
		func(description string, fields map[string]schema.Attribute) schema.Attribute {
			return schema.SingleNestedAttribute{Optional: true, MarkdownDescription: description, Attributes: fields}
		}))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a payment gateway token's expiry and capability flags without the token itself, " +
			"so they can be used on any Terraform that speaks plugin protocol 6 (1.0 and later) while state stays free of secrets. " +
			"It takes no credentials and no session token, because data source arguments are written to state: it reads with the provider's. " +
			"To read capabilities for several merchants, give each its own provider configuration (a provider alias) and read with it.",
		Attributes: attrs,
	}
}

// Configure receives the provider's data.
func (d *TokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := configuredData(req.ProviderData, "Data Source")
	resp.Diagnostics.Append(diags...)
	if data != nil {
		d.data = data
	}
}

// ValidateConfig rejects argument blocks of another gateway.
func (d *TokenDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var model tokenDataSourceModel
	c, diags := readTokenConfig(ctx, req.Config, &model)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.Diagnostics.Append(c.validate(model.tokenArgsModel)...)
	}
}

// Read gets a token and records everything about it but the token.
func (d *TokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider Not Configured",
			"The paytoken provider was not configured before paytoken_token was read. Please report this issue to the provider developers.")
		return
	}
	var model tokenDataSourceModel
	c, diags := readTokenConfig(ctx, req.Config, &model)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r, diags := c.request(model.tokenArgsModel, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, diags := d.data.token(ctx, r)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.tokenResultsModel = newTokenResults(tok)
	resp.Diagnostics.Append(c.write(ctx, &resp.State, &model)...)
}
