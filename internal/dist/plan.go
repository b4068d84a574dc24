package dist

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/semver"
)

// Target is one platform of the build matrix.
type Target struct {
	OS, Arch string
}

// String returns the target as the Registry names it, e.g. "linux_amd64".
func (t Target) String() string { return t.OS + "_" + t.Arch }

// ParseTarget reads "os_arch".
func ParseTarget(s string) (Target, error) {
	os, arch, ok := strings.Cut(strings.TrimSpace(s), "_")
	if !ok || os == "" || arch == "" {
		return Target{}, fmt.Errorf("platform %q is not of the form os_arch, e.g. linux_amd64", s)
	}
	return Target{OS: os, Arch: arch}, nil
}

// Targets returns the build matrix of .goreleaser.yml: every goos with
// every goarch, less the ignored pairs, in goreleaser's order.
func (c *Config) Targets() []Target {
	b := c.Builds[0]
	var out []Target
	for _, os := range b.Goos {
		for _, arch := range b.Goarch {
			ignored := slices.ContainsFunc(b.Ignore, func(i IgnoreTarget) bool {
				return i.Goos == os && i.Goarch == arch
			})
			if !ignored {
				out = append(out, Target{OS: os, Arch: arch})
			}
		}
	}
	return out
}

// SelectTargets turns the PLATFORMS setting into targets: "" is the host,
// "all" is the whole matrix, otherwise a comma-separated list. Each must be
// in the matrix, so nothing is built that a release would not hold.
func (c *Config) SelectTargets(platforms string, host Target) ([]Target, error) {
	all := c.Targets()
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = t.String()
	}
	var want []Target
	switch strings.TrimSpace(platforms) {
	case "":
		want = []Target{host}
	case "all":
		return all, nil
	default:
		for _, p := range strings.Split(platforms, ",") {
			t, err := ParseTarget(p)
			if err != nil {
				return nil, err
			}
			want = append(want, t)
		}
	}
	for _, t := range want {
		if !slices.Contains(all, t) {
			return nil, fmt.Errorf("platform %s is not built by .goreleaser.yml; it builds %s", t, strings.Join(names, ", "))
		}
	}
	return want, nil
}

// Names are the file names of one target's artifacts.
type Names struct {
	// Binary is the provider binary inside the zip.
	Binary string
	// Zip is the archive.
	Zip string
}

// fields are goreleaser's template fields for a version and target.
func (c *Config) fields(version string, t Target) map[string]string {
	return map[string]string{
		"ProjectName": c.ProjectName,
		"Version":     version,
		"Tag":         "v" + version,
		"Os":          t.OS,
		"Arch":        t.Arch,
	}
}

// Names returns the artifact names of version for t.
func (c *Config) Names(version string, t Target) (Names, error) {
	f := c.fields(version, t)
	bin, err := render(c.Builds[0].Binary, f)
	if err != nil {
		return Names{}, err
	}
	if t.OS == "windows" {
		bin += ".exe" // goreleaser adds it, as Windows needs it
	}
	zip, err := render(c.Archives[0].NameTemplate, f)
	if err != nil {
		return Names{}, err
	}
	return Names{Binary: bin, Zip: zip + ".zip"}, nil
}

// SumsName returns the name of the checksum file of version.
func (c *Config) SumsName(version string) (string, error) {
	return render(c.Checksum.NameTemplate, c.fields(version, Target{}))
}

// Ldflags returns the -ldflags value of version, as goreleaser joins it.
func (c *Config) Ldflags(version string) (string, error) {
	parts := make([]string, 0, len(c.Builds[0].Ldflags))
	for _, l := range c.Builds[0].Ldflags {
		s, err := render(l, c.fields(version, Target{}))
		if err != nil {
			return "", err
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " "), nil
}

// goEnv returns the environment goreleaser gives `go build` for t: the
// build's env, then the target's variables with goreleaser's defaults
// (GOAMD64 v1, GO386 sse2, GOARM 6, GOARM64 v8.0), empty where they do
// not apply.
func (c *Config) goEnv(t Target) []string {
	v := map[string]string{"amd64": "", "386": "", "arm": "", "arm64": ""}
	v[t.Arch] = map[string]string{"amd64": "v1", "386": "sse2", "arm": "6", "arm64": "v8.0"}[t.Arch]
	env := append([]string(nil), c.Builds[0].Env...)
	return append(env,
		"GOOS="+t.OS, "GOARCH="+t.Arch,
		"GOAMD64="+v["amd64"], "GO386="+v["386"], "GOARM="+v["arm"], "GOARM64="+v["arm64"],
		"GOMIPS=", "GOMIPS64=", "GOPPC64=", "GORISCV64=")
}

// goBuildArgs returns goreleaser's `go build` arguments for version,
// writing the binary to out.
func (c *Config) goBuildArgs(version, out string) ([]string, error) {
	ld, err := c.Ldflags(version)
	if err != nil {
		return nil, err
	}
	args := append([]string{"build"}, c.Builds[0].Flags...)
	if ld != "" {
		args = append(args, "-ldflags="+ld)
	}
	main := c.Builds[0].Main
	if main == "" {
		main = "."
	}
	return append(args, "-o", out, main), nil
}

// CheckVersion accepts a semantic version without a leading "v" or build
// metadata, which Terraform's version constraints cannot select.
func CheckVersion(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("VERSION is empty: give a semantic version such as 1.2.3")
	case strings.HasPrefix(v, "v"):
		return fmt.Errorf("VERSION %q: give it without the leading v, as %s", v, strings.TrimPrefix(v, "v"))
	case !semver.IsValid("v"+v) || semver.Canonical("v"+v) != "v"+v:
		if semver.Build("v"+v) != "" {
			return fmt.Errorf("VERSION %q: build metadata (+...) is not allowed, since Terraform's version constraints ignore it", v)
		}
		return fmt.Errorf("VERSION %q is not a semantic version: give MAJOR.MINOR.PATCH, optionally with -prerelease, such as 1.2.3 or 1.2.3-rc.1", v)
	}
	return nil
}

var releaseHeading = regexp.MustCompile(`(?m)^## \[([^\]]+)\]`)

// ChangelogVersion returns the newest release heading of a Keep a
// Changelog file, skipping [Unreleased].
func ChangelogVersion(path string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, m := range releaseHeading.FindAllStringSubmatch(string(src), -1) {
		if !strings.EqualFold(m[1], "unreleased") {
			return m[1], CheckVersion(m[1])
		}
	}
	return "", fmt.Errorf("%s has no release heading such as \"## [1.2.3] - 2026-01-31\": set VERSION", path)
}
