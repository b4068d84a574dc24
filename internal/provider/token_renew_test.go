package provider

import (
	"context"
	"encoding/json"
	"fmt"
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

// openedToken is a Tahsilat token opened through the provider's protocol
// server as Terraform opens one, with the provider's clock in the test's
// hands.
type openedToken struct {
	srv    tfprotov6.ProviderServer
	opened *tfprotov6.OpenEphemeralResourceResponse
	// now is the provider's clock; it starts at the time of the open.
	now *time.Time
	// token and secret must never show in a diagnostic.
	token, secret string
	expiresAt     time.Time
}

// openToken configures a provider against the sandbox's Tahsilat emulator,
// as the CLI of version cliVersion does, and opens a token.
func openToken(t *testing.T, cliVersion string) *openedToken {
	t.Helper()
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
		TerraformVersion: cliVersion,
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
	return &openedToken{srv: srv, opened: opened, now: &now, token: token, secret: cred.Settings["secret_key"], expiresAt: expiresAt}
}

// renew renews the token as the CLI does at RenewAt, with the given
// private data.
func (o *openedToken) renew(t *testing.T, private []byte) *tfprotov6.RenewEphemeralResourceResponse {
	t.Helper()
	renewed, err := o.srv.RenewEphemeralResource(context.Background(), &tfprotov6.RenewEphemeralResourceRequest{
		TypeName: "paytoken_token",
		Private:  private,
	})
	if err != nil {
		t.Fatal(err)
	}
	return renewed
}

// close closes the token as the CLI does when the run is done with it,
// with the given private data.
func (o *openedToken) close(t *testing.T, private []byte) []*tfprotov6.Diagnostic {
	t.Helper()
	closed, err := o.srv.CloseEphemeralResource(context.Background(), &tfprotov6.CloseEphemeralResourceRequest{
		TypeName: "paytoken_token",
		Private:  private,
	})
	if err != nil {
		t.Fatal(err)
	}
	return closed.Diagnostics
}

// checkExpiryWarning fails unless diags are the one expiry warning of o's
// token: naming Tahsilat and the expiry in RFC 3339 UTC, saying what to
// do, and showing no secret.
func (o *openedToken) checkExpiryWarning(t *testing.T, what string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if len(diags) != 1 {
		t.Errorf("%s: want the one expiry warning, got %v", what, diags)
		return
	}
	d := diags[0]
	if d.Severity != tfprotov6.DiagnosticSeverityWarning || d.Summary != "Tahsilat Token Expired During the Run" {
		t.Errorf("%s: %s %q, want the warning \"Tahsilat Token Expired During the Run\"", what, d.Severity, d.Summary)
	}
	for _, want := range []string{
		"The Tahsilat token expired at " + o.expiresAt.UTC().Format(time.RFC3339) + ", while this run still held it.",
		"was refused by Tahsilat: run again to get a fresh token.",
		"raise min_valid_for to at least how long the run uses the token",
		"split the work into shorter runs.",
	} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("%s: detail %q lacks %q", what, d.Detail, want)
		}
	}
	if strings.Contains(d.Detail, o.token) || strings.Contains(d.Detail, o.secret) {
		t.Errorf("%s: the warning shows a secret", what)
	}
}

// TestTokenEphemeral_openAndRenew drives the provider's protocol server the
// way the CLIs do: open asks to be renewed at the expiry and keeps only
// the gateway and the expiry in private data; a renewal before the expiry
// says nothing and asks again for the expiry; the renewal at the expiry
// warns once, asks for no other and marks the private data it hands back.
func TestTokenEphemeral_openAndRenew(t *testing.T) {
	o := openToken(t, "1.11.4")
	if !o.opened.RenewAt.Equal(o.expiresAt) {
		t.Errorf("RenewAt = %s, want the expiry %s", o.opened.RenewAt, o.expiresAt)
	}
	private := string(o.opened.Private)
	if strings.Contains(private, o.token) || strings.Contains(private, o.secret) {
		t.Error("private data holds a secret")
	}

	*o.now = o.expiresAt.Add(-time.Second)
	early := o.renew(t, o.opened.Private)
	if len(early.Diagnostics) > 0 || !early.RenewAt.Equal(o.expiresAt) {
		t.Errorf("renew before expiry: %v, RenewAt %s; want no diagnostic and RenewAt %s", early.Diagnostics, early.RenewAt, o.expiresAt)
	}

	*o.now = o.expiresAt
	renewed := o.renew(t, early.Private)
	o.checkExpiryWarning(t, "renew at expiry", renewed.Diagnostics)
	if !renewed.RenewAt.IsZero() {
		t.Errorf("renew asked to be called again at %s", renewed.RenewAt)
	}
	if again := o.renew(t, renewed.Private); len(again.Diagnostics) > 0 || !again.RenewAt.IsZero() {
		t.Errorf("a second renewal after the warning: %v, RenewAt %s; want nothing", again.Diagnostics, again.RenewAt)
	}
}

// TestTokenEphemeral_expiryWarnedOnce follows a token the run outlived
// through each CLI's way of renewing and closing, and counts the warnings
// the user sees: one. Terraform before 1.17 drops Renew's warnings and
// hands Close the private data of Open; Terraform from 1.17 shows Renew's
// (hashicorp/terraform#38989); OpenTofu shows Renew's, hands Close the
// private data of the renewal, and shows Close's twice on 1.11.
func TestTokenEphemeral_expiryWarnedOnce(t *testing.T) {
	for _, c := range []struct {
		name, version string
		renewed       bool // the run held the token at its expiry, so the CLI renewed it
		renewShown    bool // the CLI shows Renew's warnings
		closeGetsOpen bool // the CLI hands Close the private data of Open
		closeCopies   int  // how many times the CLI shows each of Close's warnings
	}{
		{name: "Terraform 1.10", version: "1.10.5", renewed: true, closeGetsOpen: true, closeCopies: 1},
		{name: "Terraform 1.15", version: "1.15.9", renewed: true, closeGetsOpen: true, closeCopies: 1},
		{name: "Terraform 1.17 alpha", version: "1.17.0-alpha20260812", renewed: true, renewShown: true, closeGetsOpen: true, closeCopies: 1},
		{name: "Terraform 1.17", version: "1.17.0", renewed: true, renewShown: true, closeGetsOpen: true, closeCopies: 1},
		{name: "OpenTofu 1.11", version: "1.11.14", renewed: true, renewShown: true, closeCopies: 2},
		{name: "OpenTofu 1.12", version: "1.12.6", renewed: true, renewShown: true, closeCopies: 1},
		{name: "closed at the expiry, before the renewal", version: "1.17.0", renewShown: true, closeGetsOpen: true, closeCopies: 1},
		{name: "closed at the expiry, before the renewal, OpenTofu 1.12", version: "1.12.6", renewShown: true, closeCopies: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := openToken(t, c.version)
			*o.now = o.expiresAt.Add(2 * time.Second)
			var shown []*tfprotov6.Diagnostic
			closePrivate := o.opened.Private
			if c.renewed {
				renewed := o.renew(t, o.opened.Private)
				if c.renewShown {
					shown = append(shown, renewed.Diagnostics...)
				}
				if !c.closeGetsOpen {
					closePrivate = renewed.Private
				}
			}
			closed := o.close(t, closePrivate)
			for range c.closeCopies {
				shown = append(shown, closed...)
			}
			o.checkExpiryWarning(t, "what the user sees", shown)
		})
	}
}

// TestTokenEphemeral_closeBeforeExpiry closes a token the run did not
// outlive: nothing to say.
func TestTokenEphemeral_closeBeforeExpiry(t *testing.T) {
	o := openToken(t, "1.11.4")
	for _, at := range []time.Time{*o.now, o.expiresAt.Add(-time.Second)} {
		*o.now = at
		if diags := o.close(t, o.opened.Private); len(diags) > 0 {
			t.Errorf("closed %s before expiry: want no diagnostic, got %v", o.expiresAt.Sub(at), diags)
		}
	}
}

// TestTokenEphemeral_closeAfterExpiry closes, without a renewal, a token
// the run outlived: Close warns, at the very second of the expiry too.
func TestTokenEphemeral_closeAfterExpiry(t *testing.T) {
	o := openToken(t, "1.11.4")
	for _, after := range []time.Duration{0, 3 * time.Second, time.Hour} {
		*o.now = o.expiresAt.Add(after)
		o.checkExpiryWarning(t, fmt.Sprintf("closed %s after expiry", after), o.close(t, o.opened.Private))
	}
}

// TestTokenEphemeral_closeWithoutPrivateData closes tokens whose private
// data is missing, as for a token that was never opened, or not what Open
// keeps. Close never fails the run: it warns only when it knows an expiry
// that has passed, naming the gateway when it knows one.
func TestTokenEphemeral_closeWithoutPrivateData(t *testing.T) {
	o := openToken(t, "1.11.4")
	*o.now = o.expiresAt.Add(time.Hour)
	// The framework keeps each key's value as JSON in a JSON object.
	keepAt := func(key, value string) []byte {
		b, err := json.Marshal(map[string][]byte{key: []byte(value)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	keep := func(value string) []byte { return keepAt(privateKey, value) }
	past := `"` + o.expiresAt.UTC().Format(time.RFC3339) + `"`
	for name, c := range map[string]struct {
		private []byte
		summary string // "" for no diagnostic
	}{
		"none":                {private: nil},
		"empty":               {private: []byte{}},
		"no key":              {private: []byte(`{}`)},
		"another key":         {private: keepAt("other", `{"expires_at": `+past+`}`)},
		"not an object":       {private: keep(`"garbled"`)},
		"wrong types":         {private: keep(`{"gateway": 7, "expires_at": "yesterday"}`)},
		"no expiry":           {private: keep(`{"gateway": "tahsilat", "title": "Tahsilat"}`)},
		"expiry only":         {private: keep(`{"expires_at": ` + past + `}`), summary: "Token Expired During the Run"},
		"gateway, no title":   {private: keep(`{"gateway": "sipay", "expires_at": ` + past + `}`), summary: "Sipay Token Expired During the Run"},
		"unknown gateway":     {private: keep(`{"gateway": "nopay", "expires_at": ` + past + `}`), summary: "Token Expired During the Run"},
		"unknown open":        {private: keep(`{"gateway": "sipay", "expires_at": ` + past + `, "open": 99}`), summary: "Sipay Token Expired During the Run"},
		"not yet expired":     {private: keep(`{"gateway": "sipay", "expires_at": "` + o.now.Add(time.Minute).UTC().Format(time.RFC3339) + `"}`)},
		"as Open keeps it":    {private: o.opened.Private, summary: "Tahsilat Token Expired During the Run"},
		"unknown extra field": {private: keep(`{"gateway": "tahsilat", "title": "Tahsilat", "expires_at": ` + past + `, "x": 1}`), summary: "Tahsilat Token Expired During the Run"},
	} {
		for _, call := range []string{"renew", "close"} {
			var diags []*tfprotov6.Diagnostic
			if call == "renew" {
				diags = o.renew(t, c.private).Diagnostics
			} else {
				diags = o.close(t, c.private)
			}
			switch {
			case c.summary == "" && len(diags) > 0:
				t.Errorf("%s %s: want no diagnostic, got %v", call, name, diags)
			case c.summary != "" && (len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning || diags[0].Summary != c.summary):
				t.Errorf("%s %s: want the one warning %q, got %v", call, name, c.summary, diags)
			case c.summary == "Token Expired During the Run" && !strings.Contains(diags[0].Detail, "The token expired at "+o.expiresAt.UTC().Format(time.RFC3339)+", "):
				t.Errorf("%s %s: detail %q", call, name, diags[0].Detail)
			}
		}
	}
}

// TestTokenEphemeral_closeUnconfigured renews and closes a token on a
// provider that was never configured, as when the run failed before: they
// read the system clock and still warn, without a panic.
func TestTokenEphemeral_closeUnconfigured(t *testing.T) {
	srv := providerserver.NewProtocol6(New("test")())()
	private, err := json.Marshal(map[string][]byte{privateKey: []byte(`{"gateway": "sipay", "title": "Sipay", "expires_at": "2020-01-01T00:00:00Z"}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]byte{nil, private} {
		want := 0
		if p != nil {
			want = 1
		}
		renewed, err := srv.RenewEphemeralResource(context.Background(), &tfprotov6.RenewEphemeralResourceRequest{TypeName: "paytoken_token", Private: p})
		if err != nil {
			t.Fatal(err)
		}
		closed, err := srv.CloseEphemeralResource(context.Background(), &tfprotov6.CloseEphemeralResourceRequest{TypeName: "paytoken_token", Private: p})
		if err != nil {
			t.Fatal(err)
		}
		for call, diags := range map[string][]*tfprotov6.Diagnostic{"renew": renewed.Diagnostics, "close": closed.Diagnostics} {
			if len(diags) != want || (want == 1 && diags[0].Summary != "Sipay Token Expired During the Run") {
				t.Errorf("%s with private %s: want %d warnings, got %v", call, p, want, diags)
			}
		}
	}
}
