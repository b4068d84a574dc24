package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// tokenArgsModel is paytoken_token's fixed arguments, the same on the
// ephemeral resource and the data source.
type tokenArgsModel struct {
	Gateway     types.String         `tfsdk:"gateway"`
	MinValidFor timetypes.GoDuration `tfsdk:"min_valid_for"`
	Reuse       types.Bool           `tfsdk:"reuse"`
}

// tokenResultsModel is its results but access_token, the same on both.
type tokenResultsModel struct {
	ExpiresAt           timetypes.RFC3339 `tfsdk:"expires_at"`
	IssuedAt            timetypes.RFC3339 `tfsdk:"issued_at"`
	Supports2D          types.Bool        `tfsdk:"supports_2d"`
	Supports3D          types.Bool        `tfsdk:"supports_3d"`
	SupportsWhiteLabel  types.Bool        `tfsdk:"supports_white_label"`
	SupportsBranded     types.Bool        `tfsdk:"supports_branded"`
	SupportsInstallment types.Bool        `tfsdk:"supports_installment"`
	Requires3DChoice    types.Bool        `tfsdk:"requires_3d_choice"`
	Scopes              types.List        `tfsdk:"scopes"`
}

// tokenEphemeralModel is the ephemeral resource's fixed attributes.
type tokenEphemeralModel struct {
	tokenArgsModel
	tokenResultsModel
	AccessToken types.String `tfsdk:"access_token"`
}

// tokenDataSourceModel is the data source's fixed attributes.
type tokenDataSourceModel struct {
	tokenArgsModel
	tokenResultsModel
}

// tokenObject is a paytoken_token's whole object: the fixed attributes,
// read into and written from a model struct, and the gateways' blocks,
// which vary with the registry and so pass through as they are.
type tokenObject struct {
	fixed  types.Object
	blocks map[string]types.Object
}

// getter and setter are the parts of tfsdk.Config, tfsdk.State and
// tfsdk.EphemeralResultData that the object goes through.
type (
	getter interface {
		Get(ctx context.Context, target any) diag.Diagnostics
	}
	setter interface {
		Set(ctx context.Context, val any) diag.Diagnostics
	}
)

// readTokenConfig reads the object in src and the fixed attributes into
// model, a pointer to a model struct.
func readTokenConfig(ctx context.Context, src getter, model any) (tokenObject, diag.Diagnostics) {
	var all types.Object
	diags := src.Get(ctx, &all)
	if diags.HasError() {
		return tokenObject{}, diags
	}
	c := tokenObject{blocks: map[string]types.Object{}}
	attrs, attrTypes := all.Attributes(), all.AttributeTypes(ctx)
	for name, v := range attrs {
		if block, ok := v.(types.Object); ok && isGatewayBlock(name) {
			c.blocks[name] = block
			delete(attrs, name)
			delete(attrTypes, name)
		}
	}
	fixed, d := basetypes.NewObjectValue(attrTypes, attrs)
	diags.Append(d...)
	if diags.HasError() {
		return c, diags
	}
	c.fixed = fixed
	diags.Append(fixed.As(ctx, model, basetypes.ObjectAsOptions{})...)
	return c, diags
}

// write writes model, a model struct, with the blocks as they were read,
// to dst.
func (c tokenObject) write(ctx context.Context, dst setter, model any) diag.Diagnostics {
	fixed, diags := types.ObjectValueFrom(ctx, c.fixed.AttributeTypes(ctx), model)
	if diags.HasError() {
		return diags
	}
	attrs, attrTypes := fixed.Attributes(), fixed.AttributeTypes(ctx)
	for name, block := range c.blocks {
		attrs[name], attrTypes[name] = block, block.Type(ctx)
	}
	all, d := types.ObjectValue(attrTypes, attrs)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	return append(diags, dst.Set(ctx, all)...)
}

// isGatewayBlock reports whether name is a gateway's block rather than a
// fixed attribute.
func isGatewayBlock(name string) bool {
	_, ok := gateways.Lookup(name)
	return ok
}

// request turns the arguments into a token request: the fixed ones, and the
// set values of the token's own gateway's block.
func (c tokenObject) request(args tokenArgsModel, dataSource bool) (tokenRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	r := tokenRequest{
		gateway:     args.Gateway.ValueString(),
		args:        clients.Values{},
		minValidFor: defaultMinValidFor,
		reuse:       args.Reuse.IsNull() || args.Reuse.ValueBool(),
		dataSource:  dataSource,
	}
	if !args.MinValidFor.IsNull() {
		d, dd := args.MinValidFor.ValueGoDuration()
		diags.Append(dd...)
		r.minValidFor = d
	}
	for name, v := range c.blocks[r.gateway].Attributes() {
		if s, ok := v.(types.String); ok && s.ValueString() != "" {
			r.args[name] = s.ValueString()
		}
	}
	return r, diags
}

// validate reports blocks given for a gateway other than the token's own.
func (c tokenObject) validate(args tokenArgsModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if args.Gateway.IsNull() || args.Gateway.IsUnknown() {
		return diags
	}
	gateway := args.Gateway.ValueString()
	for _, spec := range gateways.All() {
		if block, ok := c.blocks[spec.Name]; !ok || spec.Name == gateway || block.IsNull() {
			continue
		}
		diags.AddAttributeError(path.Root(spec.Name), "Arguments for Another Gateway",
			fmt.Sprintf("The %s block applies only to tokens with gateway = %q, and this token's gateway is %q. "+
				"Remove the %s block, or set gateway = %q.", spec.Name, spec.Name, gateway, spec.Name, spec.Name))
	}
	return diags
}

// newTokenResults is a token's results but access_token.
func newTokenResults(tok *clients.Token) tokenResultsModel {
	scopes := types.ListNull(types.StringType)
	if tok.Scopes != nil {
		elems := make([]attr.Value, len(tok.Scopes))
		for i, s := range tok.Scopes {
			elems[i] = types.StringValue(s)
		}
		scopes = types.ListValueMust(types.StringType, elems)
	}
	c := tok.Capabilities
	return tokenResultsModel{
		ExpiresAt:           timetypes.NewRFC3339TimeValue(tok.ExpiresAt.UTC()),
		IssuedAt:            timetypes.NewRFC3339TimeValue(tok.IssuedAt.UTC()),
		Supports2D:          types.BoolPointerValue(c.Supports2D),
		Supports3D:          types.BoolPointerValue(c.Supports3D),
		SupportsWhiteLabel:  types.BoolPointerValue(c.SupportsWhiteLabel),
		SupportsBranded:     types.BoolPointerValue(c.SupportsBranded),
		SupportsInstallment: types.BoolPointerValue(c.SupportsInstallment),
		Requires3DChoice:    types.BoolPointerValue(c.Requires3DChoice),
		Scopes:              scopes,
	}
}
