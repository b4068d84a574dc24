package provider

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// repoRoot is the repository, seen from this package's directory.
const repoRoot = "../.."

// cliWork is a working directory where the CLI under test is run directly,
// as a user runs it, rather than through the test framework: `init`
// installs the provider, built from this repository, from a local
// filesystem mirror, with no dev_overrides and no reattachment.
type cliWork struct {
	dir string
	env []string
}

// newCLIWork copies the example at examples/name, subdirectories included,
// and makes the CLI configuration that installs the provider offline. env
// holds extra environment variables, as NAME=value.
func newCLIWork(t *testing.T, name string, env ...string) *cliWork {
	t.Helper()
	return newCLIWorkWith(t, name, func(dir string) { copyTree(t, filepath.Join(examplesDir, name), dir) }, env...)
}

// newCLIConfig is newCLIWork for a configuration of the test's own: files
// maps file names to their contents.
func newCLIConfig(t *testing.T, files map[string]string, env ...string) *cliWork {
	t.Helper()
	return newCLIWorkWith(t, "config", func(dir string) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}, env...)
}

// newCLIWorkWith makes the working directory name with fill.
func newCLIWorkWith(t *testing.T, name string, fill func(dir string), env ...string) *cliWork {
	t.Helper()
	requireCLI(t)
	work := t.TempDir()
	rc := mirrorProvider(t, filepath.Join(work, "mirror"))
	dir := filepath.Join(work, name)
	fill(dir)
	base := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return &cliWork{dir: dir, env: append(base, env...)}
}

// run runs the CLI under test with args in the working directory and
// returns its combined output.
func (w *cliWork) run(t testing.TB, args ...string) (string, error) {
	t.Helper()
	return w.runCommand(t, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
}

// runSourcing runs the CLI under test as a user's shell would after
// `. envFile`: the file is sourced by sh, then the CLI runs with args.
func (w *cliWork) runSourcing(t *testing.T, envFile string, args ...string) (string, error) {
	t.Helper()
	script := `. "$1" && shift && exec "$@"`
	return w.runCommand(t, "sh", append([]string{"-c", script, "sh", envFile, os.Getenv("TF_ACC_TERRAFORM_PATH")}, args...)...)
}

func (w *cliWork) runCommand(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// mustRun is run, failing the test when the CLI fails.
func (w *cliWork) mustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, err := w.run(t, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", cli.Kind, strings.Join(args, " "), err, out)
	}
	return out
}

// mirrorProvider builds the provider into an unpacked filesystem mirror
// under the CLI's own registry host, at the version CHANGELOG.md names, and
// writes a CLI configuration that installs it from there and nothing from
// anywhere else. It returns the configuration's path.
func mirrorProvider(t testing.TB, mirror string) string {
	t.Helper()
	return mirrorPackage(t, mirror, ".")
}

// mirrorPackage is mirrorProvider with the binary built from pkg, relative
// to the repository, in the provider's place.
func mirrorPackage(t testing.TB, mirror, pkg string) string {
	t.Helper()
	version := changelogVersion(t, filepath.Join(repoRoot, "CHANGELOG.md"))
	exe := "terraform-provider-paytoken_v" + version
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	goBuild(t, filepath.Join(mirror, cli.Host, "paytoken", "paytoken", version, platform, exe), pkg)
	rc := filepath.Join(filepath.Dir(mirror), "terraformrc")
	text := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %s\n    include = [\"%s/paytoken/paytoken\"]\n  }\n}\n",
		hclString(mirror), cli.Host)
	if err := os.WriteFile(rc, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}

// goBuild builds the package at pkg, relative to the repository, into out,
// with flags, statically (CGO_ENABLED=0), as releases are built.
func goBuild(t testing.TB, out, pkg string, flags ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	args := append(append([]string{"build"}, flags...), "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
}

// copyTree copies the files under src to dst, leaving out what a local run
// of the example may have left behind: .terraform, lock and state files.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		name := d.Name()
		switch {
		case d.IsDir() && name == ".terraform":
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		case name == ".terraform.lock.hcl", strings.Contains(name, ".tfstate"), strings.HasSuffix(name, ".tfplan"):
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// skipWithout skips a test on CLIs that lack feature.
func skipWithout(t testing.TB, feature cliFeature) {
	t.Helper()
	requireCLI(t)
	var resp tfversion.CheckTerraformVersionResponse
	feature.CheckTerraformVersion(t.Context(), tfversion.CheckTerraformVersionRequest{TerraformVersion: cli.Version}, &resp)
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}
