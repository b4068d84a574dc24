package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// tflogLogger routes the clients' and retryablehttp's log lines to tflog,
// bound to the context of the request they serve, so the masking set on
// that context applies to them.
type tflogLogger struct{ ctx context.Context }

var _ clients.Logger = tflogLogger{}

func (l tflogLogger) Error(msg string, kv ...any) { tflog.Error(l.ctx, msg, fields(kv)) }
func (l tflogLogger) Warn(msg string, kv ...any)  { tflog.Warn(l.ctx, msg, fields(kv)) }
func (l tflogLogger) Info(msg string, kv ...any)  { tflog.Info(l.ctx, msg, fields(kv)) }
func (l tflogLogger) Debug(msg string, kv ...any) { tflog.Debug(l.ctx, msg, fields(kv)) }

// fields turns key-value pairs into tflog fields, turning errors and
// durations into strings so they read well in JSON logs.
func fields(kv []any) map[string]any {
	out := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			key = fmt.Sprint(kv[i])
		}
		switch v := kv[i+1].(type) {
		case error:
			out[key] = v.Error()
		case time.Duration:
			out[key] = v.String()
		case fmt.Stringer:
			out[key] = v.String()
		default:
			out[key] = v
		}
	}
	return out
}

// sensitiveFieldKeys returns the log field keys whose values are always
// masked: every sensitive setting or argument of every gateway, plus the
// names a token or an Authorization header might be logged under. The
// gateways are fixed at build time, so the list is made once; callers must
// not modify it.
var sensitiveFieldKeys = sync.OnceValue(func() []string {
	keys := []string{"access_token", "accessToken", "token", "authorization", "Authorization", "x-iyzi-rnd"}
	for _, spec := range gateways.All() {
		for _, fs := range [][]clients.Field{spec.Settings, spec.Args} {
			for _, f := range fs {
				if f.Sensitive && !slices.Contains(keys, f.Name) {
					keys = append(keys, f.Name)
				}
			}
		}
	}
	return slices.Clip(keys)
})

// withMasking returns a context whose log lines, including those of
// libraries logging through it, have every given secret masked in messages
// and field values, and every sensitive field key masked. It is the second
// fence: no log call is meant to carry a secret in the first place.
func withMasking(ctx context.Context, secrets ...string) context.Context {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, sensitiveFieldKeys()...)
	if len(nonEmpty) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty...)
		ctx = tflog.MaskMessageStrings(ctx, nonEmpty...)
	}
	return ctx
}
