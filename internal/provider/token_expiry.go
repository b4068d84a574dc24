package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// firstShowingRenewWarnings is the first Terraform that shows the warnings
// Renew returns (hashicorp/terraform#38989); earlier ones drop them.
var firstShowingRenewWarnings = version.Must(version.NewVersion("1.17.0"))

// expiryWarnings keeps one provider process's account of the tokens whose
// Renew warned that they expired, so that Close warns only where the CLI
// does not show that warning.
type expiryWarnings struct {
	// renewShown is set when the CLI shows Renew's warnings although it
	// hands Close the private data of Open: Terraform from 1.17.
	renewShown bool
	opens      atomic.Uint64
	renewed    sync.Map
}

// newExpiryWarnings returns the account for a CLI that gave its version
// as cliVersion when it configured the provider.
func newExpiryWarnings(cliVersion string) *expiryWarnings {
	v, err := version.NewVersion(cliVersion)
	return &expiryWarnings{renewShown: err == nil && !v.Core().LessThan(firstShowingRenewWarnings)}
}

// open numbers an open of the process.
func (w *expiryWarnings) open() uint64 {
	if w == nil {
		return 0
	}
	return w.opens.Add(1)
}

// renewWarned records that Renew warned of the expiry of open's token.
func (w *expiryWarnings) renewWarned(open uint64) {
	if w != nil && open != 0 {
		w.renewed.Store(open, true)
	}
}

// shownByRenew reports whether the CLI showed, or will show, a warning
// Renew returned for open's token.
func (w *expiryWarnings) shownByRenew(open uint64) bool {
	if w == nil || !w.renewShown || open == 0 {
		return false
	}
	_, ok := w.renewed.Load(open)
	return ok
}

// expiredWarning is the warning for a token of the gateway called title
// ("" when unknown) that expired while the run still held it. Renew and
// Close give the same one, so every CLI shows the same words.
func expiredWarning(title string, expiresAt time.Time) (summary, detail string) {
	summary, token, gateway := "Token Expired During the Run", "token", "the gateway"
	if title != "" {
		summary, token, gateway = title+" "+summary, title+" token", title
	}
	detail = fmt.Sprintf("The %s expired at %s, while this run still held it. "+
		"An open ephemeral resource cannot be handed a new token, so anything that used the token after it expired "+
		"was refused by %s: run again to get a fresh token. "+
		"To keep this from happening, raise min_valid_for to at least how long the run uses the token, "+
		"so that a token close to its expiry is never handed out; "+
		"if the run needs the token for longer than %s's tokens live, split the work into shorter runs.",
		token, formatExpiry(expiresAt), gateway, gateway)
	return summary, detail
}

// title is the display name of the token's gateway, or "" when unknown.
func (p tokenPrivate) title() string {
	if spec, ok := gateways.Lookup(p.Gateway); ok {
		return spec.Title
	}
	return ""
}

// privateData is the framework's private data of an ephemeral resource,
// whose type is internal to the framework.
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// readTokenPrivate reads what Open kept. It reports false when there is
// nothing to read or it cannot be read, as for a token that was never
// opened.
func readTokenPrivate(ctx context.Context, priv privateData) (tokenPrivate, bool) {
	var p tokenPrivate
	if priv == nil {
		return p, false
	}
	raw, diags := priv.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return p, false
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		tflog.Debug(ctx, "Token private data cannot be read", map[string]any{"error": err.Error()})
		return tokenPrivate{}, false
	}
	return p, true
}

// formatExpiry is a time as diagnostics and logs give it: RFC 3339 in UTC,
// or "" for the zero time.
func formatExpiry(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
