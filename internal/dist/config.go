// Package dist builds the provider's release artifacts in the form the
// Terraform Registry (and any network or filesystem mirror) installs from,
// exactly as goreleaser builds them from .goreleaser.yml, without signing.
// `make dist` and the install test both use it, so what users install from
// a mirror is what the tests installed.
//
// It reads .goreleaser.yml itself instead of restating it: names, ldflags,
// flags, environment, platforms and archive contents all come from that
// file, rendered with goreleaser's template fields. Keys that would change
// the artifacts and that this package does not implement are refused, so
// the two can never drift apart silently.
package dist

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// Config is the part of .goreleaser.yml that decides the artifacts. Every
// other key that goreleaser accepts is listed as ignored, or refused.
type Config struct {
	Version     int           `yaml:"version"`
	ProjectName string        `yaml:"project_name"`
	Builds      []BuildConfig `yaml:"builds"`
	Archives    []Archive     `yaml:"archives"`
	Checksum    Checksum      `yaml:"checksum"`
	Signs       []yaml.Node   `yaml:"signs"`     // signing: a real release only
	Release     yaml.Node     `yaml:"release"`   // publishing: a real release only
	Changelog   yaml.Node     `yaml:"changelog"` // release notes: no artifact
}

// BuildConfig is one entry of builds.
type BuildConfig struct {
	Env          []string       `yaml:"env"`
	ModTimestamp string         `yaml:"mod_timestamp"`
	Flags        []string       `yaml:"flags"`
	Ldflags      []string       `yaml:"ldflags"`
	Goos         []string       `yaml:"goos"`
	Goarch       []string       `yaml:"goarch"`
	Ignore       []IgnoreTarget `yaml:"ignore"`
	Binary       string         `yaml:"binary"`
	Main         string         `yaml:"main"`
}

// IgnoreTarget is one entry of a build's ignore list.
type IgnoreTarget struct {
	Goos   string `yaml:"goos"`
	Goarch string `yaml:"goarch"`
}

// Archive is one entry of archives.
type Archive struct {
	Formats      []string `yaml:"formats"`
	NameTemplate string   `yaml:"name_template"`
	Files        []string `yaml:"files"`
}

// Checksum is the checksum section.
type Checksum struct {
	NameTemplate string      `yaml:"name_template"`
	Algorithm    string      `yaml:"algorithm"`
	ExtraFiles   []ExtraFile `yaml:"extra_files"`
}

// ExtraFile is a file added to the checksums (and the release) under a
// name of its own: the Registry manifest.
type ExtraFile struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

// goreleaser's defaults for what this package reads (v2: archives hold the
// license, readme and changelog unless files says otherwise).
var defaultArchiveFiles = []string{"license*", "LICENSE*", "readme*", "README*", "changelog*", "CHANGELOG*"}

// LoadConfig reads and checks .goreleaser.yml.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(src)
}

// ParseConfig decodes a .goreleaser.yml and checks that it uses only what
// this package builds the same way goreleaser does.
func ParseConfig(src []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf(".goreleaser.yml: %w (make dist builds only what it can build exactly as goreleaser does: "+
			"teach internal/dist the new key, or build with goreleaser)", err)
	}
	if c.Version != 2 {
		return nil, fmt.Errorf(".goreleaser.yml: version is %d; internal/dist follows goreleaser v2", c.Version)
	}
	if c.ProjectName == "" {
		return nil, fmt.Errorf(".goreleaser.yml: project_name must be set")
	}
	if len(c.Builds) != 1 || len(c.Archives) != 1 {
		return nil, fmt.Errorf(".goreleaser.yml: internal/dist builds exactly one build and one archive, found %d and %d", len(c.Builds), len(c.Archives))
	}
	if f := c.Archives[0].Formats; len(f) != 1 || f[0] != "zip" {
		return nil, fmt.Errorf(".goreleaser.yml: the archive format must be zip, as the Registry requires; found %q", f)
	}
	if c.Checksum.Algorithm != "" && c.Checksum.Algorithm != "sha256" {
		return nil, fmt.Errorf(".goreleaser.yml: the checksum algorithm must be sha256, as the Registry requires; found %q", c.Checksum.Algorithm)
	}
	if c.Builds[0].Binary == "" || c.Archives[0].NameTemplate == "" || c.Checksum.NameTemplate == "" {
		return nil, fmt.Errorf(".goreleaser.yml: builds[0].binary, archives[0].name_template and checksum.name_template must be set")
	}
	return &c, nil
}

// archiveFiles returns the archive's file globs, goreleaser's default when
// the configuration lists none.
func (c *Config) archiveFiles() []string {
	if len(c.Archives[0].Files) > 0 {
		return c.Archives[0].Files
	}
	return defaultArchiveFiles
}

// render applies a goreleaser name template. Only the fields goreleaser
// defines are available; any other is an error, never an empty string.
func render(text string, fields map[string]string) (string, error) {
	t, err := template.New("").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("template %q: %w", text, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, fields); err != nil {
		return "", fmt.Errorf("template %q: %w", text, err)
	}
	return b.String(), nil
}
