package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// Limits and defaults of the provider-wide settings.
const (
	defaultMaxRetries = 3
	maxMaxRetries     = 10
	maxRequestTimeout = time.Hour

	envRequestTimeout = "PAYTOKEN_REQUEST_TIMEOUT"
	envMaxRetries     = "PAYTOKEN_MAX_RETRIES"
)

// gatewaySettings are one gateway's provider settings after environment
// fallbacks. Problems with them are kept, not reported, until a token for
// the gateway is requested: a configuration that uses one gateway never
// fails over another's settings.
type gatewaySettings struct {
	spec    *clients.Spec
	values  clients.Values
	sandbox *bool
	baseURL string
	// unknown lists settings whose configured value is not known yet.
	unknown []string
	// err is a setting error found while resolving, such as a bad
	// PAYTOKEN_<GATEWAY>_SANDBOX value.
	err error
}

// String keeps the settings' values out of anything that formats a
// gatewaySettings: fmt prints unexported fields raw, bypassing
// clients.Values' redaction.
func (g *gatewaySettings) String() string { return g.spec.Name + " settings" }

// GoString keeps the values out of %#v.
func (g *gatewaySettings) GoString() string { return g.String() }

// env returns the environment variable's value, with an empty one counting
// as unset.
func env(name string) (string, bool) {
	v, ok := os.LookupEnv(name)
	return v, ok && v != ""
}

// resolveGateway reads one gateway's nested block and fills what is not set
// from the environment.
func resolveGateway(ctx context.Context, cfg tfsdk.Config, spec *clients.Spec) (*gatewaySettings, diag.Diagnostics) {
	g := &gatewaySettings{spec: spec, values: clients.Values{}}
	var block types.Object
	diags := cfg.GetAttribute(ctx, path.Root(spec.Name), &block)
	if diags.HasError() {
		return nil, diags
	}
	attrs := block.Attributes()
	if block.IsUnknown() {
		g.unknown = append(g.unknown, spec.Name)
	}

	for _, f := range spec.Settings {
		if v, known := stringAttr(attrs, f.Name); !known {
			g.unknown = append(g.unknown, spec.Name+"."+f.Name)
		} else if v != "" {
			g.values[f.Name] = v
		} else if v, ok := env(clients.EnvVar(spec.Name, f.Name)); ok {
			g.values[f.Name] = v
		}
	}

	if v, known := stringAttr(attrs, "base_url"); !known {
		g.unknown = append(g.unknown, spec.Name+".base_url")
	} else if v != "" {
		g.baseURL = v
	} else if v, ok := env(clients.EnvVar(spec.Name, "base_url")); ok {
		g.baseURL = v
	}

	sb, sbOK := attrs["sandbox"].(types.Bool)
	switch {
	case sbOK && sb.IsUnknown():
		g.unknown = append(g.unknown, spec.Name+".sandbox")
	case sbOK && !sb.IsNull():
		b := sb.ValueBool()
		g.sandbox = &b
	default:
		name := clients.EnvVar(spec.Name, "sandbox")
		if v, ok := env(name); ok {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				g.err = &clients.SettingError{Gateway: spec.Name, Setting: "sandbox",
					Reason: fmt.Sprintf("is %q in the environment variable %s, which is not true or false", v, name)}
			}
			g.sandbox = &b
		}
	}
	return g, diags
}

// stringAttr returns a string attribute of a block, "" when null or absent,
// and whether it is known.
func stringAttr(attrs map[string]attr.Value, name string) (string, bool) {
	s, ok := attrs[name].(types.String)
	if !ok || s.IsNull() {
		return "", true
	}
	if s.IsUnknown() {
		return "", false
	}
	return s.ValueString(), true
}

// resolveRequestTimeout returns request_timeout or its environment
// variable, or the default.
func resolveRequestTimeout(v timetypes.GoDuration) (time.Duration, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := path.Root("request_timeout")
	if !v.IsNull() && !v.IsUnknown() {
		d, dd := v.ValueGoDuration()
		diags.Append(dd...)
		return d, diags
	}
	s, ok := env(envRequestTimeout)
	if !ok {
		return clients.DefaultTimeout, diags
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 || d > maxRequestTimeout {
		diags.AddAttributeError(p, "Invalid Request Timeout",
			fmt.Sprintf("The environment variable %s is %q, which is not a usable request timeout. "+
				"Set it to a Go duration greater than zero and at most %s, such as \"30s\" or \"1m\".", envRequestTimeout, s, maxRequestTimeout))
	}
	return d, diags
}

// resolveMaxRetries returns max_retries or its environment variable, or
// the default.
func resolveMaxRetries(v types.Int64) (int, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !v.IsNull() && !v.IsUnknown() {
		return int(v.ValueInt64()), diags
	}
	s, ok := env(envMaxRetries)
	if !ok {
		return defaultMaxRetries, diags
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > maxMaxRetries {
		diags.AddAttributeError(path.Root("max_retries"), "Invalid Max Retries",
			fmt.Sprintf("The environment variable %s is %q. Set it to a whole number from 0 to %d.", envMaxRetries, s, maxMaxRetries))
	}
	return n, diags
}
