package main

import (
	"os/exec"
	"strings"
	"testing"
)

// goListDeps returns every package pkgs import, directly or not, in the
// binary's build (test files excluded).
func goListDeps(t *testing.T, pkgs ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("go list -deps %v: %v", pkgs, err)
	}
	return strings.Fields(string(out))
}

// TestImportGraph keeps two promises of the layout: the gateway clients
// are framework-free, and no emulator is built into the provider binary.
func TestImportGraph(t *testing.T) {
	const module = "github.com/paytoken/terraform-provider-paytoken"
	for _, dep := range goListDeps(t, "./internal/clients/...") {
		if strings.HasPrefix(dep, "github.com/hashicorp/terraform-plugin-") {
			t.Errorf("internal/clients imports %s; the gateway clients must stay framework-free", dep)
		}
	}
	binary := goListDeps(t, ".")
	sawProvider := false
	for _, dep := range binary {
		if strings.HasPrefix(dep, module+"/internal/sandbox") {
			t.Errorf("the provider binary imports %s; emulators must stay out of it", dep)
		}
		sawProvider = sawProvider || dep == module+"/internal/provider"
	}
	if !sawProvider {
		t.Errorf("go list -deps . did not list internal/provider; the check proves nothing (%d packages)", len(binary))
	}
}
