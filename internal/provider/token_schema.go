package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// Defaults and limits of the token arguments.
const (
	defaultMinValidFor = time.Minute
	maxMinValidFor     = 24 * time.Hour
)

// attrKind is the type of a token attribute.
type attrKind int

const (
	kindString attrKind = iota
	kindBool
	kindDuration
	kindTime
	kindStringList
	kindNested
)

// attrSpec describes one attribute of paytoken_token once, for both the
// ephemeral resource and the data source, so their schemas cannot drift.
type attrSpec struct {
	kind        attrKind
	required    bool
	optional    bool
	computed    bool
	sensitive   bool
	description string
	validators  []validator.String
	nested      map[string]attrSpec
}

// tokenSchemaAttrs returns paytoken_token's attributes. The data source
// leaves out access_token, the merchant's credentials and every sensitive
// argument, because data source arguments and results are written to state.
func tokenSchemaAttrs(dataSource bool) map[string]attrSpec {
	attrs := map[string]attrSpec{
		"gateway": {
			kind: kindString, required: true,
			description: "The gateway to get a token from: " + joinOr(quotedCodeNames()) + ".",
			validators:  []validator.String{stringvalidator.OneOf(gateways.Names()...)},
		},
		"min_valid_for": {
			kind: kindDuration, optional: true,
			description: fmt.Sprintf("The shortest time the token handed out must still be valid for, as a Go duration. Defaults to `\"%s\"`. "+
				"A reused token that would expire sooner is replaced by a fresh one; a fresh token that is valid for less is an error.", shortDuration(defaultMinValidFor)),
			validators: []validator.String{durationBetween(0, maxMinValidFor)},
		},
		"reuse": {
			kind: kindBool, optional: true,
			description: "Hand out a token already obtained by this provider process (one plan or one apply) for the same gateway, " +
				"credentials and arguments while it stays valid for `min_valid_for`, instead of calling the gateway again. " +
				"Defaults to `true`. Set to `false` to always fetch a fresh token.",
		},
		"expires_at": {kind: kindTime, computed: true,
			description: "When the token expires, in RFC 3339 format in UTC, e.g. `2021-01-29T13:46:01Z`."},
		"issued_at": {kind: kindTime, computed: true,
			description: "When the gateway issued the token, in RFC 3339 format in UTC: the token's own `iat` claim, else the gateway's clock, else the time it was received."},
		"supports_2d": {kind: kindBool, computed: true,
			description: "Whether non-3D (2D) card payments can be made with the token. Null when the gateway does not say."},
		"supports_3d": {kind: kindBool, computed: true,
			description: "Whether 3D Secure card payments can be made with the token. Null when the gateway does not say."},
		"supports_white_label": {kind: kindBool, computed: true,
			description: "Whether the merchant's own (white-label) payment form can be used. Null when the gateway does not say."},
		"supports_branded": {kind: kindBool, computed: true,
			description: "Whether the gateway's own branded or hosted payment page is the integration. Null when the gateway does not say."},
		"supports_installment": {kind: kindBool, computed: true,
			description: "Whether instalment payments are enabled. Null when the gateway does not say."},
		"requires_3d_choice": {kind: kindBool, computed: true,
			description: "Whether the merchant's site must let the buyer choose between 2D and 3D Secure (a checkbox). Null when the gateway does not say."},
		"scopes": {kind: kindStringList, computed: true,
			description: "The scopes or authorities the gateway put in the token. Null when the gateway does not say."},
	}
	if !dataSource {
		attrs["access_token"] = attrSpec{kind: kindString, computed: true, sensitive: true,
			description: "The bearer token, exactly as the gateway issued it. Never stored in state or plan files."}
	}
	for _, spec := range gateways.All() {
		if !hasArgBlock(spec, dataSource) {
			continue
		}
		nested := map[string]attrSpec{}
		for _, f := range tokenCredentials(spec, dataSource) {
			nested[f.Name] = attrSpec{kind: kindString, optional: true, sensitive: f.Sensitive, description: credentialDescription(spec, f)}
		}
		for _, f := range spec.Args {
			if !argInSchema(f, dataSource) {
				continue
			}
			a := attrSpec{kind: kindString, optional: true, sensitive: f.Sensitive, description: argDescription(spec, f)}
			if len(f.OneOf) > 0 {
				a.validators = []validator.String{stringvalidator.OneOf(f.OneOf...)}
			}
			nested[f.Name] = a
		}
		for _, r := range refusedOnDataSource(spec, dataSource) {
			nested[r.name] = attrSpec{kind: kindString, optional: true, sensitive: true, validators: []validator.String{r},
				description: fmt.Sprintf("Not accepted: the data source takes no credentials, because its arguments are written to state. "+
					"Setting it is an error; the ephemeral resource takes `%s.%s`.", r.gateway, r.name)}
		}
		attrs[spec.Name] = attrSpec{kind: kindNested, optional: true, nested: nested, description: blockDescription(spec, dataSource)}
	}
	return attrs
}

// tokenCredentials returns the provider settings that a token's block for
// spec also takes: the merchant's credentials, on the ephemeral resource
// only, since data source arguments are written to state.
func tokenCredentials(spec *clients.Spec, dataSource bool) []clients.Field {
	if dataSource {
		return nil
	}
	return spec.TokenSettings()
}

// carriedOnToken reports whether a token's block takes the provider
// setting f, as tokenCredentials does without building a list.
func carriedOnToken(f clients.Field, dataSource bool) bool {
	return f.PerToken && !dataSource
}

// refusedOnDataSource returns the credentials the ephemeral resource's
// block for spec takes and the data source's does not, when the data
// source has a block for spec at all: declared there only to be refused.
// Without a block, Terraform itself refuses the whole argument.
func refusedOnDataSource(spec *clients.Spec, dataSource bool) []refusedCredential {
	if !dataSource || !hasArgBlock(spec, true) {
		return nil
	}
	var out []refusedCredential
	for _, f := range tokenCredentials(spec, false) {
		out = append(out, refusedCredential{gateway: spec.Name, name: f.Name, setting: f.Name})
	}
	for _, f := range spec.Args {
		if !argInSchema(f, true) {
			out = append(out, refusedCredential{gateway: spec.Name, name: f.Name, setting: f.Fallback})
		}
	}
	return out
}

// argInSchema reports whether a token argument is in the schema: the data
// source takes no sensitive argument.
func argInSchema(f clients.Field, dataSource bool) bool {
	return !dataSource || !f.Sensitive
}

// hasArgBlock reports whether a gateway has a nested block in the schema,
// for its token arguments or credentials, without building the schema.
func hasArgBlock(spec *clients.Spec, dataSource bool) bool {
	if len(tokenCredentials(spec, dataSource)) > 0 {
		return true
	}
	for _, f := range spec.Args {
		if argInSchema(f, dataSource) {
			return true
		}
	}
	return false
}

func blockDescription(spec *clients.Spec, dataSource bool) string {
	if len(tokenCredentials(spec, dataSource)) == 0 {
		return fmt.Sprintf("%s token arguments. Allowed only with `gateway = %q`.", spec.Title, spec.Name)
	}
	d := fmt.Sprintf("%s token arguments, and the merchant's own credentials, so that one configuration can serve many merchants "+
		"(for example with `for_each`). Allowed only with `gateway = %q`. Hosts, `request_timeout` and `max_retries` stay provider settings.",
		spec.Title, spec.Name)
	if spec.SandboxHint != nil {
		d += fmt.Sprintf(" When the provider sets neither `%[1]s.sandbox` nor `%[1]s.base_url`, the host follows the credential "+
			"actually sent, the token's own or the provider's, by the rule the provider's `%[1]s.sandbox` describes.", spec.Name)
	}
	return d
}

// credentialDescription describes a provider setting carried by a token.
func credentialDescription(spec *clients.Spec, f clients.Field) string {
	d := fmt.Sprintf("The merchant's `%[2]s` for this token, used instead of the provider's. "+
		"When unset, the provider's `%[1]s.%[2]s` (or `%[3]s`) is used.", spec.Name, f.Name, clients.EnvVar(spec.Name, f.Name))
	if f.Sensitive {
		d += " Sensitive: it never appears in state, plan files, logs or diagnostics. Pass it from an ephemeral source, " +
			"such as an ephemeral variable or another ephemeral resource, never as a literal."
	}
	return d
}

func argDescription(spec *clients.Spec, f clients.Field) string {
	d := f.Description
	if f.Default != "" {
		d += fmt.Sprintf(" Defaults to `%q`.", f.Default)
	}
	if f.Fallback != "" {
		d += fmt.Sprintf(" When unset, the provider's `%s.%s` (or `%s`) is used.", spec.Name, f.Fallback, clients.EnvVar(spec.Name, f.Fallback))
	}
	return d
}

func quotedCodeNames() []string {
	var out []string
	for _, n := range gateways.Names() {
		out = append(out, fmt.Sprintf("`%q`", n))
	}
	return out
}

// shortDuration prints 1m0s as 1m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// validateTokenConfig reports nested argument blocks given for a gateway
// other than the token's own.
func validateTokenConfig(ctx context.Context, cfg tfsdk.Config, dataSource bool) diag.Diagnostics {
	var diags diag.Diagnostics
	var gateway types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("gateway"), &gateway)...)
	if diags.HasError() || gateway.IsNull() || gateway.IsUnknown() {
		return diags
	}
	for _, spec := range gateways.All() {
		if !hasArgBlock(spec, dataSource) || spec.Name == gateway.ValueString() {
			continue
		}
		var block types.Object
		diags.Append(cfg.GetAttribute(ctx, path.Root(spec.Name), &block)...)
		if !block.IsNull() {
			diags.AddAttributeError(path.Root(spec.Name), "Arguments for Another Gateway",
				fmt.Sprintf("The %s block applies only to tokens with gateway = %q, and this token's gateway is %q. "+
					"Remove the %s block, or set gateway = %q.", spec.Name, spec.Name, gateway.ValueString(), spec.Name, spec.Name))
		}
	}
	return diags
}

// readTokenRequest reads the token's arguments from its configuration.
func readTokenRequest(ctx context.Context, cfg tfsdk.Config, dataSource bool) (tokenRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	var gateway types.String
	var minValidFor timetypes.GoDuration
	var reuse types.Bool
	diags.Append(cfg.GetAttribute(ctx, path.Root("gateway"), &gateway)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("min_valid_for"), &minValidFor)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("reuse"), &reuse)...)
	r := tokenRequest{
		gateway:     gateway.ValueString(),
		args:        clients.Values{},
		minValidFor: defaultMinValidFor,
		reuse:       reuse.IsNull() || reuse.ValueBool(),
		dataSource:  dataSource,
	}
	if !minValidFor.IsNull() {
		d, dd := minValidFor.ValueGoDuration()
		diags.Append(dd...)
		r.minValidFor = d
	}
	if spec, ok := gateways.Lookup(r.gateway); ok && hasArgBlock(spec, dataSource) {
		var block types.Object
		diags.Append(cfg.GetAttribute(ctx, path.Root(r.gateway), &block)...)
		for name, v := range block.Attributes() {
			if s, ok := v.(types.String); ok && s.ValueString() != "" {
				r.args[name] = s.ValueString()
			}
		}
	}
	return r, diags
}

// resultSetter is the part of tfsdk.EphemeralResultData and tfsdk.State
// that results are written through.
type resultSetter interface {
	SetAttribute(ctx context.Context, p path.Path, val any) diag.Diagnostics
}

// setTokenResults writes a token's results; access_token only when
// withToken is set, which the data source never does.
func setTokenResults(ctx context.Context, dst resultSetter, tok *clients.Token, withToken bool) diag.Diagnostics {
	var diags diag.Diagnostics
	scopes := types.ListNull(types.StringType)
	if tok.Scopes != nil {
		elems := make([]attr.Value, len(tok.Scopes))
		for i, s := range tok.Scopes {
			elems[i] = types.StringValue(s)
		}
		scopes = types.ListValueMust(types.StringType, elems)
	}
	c := tok.Capabilities
	values := map[string]any{
		"expires_at":           timetypes.NewRFC3339TimeValue(tok.ExpiresAt.UTC()),
		"issued_at":            timetypes.NewRFC3339TimeValue(tok.IssuedAt.UTC()),
		"supports_2d":          types.BoolPointerValue(c.Supports2D),
		"supports_3d":          types.BoolPointerValue(c.Supports3D),
		"supports_white_label": types.BoolPointerValue(c.SupportsWhiteLabel),
		"supports_branded":     types.BoolPointerValue(c.SupportsBranded),
		"supports_installment": types.BoolPointerValue(c.SupportsInstallment),
		"requires_3d_choice":   types.BoolPointerValue(c.Requires3DChoice),
		"scopes":               scopes,
	}
	if withToken {
		values["access_token"] = types.StringValue(tok.AccessToken)
	}
	for name, v := range values {
		diags.Append(dst.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}
