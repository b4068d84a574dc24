package dist

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const root = "../.."

func repoConfig(t *testing.T) *Config {
	t.Helper()
	c, err := LoadConfig(filepath.Join(root, ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTargetsAreTheRegistryMatrix checks the platforms goreleaser builds
// from .goreleaser.yml (goos × goarch less ignore): the scaffolding's
// matrix, which covers every platform Terraform itself is released for.
func TestTargetsAreTheRegistryMatrix(t *testing.T) {
	var got []string
	for _, tg := range repoConfig(t).Targets() {
		got = append(got, tg.String())
	}
	want := []string{
		"darwin_amd64", "darwin_arm64",
		"freebsd_amd64", "freebsd_386", "freebsd_arm", "freebsd_arm64",
		"linux_amd64", "linux_386", "linux_arm", "linux_arm64",
		"windows_amd64", "windows_386", "windows_arm64",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets:\n got %v\nwant %v", got, want)
	}
}

// TestNamesAsGoreleaserRendersThem checks every name goreleaser derives
// from .goreleaser.yml for a version, in the Registry's required shape.
func TestNamesAsGoreleaserRendersThem(t *testing.T) {
	c := repoConfig(t)
	for _, tc := range []struct {
		target   Target
		zip, bin string
	}{
		{Target{"linux", "amd64"}, "terraform-provider-paytoken_1.2.3-rc.1_linux_amd64.zip", "terraform-provider-paytoken_v1.2.3-rc.1"},
		{Target{"darwin", "arm64"}, "terraform-provider-paytoken_1.2.3-rc.1_darwin_arm64.zip", "terraform-provider-paytoken_v1.2.3-rc.1"},
		{Target{"windows", "386"}, "terraform-provider-paytoken_1.2.3-rc.1_windows_386.zip", "terraform-provider-paytoken_v1.2.3-rc.1.exe"},
		{Target{"freebsd", "arm"}, "terraform-provider-paytoken_1.2.3-rc.1_freebsd_arm.zip", "terraform-provider-paytoken_v1.2.3-rc.1"},
	} {
		n, err := c.Names("1.2.3-rc.1", tc.target)
		if err != nil {
			t.Fatal(err)
		}
		if n.Zip != tc.zip || n.Binary != tc.bin {
			t.Errorf("%s: got %+v, want zip %q holding %q", tc.target, n, tc.zip, tc.bin)
		}
	}
	if s, err := c.SumsName("1.2.3"); err != nil || s != "terraform-provider-paytoken_1.2.3_SHA256SUMS" {
		t.Errorf("SumsName = %q, %v", s, err)
	}
}

// TestGoBuildAsGoreleaserRunsIt checks the `go build` command line and
// environment against goreleaser v2's (internal/builders/golang): flags,
// then one -ldflags= joining every ldflags entry, then -o and the main
// package; build env, then the target's GO* variables with its defaults.
func TestGoBuildAsGoreleaserRunsIt(t *testing.T) {
	c := repoConfig(t)
	args, err := c.goBuildArgs("1.2.3", "/out/bin")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"build", "-trimpath", "-ldflags=-s -w -X main.version=1.2.3", "-o", "/out/bin", "."}
	if !slices.Equal(args, want) {
		t.Errorf("go build args:\n got %q\nwant %q", args, want)
	}
	for target, wantEnv := range map[Target][]string{
		{"linux", "amd64"}:  {"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOAMD64=v1", "GO386=", "GOARM=", "GOARM64="},
		{"linux", "arm"}:    {"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm", "GOAMD64=", "GOARM=6"},
		{"darwin", "arm64"}: {"CGO_ENABLED=0", "GOOS=darwin", "GOARCH=arm64", "GOARM64=v8.0", "GOARM="},
		{"windows", "386"}:  {"CGO_ENABLED=0", "GOOS=windows", "GOARCH=386", "GO386=sse2"},
	} {
		env := c.goEnv(target)
		for _, kv := range wantEnv {
			if !slices.Contains(env, kv) {
				t.Errorf("%s: env %q lacks %q", target, env, kv)
			}
		}
	}
}

// TestParseConfigRefusesWhatItCannotMirror keeps make dist from drifting
// from goreleaser: a key that would change the artifacts and that this
// package does not implement is an error, not silently ignored.
func TestParseConfigRefusesWhatItCannotMirror(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConfig(src); err != nil {
		t.Fatalf("the repository's .goreleaser.yml: %v", err)
	}
	for name, edit := range map[string][2]string{
		"build tags":     {"    flags:\n", "    tags: [netgo]\n    flags:\n"},
		"wrapped zip":    {"  - formats:\n", "  - wrap_in_directory: true\n    formats:\n"},
		"tar.gz":         {"      - zip\n", "      - tar.gz\n"},
		"sha512":         {"algorithm: sha256", "algorithm: sha512"},
		"second archive": {"archives:\n", "archives:\n  - formats: [zip]\n    name_template: x\n"},
	} {
		changed := strings.Replace(string(src), edit[0], edit[1], 1)
		if changed == string(src) {
			t.Fatalf("%s: the edit found nothing to change in .goreleaser.yml", name)
		}
		if _, err := ParseConfig([]byte(changed)); err == nil {
			t.Errorf("%s: accepted a .goreleaser.yml that make dist cannot build as goreleaser would", name)
		}
	}
}

func TestGlobOne(t *testing.T) {
	if got, err := globOne(root, "terraform-registry-*.json"); err != nil || filepath.Base(got) != "terraform-registry-manifest.json" {
		t.Errorf("globOne = %q, %v; want the manifest", got, err)
	}
	for _, bad := range []string{"no-such-file.json", "*.md"} {
		if got, err := globOne(root, bad); err == nil {
			t.Errorf("globOne(%q) = %q; want an error, since it must match exactly one file", bad, got)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	for _, ok := range []string{"0.1.0", "1.2.3", "10.20.30", "1.0.0-rc.1", "1.0.0-alpha"} {
		if err := CheckVersion(ok); err != nil {
			t.Errorf("CheckVersion(%q) = %v", ok, err)
		}
	}
	for bad, says := range map[string]string{
		"":           "empty",
		"v1.2.3":     "without the leading v",
		"1.2":        "MAJOR.MINOR.PATCH",
		"1.2.3.4":    "MAJOR.MINOR.PATCH",
		"01.2.3":     "MAJOR.MINOR.PATCH",
		"1.2.3+meta": "build metadata",
		"latest":     "MAJOR.MINOR.PATCH",
	} {
		err := CheckVersion(bad)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("CheckVersion(%q) = %v, want an error saying %q", bad, err, says)
		}
	}
}

func TestChangelogVersion(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "CHANGELOG.md")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v, err := ChangelogVersion(write("# Changelog\n\n## [Unreleased]\n\n## [1.4.0] - 2026-05-01\n\n## [1.3.9] - 2026-04-01\n"))
	if err != nil || v != "1.4.0" {
		t.Errorf("got %q, %v; want 1.4.0", v, err)
	}
	if _, err := ChangelogVersion(write("# Changelog\n\n## [Unreleased]\n")); err == nil || !strings.Contains(err.Error(), "set VERSION") {
		t.Errorf("no release heading: got %v", err)
	}
	if _, err := ChangelogVersion(write("## [1.4] - 2026-05-01\n")); err == nil {
		t.Error("accepted a heading that is not a semantic version")
	}
	if v, err := ChangelogVersion(filepath.Join(root, "CHANGELOG.md")); err != nil {
		t.Errorf("the repository's CHANGELOG.md: %v", err)
	} else {
		t.Logf("CHANGELOG.md's newest release: %s", v)
	}
}

func TestSelectTargets(t *testing.T) {
	c := repoConfig(t)
	host := Target{"linux", "arm64"}
	if got, err := c.SelectTargets("", host); err != nil || !slices.Equal(got, []Target{host}) {
		t.Errorf(`"" = %v, %v; want the host`, got, err)
	}
	if got, err := c.SelectTargets("all", host); err != nil || len(got) != len(c.Targets()) {
		t.Errorf(`"all" = %v, %v`, got, err)
	}
	if got, err := c.SelectTargets("darwin_arm64, windows_amd64", host); err != nil || !slices.Equal(got, []Target{{"darwin", "arm64"}, {"windows", "amd64"}}) {
		t.Errorf("list = %v, %v", got, err)
	}
	for _, bad := range []string{"darwin_386", "plan9_amd64", "linux"} {
		if _, err := c.SelectTargets(bad, host); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// TestBuildHost builds this machine's artifacts and checks each: the zip's
// contents, the binary's build settings (-trimpath, CGO off, stripped as
// -s -w asks, the commit's time), the checksums and the manifest.
func TestBuildHost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider binary")
	}
	c := repoConfig(t)
	host := Target{runtime.GOOS, runtime.GOARCH}
	if _, err := c.SelectTargets("", host); err != nil {
		t.Skipf("this machine's platform is not in the release matrix: %v", err)
	}
	out := filepath.Join(t.TempDir(), "dist")
	res, err := Build(context.Background(), Options{Root: root, Out: out, Version: "0.0.1-test", Targets: []Target{host}})
	if err != nil {
		t.Fatal(err)
	}
	names, _ := c.Names("0.0.1-test", host)
	if len(res.Zips) != 1 || filepath.Base(res.Zips[0]) != names.Zip {
		t.Fatalf("zips = %v, want one %s", res.Zips, names.Zip)
	}

	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range entries {
		listed = append(listed, e.Name())
	}
	wantListed := []string{"terraform-provider-paytoken_0.0.1-test_SHA256SUMS", names.Zip, "terraform-provider-paytoken_0.0.1-test_manifest.json"}
	slices.Sort(wantListed)
	if !slices.Equal(listed, wantListed) {
		t.Errorf("dist holds %v, want %v", listed, wantListed)
	}

	bin := checkZip(t, res.Zips[0], names.Binary)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"-trimpath": "true", "CGO_ENABLED": "0", "GOOS": host.OS, "GOARCH": host.Arch} {
		if settings[k] != v {
			t.Errorf("binary built with %s=%q, want %q", k, settings[k], v)
		}
	}
	if info.Main.Path != "github.com/paytoken/terraform-provider-paytoken" {
		t.Errorf("binary's main module is %q", info.Main.Path)
	}
	if host.OS == "linux" {
		checkStripped(t, bin)
	}
	st, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := exec.Command("git", "-C", root, "log", "-1", "--format=%ct").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := strconv.ParseInt(strings.TrimSpace(string(ct)), 10, 64); !st.ModTime().Equal(time.Unix(want, 0)) {
		t.Errorf("binary's modification time %v, want the commit's %v (mod_timestamp)", st.ModTime(), time.Unix(want, 0))
	}

	manifest, _ := os.ReadFile(res.Manifest)
	registry, _ := os.ReadFile(filepath.Join(root, "terraform-registry-manifest.json"))
	if len(manifest) == 0 || string(manifest) != string(registry) {
		t.Errorf("manifest %q differs from terraform-registry-manifest.json %q", manifest, registry)
	}
	checkSums(t, res.Sums, res.Zips[0], res.Manifest)
}

// checkZip checks a zip holds the license, readme and changelog, then the
// binary, and returns the binary extracted.
func checkZip(t *testing.T, path, binary string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = z.Close() }()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	if want := []string{"CHANGELOG.md", "LICENSE", "README.md", binary}; !slices.Equal(names, want) {
		t.Fatalf("zip holds %q, want %q", names, want)
	}
	for _, e := range z.File {
		checkBestCompression(t, e)
	}
	f := z.File[3]
	if f.Method != zip.Deflate || f.Mode()&0o111 == 0 {
		t.Errorf("binary stored with method %d and mode %v, want deflated and executable", f.Method, f.Mode())
	}
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	dst := filepath.Join(t.TempDir(), binary)
	w, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(dst, f.Modified, f.Modified); err != nil {
		t.Fatal(err)
	}
	return dst
}

// checkBestCompression checks an entry is deflated at the best
// compression, as goreleaser's zips are: what makes the zips, and so
// SHA256SUMS, the same bytes as a release's.
func checkBestCompression(t *testing.T, e *zip.File) {
	t.Helper()
	r, err := e.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if e.Method != zip.Deflate || e.CompressedSize64 != uint64(buf.Len()) {
		t.Errorf("%s: method %d, %d bytes compressed; want deflate at the best compression, %d bytes", e.Name, e.Method, e.CompressedSize64, buf.Len())
	}
}

// checkStripped checks -s -w took effect: no symbol table, no DWARF.
func checkStripped(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Symbols(); err == nil {
		t.Error("binary has a symbol table; -ldflags -s was not applied")
	}
	if f.Section(".debug_info") != nil {
		t.Error("binary has DWARF; -ldflags -w was not applied")
	}
}

// checkSums checks the checksum file lists exactly files, by name order,
// with their SHA-256.
func checkSums(t *testing.T, sums string, files ...string) {
	t.Helper()
	f, err := os.Open(sums)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("%s: line %q is not \"<sha256>  <name>\"", sums, sc.Text())
		}
		names = append(names, name)
		want, err := fileSHA256(filepath.Join(filepath.Dir(sums), name))
		if err != nil || sum != want {
			t.Errorf("%s: %s listed with %s, is %s (%v)", sums, name, sum, want, err)
		}
	}
	var want []string
	for _, p := range files {
		want = append(want, filepath.Base(p))
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("%s lists %v, want %v in name order", sums, names, want)
	}
}
