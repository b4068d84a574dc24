package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// TestGoInstall installs the command as users do, with go install into an
// empty GOBIN and GOPROXY=off (the module cache is all there is), then runs
// the installed binary for a moment and reads the environment file it wrote.
func TestGoInstall(t *testing.T) {
	const root = "../.."
	gobin := t.TempDir()
	install := exec.Command("go", "install", "./cmd/paytoken-sandbox")
	install.Dir = root
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOPROXY=off")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install ./cmd/paytoken-sandbox: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "paytoken-sandbox")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	if out, err := exec.Command(bin, "-duration", "50ms", "-env-file", envFile).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range gateways.All() {
		if want := "export " + clients.EnvVar(spec.Name, "base_url") + "='http://127.0.0.1:"; !bytes.Contains(env, []byte(want)) {
			t.Errorf("the installed binary's environment file lacks %q:\n%s", want, env)
		}
	}
}

// TestGoInstallAtVersion keeps `go install …/cmd/paytoken-sandbox@<version>`
// possible: go refuses it for a module whose go.mod replaces or excludes.
func TestGoInstallAtVersion(t *testing.T) {
	src, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.ParseLax("go.mod", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range mf.Replace {
		t.Errorf("go.mod replaces %s: go install …@<version> would refuse the module", r.Old.Path)
	}
	for _, e := range mf.Exclude {
		t.Errorf("go.mod excludes %s: go install …@<version> would refuse the module", e.Mod)
	}
}
