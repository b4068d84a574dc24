package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// gatewayBlocks builds the token's nested blocks, one for each gateway
// that takes token arguments or credentials on this schema, from the
// gateways' Specs: what makes a gateway one package. field and block make
// the schema package's attributes, since the ephemeral resource's and the
// data source's are different types.
func gatewayBlocks[A any](dataSource bool, field func(blockField) A, block func(description string, fields map[string]A) A) map[string]A {
	out := map[string]A{}
	for _, spec := range gateways.All() {
		if !hasArgBlock(spec, dataSource) {
			continue
		}
		fields := map[string]A{}
		for _, f := range tokenCredentials(spec, dataSource) {
			fields[f.Name] = field(blockField{sensitive: f.Sensitive, description: credentialDescription(spec, f)})
		}
		for _, f := range spec.Args {
			if !argInSchema(f, dataSource) {
				continue
			}
			bf := blockField{sensitive: f.Sensitive, description: argDescription(spec, f)}
			if len(f.OneOf) > 0 {
				bf.validators = []validator.String{stringvalidator.OneOf(f.OneOf...)}
			}
			fields[f.Name] = field(bf)
		}
		for _, r := range refusedOnDataSource(spec, dataSource) {
			fields[r.name] = field(blockField{sensitive: true, validators: []validator.String{r},
				description: fmt.Sprintf("Not accepted: the data source takes no credentials, because its arguments are written to state. "+
					"Setting it is an error; the ephemeral resource takes `%s.%s`.", r.gateway, r.name)})
		}
		out[spec.Name] = block(blockDescription(spec, dataSource), fields)
	}
	return out
}

// blockField is one optional string attribute of a gateway's block.
type blockField struct {
	sensitive   bool
	description string
	validators  []validator.String
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
