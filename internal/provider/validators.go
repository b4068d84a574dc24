package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// baseURLValidator checks a base_url with the same rule the clients apply,
// so a bad value is caught at validation when it is known.
type baseURLValidator struct{}

var _ validator.String = baseURLValidator{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute https:// URL, or http:// on a loopback host"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if err := clients.CheckBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Base URL",
			fmt.Sprintf("The base_url %s %s.", clients.ShowURL(req.ConfigValue.ValueString()), err))
	}
}

// durationValidator checks that a Go duration lies within bounds. The
// GoDuration type itself rejects what is not a duration.
type durationValidator struct {
	min, max time.Duration
}

var _ validator.String = durationValidator{}

func durationBetween(minD, maxD time.Duration) durationValidator {
	return durationValidator{min: minD, max: maxD}
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a Go duration from %s to %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		return // reported by the GoDuration type with its own message
	}
	if d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Duration Out of Range",
			fmt.Sprintf("%q is %s, outside the allowed range. Use a Go duration from %s to %s, such as \"30s\" or \"2m\".",
				req.ConfigValue.ValueString(), d, v.min, v.max))
	}
}

// refusedCredential refuses a credential on the data source, whose
// arguments are written to state. A nested attribute silently drops keys
// it does not declare (hashicorp/terraform#33570), which would read the
// provider's merchant instead of the one meant, so the data source declares
// the credentials of gateways it has a block for only to refuse them.
type refusedCredential struct {
	gateway, name string
	// setting is the provider setting it would fall back to, "" for none.
	setting string
}

var _ validator.String = refusedCredential{}

func (refusedCredential) Description(context.Context) string {
	return "must not be set: the data source takes no credentials"
}

func (v refusedCredential) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString refuses any value, unknown ones too: the value is never
// shown.
func (v refusedCredential) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	detail := fmt.Sprintf("An argument named %q is not expected here: the paytoken_token data source takes no credentials, "+
		"because data source arguments are written to state.", v.name)
	if v.setting != "" {
		detail += fmt.Sprintf(" It reads with the provider's %s.%s (or %s).", v.gateway, v.setting, clients.EnvVar(v.gateway, v.setting))
	}
	detail += fmt.Sprintf(" Remove %s.%s. To read for several merchants, use one provider alias per merchant; "+
		"the paytoken_token ephemeral resource takes %s.%s.", v.gateway, v.name, v.gateway, v.name)
	resp.Diagnostics.AddAttributeError(req.Path, "Unsupported Argument", detail)
}
