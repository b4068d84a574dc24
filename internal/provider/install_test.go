package provider

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsimple"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/mod/sumdb/dirhash"
)

// TestAccInstall_filesystemMirror takes the path of a user with a private
// or filesystem mirror: the provider packed in a zip of the Registry's shape
// (`make dist` has goreleaser pack the release's), laid out as a packed
// mirror under the CLI's own registry host, installed by `init` with a CLI
// configuration that has only that mirror (no dev_overrides, no
// test-framework reattachment), then examples/quickstart applied with it
// against the sandbox.
func TestAccInstall_filesystemMirror(t *testing.T) {
	version := changelogVersion(t, filepath.Join(repoRoot, "CHANGELOG.md"))
	work := t.TempDir()
	zipPath := registryZip(t, work, version)
	zipHash, err := dirhash.HashZip(zipPath, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}

	mirror := filepath.Join(work, "mirror")
	pkgDir := filepath.Join(mirror, cli.Host, "paytoken", "paytoken")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(zipPath, filepath.Join(pkgDir, filepath.Base(zipPath))); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(work, "terraformrc")
	rcText := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %s\n    include = [\"%s/paytoken/paytoken\"]\n  }\n}\n",
		hclString(mirror), cli.Host)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	// The framework's working directories go here, to read the lock file.
	tmp := filepath.Join(work, "acc")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TEMP_DIR", tmp)

	sb := startSandbox(t)
	clearProviderEnv(t)
	for k, v := range sb.Env() {
		t.Setenv(k, v)
	}
	// Sipay's requests pass through a recorder, to see which binary sent them.
	agents := recordUserAgents(t, sb.Gateway("sipay").BaseURL, sb.Gateway("sipay").Emulator)

	unitTest(t, resource.TestCase{
		TerraformVersionChecks: ephemeralVersions,
		// No provider factories: the configuration's required_providers
		// is all init has, and the mirror is all it can install from.
		Steps: []resource.TestStep{{
			ConfigDirectory:    config.StaticDirectory(quickstartAlwaysChanging(t, filepath.Join(repoRoot, "examples", "quickstart"))),
			ExpectNonEmptyPlan: true,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("tokens", tfjsonpath.New("sipay").AtMapKey("expires_at"), rfc3339Within(time.Hour, 3*time.Hour)),
				statecheck.ExpectKnownOutputValueAtPath("tokens", tfjsonpath.New("tahsilat").AtMapKey("supports_3d"), knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValueAtPath("tokens", tfjsonpath.New("iyzico").AtMapKey("scopes"), knownvalue.NotNull()),
			},
			Check: func(*terraform.State) error {
				return checkLockFile(tmp, cli.Host+"/paytoken/paytoken", version, zipHash)
			},
		}},
	})

	installed := fmt.Sprintf("terraform-provider-paytoken/%s ", version)
	if got := agents(); len(got) == 0 {
		t.Error("the Sipay emulator received no request from the installed provider")
	} else {
		for _, ua := range got {
			if !strings.HasPrefix(ua, installed) {
				t.Errorf("User-Agent %q: want the installed release's %q (its -X main.version ldflag)", ua, installed)
			}
		}
	}
}

// changelogVersion returns the newest release heading of CHANGELOG.md, the
// version `make dist` builds by default.
func changelogVersion(t testing.TB, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[([0-9][^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatalf("%s has no release heading such as \"## [1.2.3] - 2026-01-31\"", path)
	}
	return string(m[1])
}

// registryZip builds the provider for this machine as .goreleaser.yml
// builds it (static, -trimpath, version by ldflags; `make dist-check` holds
// the release's builds to the same) and packs it as the Registry names it:
// terraform-provider-paytoken_<v>_<os>_<arch>.zip holding
// terraform-provider-paytoken_v<v>. It returns the zip's path.
func registryZip(t *testing.T, dir, version string) string {
	t.Helper()
	bin := "terraform-provider-paytoken_v" + version
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	binPath := filepath.Join(dir, bin)
	goBuild(t, binPath, ".", "-trimpath", "-ldflags", "-s -w -X main.version="+version)
	b, err := os.ReadFile(binPath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: bin, Method: zip.Deflate, Modified: time.Now()}
	h.SetMode(0o755)
	w, err := z.CreateHeader(h)
	if err == nil {
		_, err = w.Write(b)
	}
	if err == nil {
		err = z.Close()
	}
	zipPath := filepath.Join(dir, fmt.Sprintf("terraform-provider-paytoken_%s_%s_%s.zip", version, runtime.GOOS, runtime.GOARCH))
	if err == nil {
		err = os.WriteFile(zipPath, buf.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return zipPath
}

// quickstartAlwaysChanging copies the quickstart with one resource more,
// which changes on every plan. The quickstart's outputs change from one
// plan to the next only when the tokens behind them were issued in
// different seconds; with this resource, every plan after the apply has a
// change, whatever the timing, as the test expects.
func quickstartAlwaysChanging(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s (%v)", src, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	extra := "resource \"terraform_data\" \"every_plan\" {\n  input = uuid()\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "every_plan.tf"), []byte(extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// recordUserAgents puts a recorder in front of an emulator and points the
// gateway's base URL environment variable at it.
func recordUserAgents(t *testing.T, baseURL string, emu http.Handler) func() []string {
	t.Helper()
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PAYTOKEN_SIPAY_BASE_URL", srv.URL+u.Path)
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), agents...)
	}
}

// lockFile is the part of .terraform.lock.hcl the install test reads.
type lockFile struct {
	Providers []struct {
		Address     string   `hcl:"address,label"`
		Version     string   `hcl:"version"`
		Constraints string   `hcl:"constraints,optional"`
		Hashes      []string `hcl:"hashes"`
	} `hcl:"provider,block"`
	Remain hcl.Body `hcl:",remain"`
}

// checkLockFile checks the one .terraform.lock.hcl under dir pins address
// at version with the h1: hash of the zip that was installed.
func checkLockFile(dir, address, version, h1 string) error {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == ".terraform.lock.hcl" {
			found = append(found, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(found) != 1 {
		return fmt.Errorf("want one .terraform.lock.hcl under %s, found %d", dir, len(found))
	}
	var lf lockFile
	if err := hclsimple.DecodeFile(found[0], nil, &lf); err != nil {
		return fmt.Errorf("%s: %w", found[0], err)
	}
	var addrs []string
	for _, p := range lf.Providers {
		addrs = append(addrs, p.Address)
		if p.Address != address {
			continue
		}
		if p.Version != version {
			return fmt.Errorf("the lock file pins %s at %q, want %q", address, p.Version, version)
		}
		for _, h := range p.Hashes {
			if h == h1 {
				return nil
			}
		}
		return fmt.Errorf("the lock file's hashes for %s are %q; none is the installed zip's %s", address, p.Hashes, h1)
	}
	return fmt.Errorf("the lock file has providers %q, not %s", addrs, address)
}
