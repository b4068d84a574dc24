// Package provider implements the paytoken Terraform provider: the
// paytoken_token ephemeral resource, which hands out a payment gateway's
// access token, and the paytoken_token data source, which reads the same
// token's expiry and capabilities without the token itself.
package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

var (
	_ provider.Provider                       = &PaytokenProvider{}
	_ provider.ProviderWithEphemeralResources = &PaytokenProvider{}
)

// PaytokenProvider is the paytoken provider. One instance serves one
// provider process, so its token cache lives as long as one plan or apply.
type PaytokenProvider struct {
	version string
	cache   *tokenCache
	// now is the clock; tests replace it.
	now func() time.Time
	// httpOptions are applied over the configured ones; tests use them to
	// shorten retry waits.
	httpOptions func(*clients.HTTPOptions)
}

// New returns a constructor for the provider, for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &PaytokenProvider{version: version, cache: newTokenCache(), now: time.Now}
	}
}

// providerModel holds the provider-wide settings; the gateways' nested
// blocks are read generically from their Specs.
type providerModel struct {
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
}

// Metadata sets the provider's type name and version.
func (p *PaytokenProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "paytoken"
	resp.Version = p.version
}

// Schema builds the provider schema: one nested attribute per gateway,
// generated from its Spec, and the provider-wide HTTP settings.
func (p *PaytokenProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"request_timeout": schema.StringAttribute{
			CustomType: timetypes.GoDurationType{},
			Optional:   true,
			MarkdownDescription: fmt.Sprintf("Limit for one HTTP attempt of a token call, as a Go duration such as `\"30s\"`. "+
				"Defaults to `\"30s\"`. Environment variable: `%s`.", envRequestTimeout),
			Validators: []validator.String{durationBetween(time.Millisecond, maxRequestTimeout)},
		},
		"max_retries": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Extra attempts after the first for connection errors, timeouts, HTTP 429/500/502/503/504 "+
				"and gateway rate limits, from 0 to %d. Defaults to %d. A gateway's refusal for bad credentials or bad input is never retried, "+
				"whatever its HTTP status. Environment variable: `%s`.", maxMaxRetries, defaultMaxRetries, envMaxRetries),
			Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
		},
	}
	for _, spec := range gateways.All() {
		attrs[spec.Name] = gatewayBlockSchema(spec)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Fetches short-lived access tokens from Turkish payment gateways (" + gatewayTitles() + ") " +
			"for use while Terraform runs, without the token or the credentials ever landing in state. " +
			"Every attribute is optional and falls back to its environment variable; a gateway's credentials are needed only " +
			"when a `paytoken_token` for that gateway is opened or read.",
		Attributes: attrs,
	}
}

func gatewayBlockSchema(spec *clients.Spec) schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for _, f := range spec.Settings {
		d := f.Description
		if f.PerToken {
			d += fmt.Sprintf(" A `paytoken_token` ephemeral resource's own `%s.%s` wins over it, so that one configuration can serve many merchants.",
				spec.Name, f.Name)
		}
		attrs[f.Name] = schema.StringAttribute{
			Optional:            true,
			Sensitive:           f.Sensitive,
			MarkdownDescription: d,
		}
	}
	sandboxDoc := fmt.Sprintf("Use the %s sandbox (`%s`) instead of production (`%s`). `base_url` wins over it. Environment variable: `%s`.",
		spec.Title, spec.SandboxURL, spec.ProductionURL, clients.EnvVar(spec.Name, "sandbox"))
	if spec.SandboxHintDoc != "" {
		sandboxDoc += " " + spec.SandboxHintDoc
	}
	attrs["sandbox"] = schema.BoolAttribute{Optional: true, MarkdownDescription: sandboxDoc}
	attrs["base_url"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Base URL of the %s API, overriding `sandbox`; token paths are appended to it. "+
			"Must be `https://`, or `http://` on a loopback host (127.0.0.0/8, `::1`, `localhost`) such as a local emulator. "+
			"Environment variable: `%s`.", spec.Title, clients.EnvVar(spec.Name, "base_url")),
		Validators: []validator.String{baseURLValidator{}},
	}
	return schema.SingleNestedAttribute{
		Optional:            true,
		Attributes:          attrs,
		MarkdownDescription: fmt.Sprintf("%s settings. Needed only by tokens with `gateway = %q`.", spec.Title, spec.Name),
	}
}

// Configure resolves every gateway's settings against the environment and
// hands the result to data sources, ephemeral resources and resources.
func (p *PaytokenProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model providerModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("request_timeout"), &model.RequestTimeout)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("max_retries"), &model.MaxRetries)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := resolveRequestTimeout(model.RequestTimeout)
	resp.Diagnostics.Append(diags...)
	retries, diags := resolveMaxRetries(model.MaxRetries)
	resp.Diagnostics.Append(diags...)

	data := &providerData{
		gateways: map[string]*gatewaySettings{},
		cache:    p.cache,
		now:      p.now,
		expiry:   newExpiryWarnings(req.TerraformVersion),
	}
	for _, spec := range gateways.All() {
		g, diags := resolveGateway(ctx, req.Config, spec)
		resp.Diagnostics.Append(diags...)
		if g != nil {
			data.gateways[spec.Name] = g
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	opts := clients.HTTPOptions{
		UserAgent:  userAgent(p.version, req.TerraformVersion),
		Timeout:    timeout,
		MaxRetries: retries,
	}
	if p.httpOptions != nil {
		p.httpOptions(&opts)
	}
	data.http = clients.NewHTTP(opts)

	tflog.Debug(ctx, "Configured paytoken provider", map[string]any{
		"request_timeout": timeout.String(),
		"max_retries":     retries,
		"gateways":        configuredGateways(data.gateways),
	})
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ResourceData = data
}

// userAgent is sent with every request.
func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-paytoken/" + version
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// configuredGateways names the gateways with at least one setting, for logs.
func configuredGateways(gs map[string]*gatewaySettings) []string {
	var out []string
	for name, g := range gs {
		if len(g.values) > 0 || g.baseURL != "" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Resources returns none: a token is not infrastructure to manage.
func (p *PaytokenProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

// DataSources returns the provider's data sources.
func (p *PaytokenProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewTokenDataSource}
}

// EphemeralResources returns the provider's ephemeral resources.
func (p *PaytokenProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewTokenEphemeralResource}
}

func gatewayTitles() string {
	var titles []string
	for _, s := range gateways.All() {
		titles = append(titles, s.Title)
	}
	return strings.Join(titles, ", ")
}
