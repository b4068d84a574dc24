package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// distFiles are what goreleaser adds to every archive beside the binary.
var distFiles = []string{"CHANGELOG.md", "LICENSE", "README.md"}

// TestDist checks the artifacts `make dist` wrote to DIST_DIR (`make
// dist-check`; skipped when DIST_DIR is unset) against what the Terraform
// Registry and the install test expect: for every platform of
// .goreleaser.yml, terraform-provider-paytoken_<v>_<os>_<arch>.zip holding
// terraform-provider-paytoken_v<v> built as the install test builds it, and
// paytoken-sandbox's own archive; the manifest; and a SHA256SUMS listing the
// provider's zips and the manifest, and nothing else.
func TestDist(t *testing.T) {
	dir := os.Getenv("DIST_DIR")
	if dir == "" {
		t.Skip("DIST_DIR is unset: run make dist, then make dist-check")
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "metadata.json")), &meta); err != nil || meta.Version == "" {
		t.Fatalf("%s/metadata.json: no version (%v)", dir, err)
	}
	v := meta.Version
	const module = "github.com/paytoken/terraform-provider-paytoken"
	summed := map[string]bool{}
	provider, sandbox := goreleaserPlatforms(t, "provider"), goreleaserPlatforms(t, "sandbox")
	for _, p := range provider {
		name := fmt.Sprintf("terraform-provider-paytoken_%s_%s.zip", v, p)
		bin := "terraform-provider-paytoken_v" + v + p.exe()
		checkArchive(t, name, readZip(t, filepath.Join(dir, name)), bin, module, p, v)
		summed[name] = true
	}
	for _, p := range sandbox {
		name := fmt.Sprintf("paytoken-sandbox_%s_%s.tar.gz", v, p)
		var files map[string]distFile
		if p.OS == "windows" {
			name = strings.TrimSuffix(name, ".tar.gz") + ".zip"
			files = readZip(t, filepath.Join(dir, name))
		} else {
			files = readTarGz(t, filepath.Join(dir, name))
		}
		checkArchive(t, name, files, "paytoken-sandbox"+p.exe(), module+"/cmd/paytoken-sandbox", p, "")
	}
	for pattern, want := range map[string]int{"terraform-provider-paytoken_*.zip": len(provider), "paytoken-sandbox_*": len(sandbox)} {
		if got, _ := filepath.Glob(filepath.Join(dir, pattern)); len(got) != want {
			t.Errorf("%d files match %s in %s, want one per platform of .goreleaser.yml: %d", len(got), pattern, dir, want)
		}
	}

	manifest := "terraform-provider-paytoken_" + v + "_manifest.json"
	if got, want := readFile(t, filepath.Join(dir, manifest)), readFile(t, "terraform-registry-manifest.json"); !bytes.Equal(got, want) {
		t.Errorf("%s is not terraform-registry-manifest.json:\n%s", manifest, got)
	}
	summed[manifest] = true

	sumsName := "terraform-provider-paytoken_" + v + "_SHA256SUMS"
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, filepath.Join(dir, sumsName))))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: line %q is not \"<sha256>  <name>\"", sumsName, sc.Text())
		}
		listed[name] = true
		h := sha256.Sum256(readFile(t, filepath.Join(dir, name)))
		if hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: the sum of %s is not %s", sumsName, name, sum)
		}
	}
	// Terraform puts every line of the signed SHA256SUMS into users' lock
	// files as a hash of the provider: nothing else belongs there.
	if got, want := slices.Sorted(maps.Keys(listed)), slices.Sorted(maps.Keys(summed)); !slices.Equal(got, want) {
		t.Errorf("%s lists %q, want the provider's zips and the manifest: %q", sumsName, got, want)
	}
}

// platform is one target of a goreleaser build.
type platform struct{ OS, Arch string }

func (p platform) String() string { return p.OS + "_" + p.Arch }

func (p platform) exe() string {
	if p.OS == "windows" {
		return ".exe"
	}
	return ""
}

// goreleaserPlatforms returns the platforms of the build id in
// .goreleaser.yml: every goos with every goarch, less the ignored pairs.
func goreleaserPlatforms(t *testing.T, id string) []platform {
	t.Helper()
	var cfg struct {
		Builds []struct {
			ID     string     `yaml:"id"`
			Goos   []string   `yaml:"goos"`
			Goarch []string   `yaml:"goarch"`
			Ignore []platform `yaml:"ignore"`
		} `yaml:"builds"`
	}
	if err := yaml.Unmarshal(readFile(t, ".goreleaser.yml"), &cfg); err != nil {
		t.Fatal(err)
	}
	var out []platform
	for _, b := range cfg.Builds {
		if b.ID != id {
			continue
		}
		for _, os := range b.Goos {
			for _, arch := range b.Goarch {
				if p := (platform{os, arch}); !slices.Contains(b.Ignore, p) {
					out = append(out, p)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf(".goreleaser.yml has no build %q with platforms", id)
	}
	return out
}

// UnmarshalYAML reads an ignore entry, {goos: …, goarch: …}.
func (p *platform) UnmarshalYAML(n *yaml.Node) error {
	var v struct{ Goos, Goarch string }
	if err := n.Decode(&v); err != nil {
		return err
	}
	*p = platform{v.Goos, v.Goarch}
	return nil
}

// distFile is one file of an archive.
type distFile struct {
	mode fs.FileMode
	data []byte
}

// checkArchive checks an archive holds bin and goreleaser's default files,
// nothing else, and that bin is pkg built for p as .goreleaser.yml and the
// install test build it: static, -trimpath and, for the provider, with the
// version set by -X main.version.
func checkArchive(t *testing.T, name string, files map[string]distFile, bin, pkg string, p platform, version string) {
	t.Helper()
	if got, want := slices.Sorted(maps.Keys(files)), slices.Sorted(slices.Values(append([]string{bin}, distFiles...))); !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", name, got, want)
	}
	f, ok := files[bin]
	if !ok {
		return
	}
	if f.mode&0o111 == 0 {
		t.Errorf("%s: %s is not executable (%v)", name, bin, f.mode)
	}
	info, err := buildinfo.Read(bytes.NewReader(f.data))
	if err != nil {
		t.Errorf("%s: %s: %v", name, bin, err)
		return
	}
	got := map[string]string{"path": info.Path}
	for _, s := range info.Settings {
		got[s.Key] = s.Value
	}
	want := map[string]string{"path": pkg, "GOOS": p.OS, "GOARCH": p.Arch, "CGO_ENABLED": "0", "-trimpath": "true"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s was built with %s %q, want %q", name, bin, k, got[k], w)
		}
	}
	// -trimpath keeps -ldflags out of the build info: look for the value
	// -X wrote instead (a build without it says "dev").
	if version != "" && !bytes.Contains(f.data, []byte(version)) {
		t.Errorf("%s: %s does not hold its version %q: was it built without -X main.version?", name, bin, version)
	}
}

func readZip(t *testing.T, path string) map[string]distFile {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	out := map[string]distFile{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		out[f.Name] = distFile{f.Mode(), b}
	}
	return out
}

func readTarGz(t *testing.T, path string) map[string]distFile {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]distFile{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %s: %v", path, h.Name, err)
		}
		out[h.Name] = distFile{h.FileInfo().Mode(), b}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
