package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// attrProps is what the two schema packages' attributes share.
type attrProps interface {
	GetType() attr.Type
	IsRequired() bool
	IsOptional() bool
	IsComputed() bool
	IsSensitive() bool
	GetMarkdownDescription() string
}

// TestTokenSchemas_agree holds paytoken_token's two literal schemas
// together, attribute by attribute: the data source has every attribute of
// the ephemeral resource but access_token, alike in type, flags,
// validators and description, and nothing else; in each gateway's block it
// leaves out the credentials and the sensitive arguments, and declares the
// credentials of the blocks it has only to refuse them.
func TestTokenSchemas_agree(t *testing.T) {
	ctx := context.Background()
	var eph ephemeral.SchemaResponse
	(&TokenEphemeralResource{}).Schema(ctx, ephemeral.SchemaRequest{}, &eph)
	var ds datasource.SchemaResponse
	(&TokenDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &ds)

	for name := range ds.Schema.Attributes {
		if _, ok := eph.Schema.Attributes[name]; !ok {
			t.Errorf("the data source has %s, which the ephemeral resource has not", name)
		}
	}
	for name, e := range eph.Schema.Attributes {
		d, ok := ds.Schema.Attributes[name]
		spec, isBlock := gateways.Lookup(name)
		switch {
		case name == "access_token":
			if ok {
				t.Error("the data source has access_token")
			}
			continue
		case !ok && isBlock && !hasArgBlock(spec, true):
			// A gateway whose block holds only credentials: Terraform itself
			// refuses the whole block on the data source.
			continue
		case !ok:
			t.Errorf("the data source lacks %s", name)
			continue
		}
		if !isBlock {
			sameAttr(t, name, e, d, true)
			continue
		}
		// A block's description says what it takes, which differs.
		sameAttr(t, name, e, d, false)
		eb, ok1 := e.(ephschema.SingleNestedAttribute)
		db, ok2 := d.(dsschema.SingleNestedAttribute)
		if !ok1 || !ok2 {
			t.Errorf("%s is a %T and a %T, want two single nested attributes", name, e, d)
			continue
		}
		for field, ef := range eb.Attributes {
			df, ok := db.Attributes[field]
			secret := ef.IsSensitive() || slices.ContainsFunc(tokenCredentials(spec, false), func(f clients.Field) bool { return f.Name == field })
			switch {
			case secret && (!ok || refuses(df)):
			case secret:
				t.Errorf("the data source takes %s.%s, a credential or a secret", name, field)
			case !ok:
				t.Errorf("the data source lacks %s.%s", name, field)
			default:
				sameAttr(t, name+"."+field, ef, df, true)
			}
		}
		for field, df := range db.Attributes {
			if _, ok := eb.Attributes[field]; !ok {
				t.Errorf("the data source has %s.%s, which the ephemeral resource has not", name, field)
			}
			if refuses(df) && !df.IsSensitive() {
				t.Errorf("the data source's refused %s.%s is not sensitive, so a refused value could be shown", name, field)
			}
		}
	}
}

// sameAttr fails unless e and d agree in everything a user sees, their
// descriptions too when description is set.
func sameAttr(t *testing.T, name string, e, d attrProps, description bool) {
	t.Helper()
	if !e.GetType().Equal(d.GetType()) || e.IsRequired() != d.IsRequired() || e.IsOptional() != d.IsOptional() ||
		e.IsComputed() != d.IsComputed() || e.IsSensitive() != d.IsSensitive() ||
		(description && e.GetMarkdownDescription() != d.GetMarkdownDescription()) {
		t.Errorf("%s differs: the ephemeral resource's %T %s required %t optional %t computed %t sensitive %t, "+
			"the data source's %T %s required %t optional %t computed %t sensitive %t, or their descriptions",
			name, e, e.GetType(), e.IsRequired(), e.IsOptional(), e.IsComputed(), e.IsSensitive(),
			d, d.GetType(), d.IsRequired(), d.IsOptional(), d.IsComputed(), d.IsSensitive())
	}
	if ev, dv := validatorsOf(e), validatorsOf(d); !slices.Equal(ev, dv) {
		t.Errorf("%s's validators differ: %q and %q", name, ev, dv)
	}
}

// validatorsOf describes a string attribute's validators.
func validatorsOf(a attrProps) []string {
	s, ok := a.(interface{ StringValidators() []validator.String })
	if !ok {
		return nil
	}
	var out []string
	for _, v := range s.StringValidators() {
		out = append(out, v.Description(context.Background()))
	}
	return out
}

// refuses reports whether a data source attribute is declared only to be
// refused.
func refuses(a attrProps) bool {
	s, ok := a.(interface{ StringValidators() []validator.String })
	return ok && slices.ContainsFunc(s.StringValidators(), func(v validator.String) bool {
		_, ok := v.(refusedCredential)
		return ok
	})
}
