package provider

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// terraformSnippet is a Terraform code block written into a documentation
// template, rather than included from examples/ with tffile.
var terraformSnippet = regexp.MustCompile("(?s)```terraform\n(.*?)```")

// TestTemplateSnippetsFormatted fails when a Terraform snippet in
// templates/ is not `terraform fmt` clean, as the examples must be.
func TestTemplateSnippetsFormatted(t *testing.T) {
	requireCLI(t)
	err := filepath.WalkDir(filepath.Join(repoRoot, "templates"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tmpl") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, m := range terraformSnippet.FindAllStringSubmatch(string(src), -1) {
			cmd := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "fmt", "-")
			cmd.Stdin = strings.NewReader(m[1])
			out, err := cmd.Output()
			if err != nil || string(out) != m[1] {
				t.Errorf("%s: Terraform snippet %d is not `terraform fmt` clean (%v); formatted, it reads:\n%s", path, i+1, err, out)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
