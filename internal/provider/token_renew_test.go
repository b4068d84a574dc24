package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// objectValue builds a value of an object type with every attribute null
// but those given.
func objectValue(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%s is not an object type", typ)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q", name)
		}
		vals[name] = v
	}
	return tftypes.NewValue(obj, vals)
}

func dynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// TestTokenEphemeral_openAndRenew drives the provider's protocol server the
// way Terraform does: open asks for renewal shortly before expiry and keeps
// only the gateway and expiry in private data, and renew warns, naming the
// expiry, since it cannot hand Terraform a new token.
func TestTokenEphemeral_openAndRenew(t *testing.T) {
	ctx := context.Background()
	sb := startSandbox(t)
	cred := credential(t, sb, "tahsilat", "full (secret key)")
	now := time.Now()
	p := &PaytokenProvider{version: "test", cache: newTokenCache(), now: func() time.Time { return now }}
	srv := providerserver.NewProtocol6(p)()

	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	providerType := schemas.Provider.ValueType()
	providerObject, ok := providerType.(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is a %s, not an object", providerType)
	}
	blockType := providerObject.AttributeTypes["tahsilat"]
	block := objectValue(t, blockType, map[string]tftypes.Value{
		"secret_key": tftypes.NewValue(tftypes.String, cred.Settings["secret_key"]),
		"base_url":   tftypes.NewValue(tftypes.String, sb.Gateway("tahsilat").BaseURL),
	})
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4",
		Config:           dynamicValue(t, providerType, objectValue(t, providerType, map[string]tftypes.Value{"tahsilat": block})),
	})
	if err != nil || len(conf.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, conf.Diagnostics)
	}

	tokenType := schemas.EphemeralResourceSchemas["paytoken_token"].ValueType()
	opened, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "paytoken_token",
		Config: dynamicValue(t, tokenType, objectValue(t, tokenType, map[string]tftypes.Value{
			"gateway": tftypes.NewValue(tftypes.String, "tahsilat"),
		})),
	})
	if err != nil || len(opened.Diagnostics) > 0 {
		t.Fatalf("open: %v %v", err, opened.Diagnostics)
	}
	result, err := opened.Result.Unmarshal(tokenType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := result.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var token, expires string
	if err := attrs["access_token"].As(&token); err != nil || token == "" {
		t.Fatalf("access_token %q: %v", token, err)
	}
	if err := attrs["expires_at"].As(&expires); err != nil {
		t.Fatal(err)
	}
	expiresAt, err := time.Parse(time.RFC3339, expires)
	if err != nil {
		t.Fatal(err)
	}
	if opened.RenewAt.IsZero() {
		t.Fatal("open set no RenewAt")
	}
	if want := expiresAt.Add(-renewLead); !opened.RenewAt.Truncate(time.Second).Equal(want) {
		t.Errorf("RenewAt = %s, want %s (expires_at %s minus %s)", opened.RenewAt, want, expires, renewLead)
	}
	if strings.Contains(string(opened.Private), token) || strings.Contains(string(opened.Private), cred.Settings["secret_key"]) {
		t.Error("private data holds a secret")
	}

	renewed, err := srv.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{
		TypeName: "paytoken_token",
		Private:  opened.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(renewed.Diagnostics) != 1 {
		t.Fatalf("renew: want one warning, got %v", renewed.Diagnostics)
	}
	d := renewed.Diagnostics[0]
	if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Summary != "Token Cannot Be Renewed" ||
		!strings.Contains(d.Detail, "tahsilat token expires at "+expiresAt.UTC().Format(time.RFC3339)) ||
		!strings.Contains(d.Detail, "Run Terraform again") {
		t.Errorf("renew diagnostic = %s: %s", d.Summary, d.Detail)
	}
	if !renewed.RenewAt.IsZero() {
		t.Errorf("renew asked to be called again at %s; it can never do more than warn", renewed.RenewAt)
	}
}
