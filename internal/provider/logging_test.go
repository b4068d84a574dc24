package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestWithMasking is the second fence: even a careless log line that puts
// a secret in its message, in a field, or under a sensitive key comes out
// masked, also when it is logged through the clients' logger adapter.
func TestWithMasking(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	ctx = withMasking(ctx, "s3cr3t-app-secret", "", "tok-eyJhbGciOi")

	tflog.Info(ctx, "calling with s3cr3t-app-secret", map[string]any{"note": "token tok-eyJhbGciOi here"})
	tflog.Info(ctx, "by key", map[string]any{"app_secret": "anything", "session_token": "whatever", "authorization": "IYZWSv2 abc"})
	tflogLogger{ctx}.Debug("adapter", "error", "dial failed for s3cr3t-app-secret")

	logged := out.String()
	for _, leak := range []string{"s3cr3t-app-secret", "tok-eyJhbGciOi", "anything", "whatever", "IYZWSv2 abc"} {
		if strings.Contains(logged, leak) {
			t.Errorf("log holds %q:\n%s", leak, logged)
		}
	}
	if n := strings.Count(logged, "***"); n < 6 {
		t.Errorf("want at least 6 masked values, found %d:\n%s", n, logged)
	}
	if !strings.Contains(logged, "calling with") || !strings.Contains(logged, "adapter") {
		t.Errorf("the log lost its messages:\n%s", logged)
	}
}
