package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// liveEnv holds the PAYTOKEN_* variables the tests were started with. Only
// the live tests and the plan benchmarks' switch (PAYTOKEN_BENCH_CLI) read
// them; every other test sees none, so a developer's credentials, retries
// or timeouts cannot change what it measures.
var liveEnv = map[string]string{}

// afterAll holds what TestMain undoes once every test and benchmark has
// run, such as the plan benchmarks' emulators and files.
var afterAll []func()

// TestMain makes every Terraform the tests run the one installed here:
// never a download, never a version check, and no Terraform or provider
// settings from the developer's environment. Without a CLI, the unit tests
// still run; each test that needs the CLI fails, saying why (requireCLI).
func TestMain(m *testing.M) {
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "PAYTOKEN_"):
			liveEnv[name] = value
			_ = os.Unsetenv(name)
		case strings.HasPrefix(name, "TF_CLI_ARGS"), name == "TF_PLUGIN_CACHE_DIR", name == "TF_DATA_DIR", name == "TF_WORKSPACE":
			_ = os.Unsetenv(name)
		}
	}
	dir, err := setUpCLI()
	cliErr = err
	m.Run()
	for i := len(afterAll) - 1; i >= 0; i-- {
		afterAll[i]()
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

// setUpCLI finds the CLI under test and gives it an empty CLI configuration
// of the tests' own, so a developer's dev_overrides, plugin cache or
// credentials cannot change a test. It returns the configuration's
// directory, to be removed after the tests.
func setUpCLI() (string, error) {
	dir, err := os.MkdirTemp("", "paytoken-test-cli")
	if err != nil {
		return "", fmt.Errorf("the tests' CLI configuration could not be made: %w", err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		return dir, fmt.Errorf("the tests' CLI configuration could not be written: %w", err)
	}
	_ = os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		tf, err := exec.LookPath("terraform")
		if err != nil {
			return dir, errors.New("this test runs the real Terraform CLI, and none was found: install Terraform >= 1.10 on PATH, " +
				"or set TF_ACC_TERRAFORM_PATH to a Terraform >= 1.10 or OpenTofu >= 1.11 binary. Nothing is downloaded")
		}
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
	if cli, err = detectCLI(os.Getenv("TF_ACC_TERRAFORM_PATH")); err != nil {
		return dir, err
	}
	// The test framework names providers under Terraform's registry host
	// unless told otherwise; OpenTofu refuses that host's legacy namespace.
	if os.Getenv(resource.EnvTfAccProviderHost) == "" {
		_ = os.Setenv(resource.EnvTfAccProviderHost, cli.Host)
	}
	return dir, nil
}

// cliErr says why no CLI can be run, when TestMain found none.
var cliErr error

// requireCLI fails a test that needs the CLI when there is none, saying
// what to install.
func requireCLI(t testing.TB) {
	t.Helper()
	if cliErr != nil {
		t.Fatal(cliErr)
	}
}

// errorPattern compiles a pattern for a diagnostic. Terraform wraps
// diagnostic text, so each space in re matches any run of whitespace, and
// "." matches newlines too.
func errorPattern(re string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(re, " ", `\s+`))
}

// ephemeralVersions skips ephemeral resource tests on CLIs without
// ephemeral resources.
var ephemeralVersions = []tfversion.TerraformVersionCheck{ephemeralResources}

// runs records, for each Terraform run (one provider process in
// production, one provider instance here), how many HTTP requests it sent.
type runs struct {
	mu     sync.Mutex
	counts []*atomic.Int64
}

func (r *runs) add() *atomic.Int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := &atomic.Int64{}
	r.counts = append(r.counts, c)
	return c
}

// requesting returns the request count of every run that sent any.
func (r *runs) requesting() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, c := range r.counts {
		if n := c.Load(); n > 0 {
			out = append(out, n)
		}
	}
	return out
}

type countingTransport struct {
	next  http.RoundTripper
	count *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.count.Add(1)
	return c.next.RoundTrip(r)
}

// factories returns the provider factories of a test: a fresh paytoken
// provider for every Terraform run, as Terraform starts a fresh provider
// process for every run, with short retry waits, plus the echo provider
// for reading ephemeral values. r may be nil.
func factories(r *runs) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"paytoken": func() (tfprotov6.ProviderServer, error) {
			var count *atomic.Int64
			if r != nil {
				count = r.add()
			}
			p := &PaytokenProvider{version: "test", cache: newTokenCache(), now: time.Now,
				httpOptions: func(o *clients.HTTPOptions) {
					o.RetryWaitMin = 5 * time.Millisecond
					o.RetryWaitMax = 20 * time.Millisecond
					o.RetryAfterMax = 50 * time.Millisecond
					if count != nil {
						o.Transport = countingTransport{next: http.DefaultTransport, count: count}
					}
				}}
			return providerserver.NewProtocol6WithError(p)()
		},
		"echo": echoprovider.NewProviderServer(),
	}
}

// startSandbox serves every gateway's emulator on loopback for one test.
func startSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sb.Shutdown(ctx)
	})
	return sb
}

// credential returns the sandbox credential of gateway whose label starts
// with label.
func credential(t *testing.T, sb *sandbox.Sandbox, gateway, label string) simkit.Credential {
	t.Helper()
	g := sb.Gateway(gateway)
	if g == nil {
		t.Fatalf("no %s emulator in the sandbox", gateway)
	}
	var labels []string
	for _, c := range g.Emulator.Credentials() {
		if strings.HasPrefix(c.Label, label) {
			return c
		}
		labels = append(labels, c.Label)
	}
	t.Fatalf("no %s sandbox credential labelled %q; have %q", gateway, label, labels)
	return simkit.Credential{}
}

// hclString quotes s as an HCL string literal.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}

// hclObject renders map entries as HCL object attributes, sorted, indented
// to sit in a nested block.
func hclObject(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = %s\n", k, hclString(m[k]))
	}
	return b.String()
}

// gatewayBlock renders a provider's nested block for a gateway: the
// credential's settings and the emulator's base URL.
func gatewayBlock(sb *sandbox.Sandbox, gateway string, c simkit.Credential) string {
	settings := map[string]string{"base_url": sb.Gateway(gateway).BaseURL}
	for k, v := range c.Settings {
		settings[k] = v
	}
	return fmt.Sprintf("  %s = {\n%s  }\n", gateway, hclObject(settings))
}

// providerConfig renders a provider "paytoken" block with a block for each
// given gateway credential, plus extra lines.
func providerConfig(sb *sandbox.Sandbox, creds map[string]simkit.Credential, extra string) string {
	names := make([]string, 0, len(creds))
	for n := range creds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("provider \"paytoken\" {\n")
	for _, n := range names {
		b.WriteString(gatewayBlock(sb, n, creds[n]))
	}
	b.WriteString(extra)
	b.WriteString("}\n")
	return b.String()
}

// tokenArgs renders a token's nested argument block for its gateway from a
// credential's Args, or "" when it has none.
func tokenArgs(gateway string, c simkit.Credential) string {
	if len(c.Args) == 0 {
		return ""
	}
	return fmt.Sprintf("  %s = {\n%s  }\n", gateway, hclObject(c.Args))
}

// echoToken renders an ephemeral token and an echo provider configured with
// its results, so the results can be checked in the echo resource's state.
// The token itself goes in only as its SHA-256, so state never holds it.
func echoToken(gateway string) string {
	return fmt.Sprintf(`
ephemeral "paytoken_token" "t" {
  gateway = %q
}

provider "echo" {
  data = {
    token_sha256         = sha256(ephemeral.paytoken_token.t.access_token)
    expires_at           = ephemeral.paytoken_token.t.expires_at
    issued_at            = ephemeral.paytoken_token.t.issued_at
    supports_2d          = ephemeral.paytoken_token.t.supports_2d
    supports_3d          = ephemeral.paytoken_token.t.supports_3d
    supports_white_label = ephemeral.paytoken_token.t.supports_white_label
    supports_branded     = ephemeral.paytoken_token.t.supports_branded
    supports_installment = ephemeral.paytoken_token.t.supports_installment
    requires_3d_choice   = ephemeral.paytoken_token.t.requires_3d_choice
    scopes               = ephemeral.paytoken_token.t.scopes
  }
}

resource "echo" "t" {}
`, gateway)
}

// clearProviderEnv unsets every PAYTOKEN_ variable for the test, so the
// machine's environment cannot change what a test sees.
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "PAYTOKEN_") {
			t.Setenv(name, "")
		}
	}
}

// secretVariables declares sensitive, ephemeral string variables: the way
// the documentation has secrets reach a configuration.
func secretVariables(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "variable %q {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n\n", n)
	}
	return b.String()
}
