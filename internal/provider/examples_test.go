package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// examplesDir holds the configurations the Registry documentation shows,
// plus the quickstart and the other runnable examples.
const examplesDir = "../../examples"

// planTimeFree names the examples that promise not to call any gateway
// while planning.
var planTimeFree = map[string]bool{"open-at-apply": true}

// exampleMerchants are the sandbox's Sipay merchants that examples serving
// many merchants get through their merchants and app_secrets variables,
// as a platform would give its own.
var exampleMerchants = []string{"is_3d=0", "is_3d=1", "is_3d=2"}

// callsPerPlan is how many gateway calls planning an example makes, where
// the example promises a number: one per merchant, or one token shared by
// a data source and an ephemeral resource.
var callsPerPlan = map[string]int64{
	"many-merchants":  int64(len(exampleMerchants)),
	"merchant-tokens": int64(len(exampleMerchants)),
	"testing":         1,
}

// TestExamplesFormatted fails when an example is not `terraform fmt` clean,
// which is what the Registry pages show and CI checks.
func TestExamplesFormatted(t *testing.T) {
	requireCLI(t)
	out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "fmt", "-check", "-diff", "-recursive", examplesDir).CombinedOutput()
	if err != nil {
		t.Fatalf("terraform fmt -check -recursive examples: %v. Run `terraform fmt -recursive examples` (or `make generate`).\n%s", err, out)
	}
}

// TestExamples plans every example against the local emulators with the
// real Terraform CLI, with credentials from the PAYTOKEN_* environment as a
// user would set them. Examples that also use providers that cannot be
// installed offline are planned without those providers' blocks, so their
// paytoken blocks are still checked against the real schema.
func TestExamples(t *testing.T) {
	dirs := exampleDirs(t)
	sb := startSandbox(t)
	clearProviderEnv(t)
	for k, v := range sb.Env() {
		t.Setenv(k, v)
	}
	// The examples name the provider by its registry address,
	// paytoken/paytoken, so the test provider must be served under it.
	t.Setenv(resource.EnvTfAccProviderNamespace, "paytoken")
	// Terraform ignores TF_VAR_ variables an example does not declare.
	merchants, appSecrets := map[string]map[string]string{}, map[string]string{}
	for i, label := range exampleMerchants {
		c := credential(t, sb, "sipay", label)
		name := fmt.Sprintf("merchant-%d", i)
		merchants[name] = map[string]string{"app_id": c.Settings["app_id"], "token_url": "https://" + name + ".example.com/sipay-token"}
		appSecrets[name] = c.Settings["app_secret"]
	}
	for name, v := range map[string]any{"merchants": merchants, "app_secrets": appSecrets} {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("TF_VAR_"+name, string(raw))
	}

	for _, dir := range dirs {
		name, err := filepath.Rel(examplesDir, dir)
		if err != nil {
			t.Fatal(err)
		}
		name = filepath.ToSlash(name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ex := prepareExample(t, dir)
			if len(ex.foreign) > 0 {
				t.Logf("planned without the blocks of %s, which cannot be installed offline: %s",
					strings.Join(ex.foreign, ", "), strings.Join(ex.dropped, ", "))
			}
			if !ex.usesPaytoken {
				t.Skip("nothing of the paytoken provider is left to plan")
			}
			if len(ex.conditioned) > 0 {
				t.Fatalf("%s: a precondition or postcondition on an ephemeral resource makes Terraform (1.11 at least) crash "+
					"with \"panic: unsupported resource mode 69\" when it renders a saved plan as JSON (terraform show -json), "+
					"which this test framework and CI tools such as policy checks run. "+
					"Check the token where it is used instead, e.g. in a precondition of the resource that consumes it.",
					strings.Join(ex.conditioned, ", "))
			}
			r := &runs{}
			unitTest(t, resource.TestCase{
				TerraformVersionChecks: ex.versionChecks,
				// On the step, not the case: a configuration with its own
				// provider blocks may only take providers there.
				Steps: []resource.TestStep{{
					ProtoV6ProviderFactories: factories(r),
					ConfigDirectory:          config.StaticDirectory(ex.dir),
					PlanOnly:                 true,
					ExpectNonEmptyPlan:       ex.changes,
				}},
			})
			if planTimeFree[name] {
				if got := r.requesting(); len(got) > 0 {
					t.Errorf("planning %s called a gateway (requests per run: %v); its token must be opened at apply only", name, got)
				}
			}
			if want, ok := callsPerPlan[name]; ok {
				everyRunCalls(t, r, want, "one call per merchant")
			}
		})
	}
}

// exampleDirs returns every directory under examples that holds .tf files,
// except child modules (under a modules directory): those are planned
// through the examples that call them, since a root module may not have
// ephemeral outputs.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(examplesDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != examplesDir {
			return filepath.SkipDir // .terraform of a local run
		}
		if d.IsDir() && d.Name() == "modules" {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Ext(path) == ".tf" {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		t.Fatalf("no examples found under %s", examplesDir)
	}
	return dirs
}

// preparedExample is an example's configuration copied where the test can
// plan it, with what the test needs to know about it.
type preparedExample struct {
	dir string
	// foreign lists the providers other than paytoken and terraform that
	// the example uses; dropped names the blocks removed for them.
	foreign, dropped []string
	usesPaytoken     bool
	// conditioned names the ephemeral resources with a precondition or
	// postcondition.
	conditioned []string
	// changes says the plan has changes: managed resources, outputs, or a
	// data source scoped to a check block (read again at apply).
	changes       bool
	versionChecks []tfversion.TerraformVersionCheck
}

// offline are the provider local names an example may use and still be
// planned here: this provider and Terraform's built-in one.
var offline = map[string]bool{"paytoken": true, "terraform": true}

// providerOf returns the local name of the provider of a resource type.
func providerOf(resourceType string) string {
	name, _, _ := strings.Cut(resourceType, "_")
	return name
}

// prepareExample copies an example's .tf files to a temporary directory,
// leaving out the blocks of providers that cannot be installed offline and
// the variables only those blocks used.
func prepareExample(t *testing.T, dir string) preparedExample {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	ex := preparedExample{dir: t.TempDir()}
	foreign := map[string]bool{}
	drop := func(body *hclwrite.Body, b *hclwrite.Block, provider string) {
		foreign[provider] = true
		ex.dropped = append(ex.dropped, strings.Join(append([]string{b.Type()}, b.Labels()...), "."))
		body.RemoveBlock(b)
	}

	files := map[string]*hclwrite.File{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, diags := hclwrite.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", p, diags.Error())
		}
		body := f.Body()
		for _, b := range body.Blocks() {
			labels := b.Labels()
			switch b.Type() {
			case "terraform":
				for _, rp := range b.Body().Blocks() {
					if rp.Type() != "required_providers" {
						continue
					}
					for name := range rp.Body().Attributes() {
						if !offline[name] {
							foreign[name] = true
							rp.Body().RemoveAttribute(name)
						}
					}
				}
			case "provider":
				if len(labels) > 0 && !offline[labels[0]] {
					drop(body, b, labels[0])
				}
			case "resource", "data", "ephemeral":
				if len(labels) > 0 && !offline[providerOf(labels[0])] {
					drop(body, b, providerOf(labels[0]))
				}
			case "check":
				for _, nested := range b.Body().Blocks() {
					if l := nested.Labels(); nested.Type() == "data" && len(l) > 0 && !offline[providerOf(l[0])] {
						drop(body, b, providerOf(l[0]))
						break
					}
				}
			case "module":
				localModule(t, dir, b)
			}
		}
		files[filepath.Base(p)] = f
	}

	// Variables that only the dropped blocks used would still need values.
	used := map[string]bool{}
	for name, f := range files {
		for _, ref := range references(t, name, f.Bytes()) {
			used[ref] = true
		}
	}
	for _, f := range files {
		for _, b := range f.Body().Blocks() {
			if b.Type() == "variable" && len(b.Labels()) == 1 && !used[b.Labels()[0]] && len(foreign) > 0 {
				ex.dropped = append(ex.dropped, "variable."+b.Labels()[0])
				f.Body().RemoveBlock(b)
			}
		}
	}

	for name, f := range files {
		src := f.Bytes()
		if err := os.WriteFile(filepath.Join(ex.dir, name), src, 0o600); err != nil {
			t.Fatal(err)
		}
		ex.inspect(t, name, src)
	}
	for name := range foreign {
		ex.foreign = append(ex.foreign, name)
	}
	sort.Strings(ex.foreign)
	return ex
}

// localModule points a module call with a local source ("./…" or "../…")
// at the module's absolute path, since the test framework copies only an
// example's own files, not its subdirectories. The CLI installs a module
// from an absolute path by copying it, offline.
func localModule(t *testing.T, dir string, b *hclwrite.Block) {
	t.Helper()
	attr := b.Body().GetAttribute("source")
	if attr == nil {
		return
	}
	toks := attr.Expr().BuildTokens(nil)
	if len(toks) != 3 || toks[0].Type != hclsyntax.TokenOQuote || toks[1].Type != hclsyntax.TokenQuotedLit || toks[2].Type != hclsyntax.TokenCQuote {
		return // not a plain string, so not a local path
	}
	src := string(toks[1].Bytes)
	if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
		return
	}
	abs, err := filepath.Abs(filepath.Join(dir, src))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclwrite.ParseConfig([]byte("source = "+hclString(filepath.ToSlash(abs))+"\n"), "source", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	b.Body().SetAttributeRaw("source", f.Body().GetAttribute("source").Expr().BuildTokens(nil))
}

// syntaxBody parses a configuration file for reading.
func syntaxBody(t *testing.T, name string, src []byte) *hclsyntax.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags.Error())
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s: not native HCL syntax", name)
	}
	return body
}

// references returns the names of the input variables a file refers to.
func references(t *testing.T, name string, src []byte) []string {
	t.Helper()
	var out []string
	diags := hclsyntax.VisitAll(syntaxBody(t, name, src), func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(*hclsyntax.ScopeTraversalExpr); ok && e.Traversal.RootName() == "var" && len(e.Traversal) > 1 {
			if a, ok := e.Traversal[1].(hcl.TraverseAttr); ok {
				out = append(out, a.Name)
			}
		}
		return nil
	})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, diags.Error())
	}
	return out
}

// inspect records what a prepared file means for the test: whether it uses
// paytoken, whether its plan has changes, and its required_version.
func (ex *preparedExample) inspect(t *testing.T, name string, src []byte) {
	t.Helper()
	for _, b := range syntaxBody(t, name, src).Blocks {
		switch b.Type {
		case "provider":
			ex.usesPaytoken = ex.usesPaytoken || b.Labels[0] == "paytoken"
		case "data", "ephemeral":
			ex.usesPaytoken = ex.usesPaytoken || providerOf(b.Labels[0]) == "paytoken"
			if b.Type == "ephemeral" && hasCondition(b) {
				ex.conditioned = append(ex.conditioned, "ephemeral."+strings.Join(b.Labels, "."))
			}
		case "resource", "output":
			ex.changes = true
		case "check":
			for _, nested := range b.Body.Blocks {
				if nested.Type == "data" {
					ex.changes = true
					ex.usesPaytoken = ex.usesPaytoken || providerOf(nested.Labels[0]) == "paytoken"
				}
			}
		case "terraform":
			attr, ok := b.Body.Attributes["required_version"]
			if !ok {
				continue
			}
			v, diags := attr.Expr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s: required_version: %s", name, diags.Error())
			}
			c, err := version.NewConstraint(v.AsString())
			if err != nil {
				t.Fatalf("%s: required_version: %v", name, err)
			}
			ex.versionChecks = append(ex.versionChecks, requiredVersion{c})
		}
	}
}

// hasCondition reports whether a block's lifecycle has a precondition or
// postcondition.
func hasCondition(b *hclsyntax.Block) bool {
	for _, l := range b.Body.Blocks {
		if l.Type != "lifecycle" {
			continue
		}
		for _, c := range l.Body.Blocks {
			if c.Type == "precondition" || c.Type == "postcondition" {
				return true
			}
		}
	}
	return false
}

// requiredVersion skips an example that the Terraform under test is too
// old (or too new) for, as its required_version says.
type requiredVersion struct {
	constraints version.Constraints
}

// CheckTerraformVersion implements tfversion.TerraformVersionCheck.
func (r requiredVersion) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if !r.constraints.Check(req.TerraformVersion.Core()) {
		resp.Skip = fmt.Sprintf("Terraform %s does not satisfy the example's required_version %s", req.TerraformVersion, r.constraints)
	}
}
