package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
// sensitive arguments.
func (d *TokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a payment gateway token's expiry and capability flags without the token itself, " +
			"so they can be used on any Terraform that speaks plugin protocol 6 (1.0 and later) while state stays free of secrets. " +
			"It takes no credentials and no session token, because data source arguments are written to state: it reads with the provider's. " +
			"To read capabilities for several merchants, give each its own provider configuration (a provider alias) and read with it.",
		Attributes: dataSourceAttrs(tokenSchemaAttrs(true)),
	}
}

func dataSourceAttrs(specs map[string]attrSpec) map[string]schema.Attribute {
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
				Attributes: dataSourceAttrs(a.nested)}
		}
	}
	return out
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
	resp.Diagnostics.Append(validateTokenConfig(ctx, req.Config, true)...)
}

// Read gets a token and records everything about it but the token.
func (d *TokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider Not Configured",
			"The paytoken provider was not configured before paytoken_token was read. Please report this issue to the provider developers.")
		return
	}
	r, diags := readTokenRequest(ctx, req.Config, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, diags := d.data.token(ctx, r)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setTokenResults(ctx, &resp.State, tok, false)...)
}
