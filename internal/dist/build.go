package dist

import (
	"archive/zip"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options say what Build builds.
type Options struct {
	// Root is the repository: .goreleaser.yml, the main package and the
	// files the archives hold are read from it.
	Root string
	// Out is the directory the artifacts are written to. It must be empty
	// or absent, as goreleaser's dist directory must.
	Out string
	// Version is the release version, without a leading "v".
	Version string
	// Targets are the platforms to build.
	Targets []Target
	// Go is the go command; "" means "go".
	Go string
	// Log receives one line per step; nil discards them.
	Log io.Writer
}

// Result lists what Build wrote.
type Result struct {
	// Zips are the archives' paths, one per target, in target order.
	Zips []string
	// Sums is the checksum file's path.
	Sums string
	// Manifest is the Registry manifest's path.
	Manifest string
}

// Build writes the release artifacts of opts.Targets to opts.Out: a zip per
// target, the Registry manifest, and the SHA256SUMS file that lists them.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if err := CheckVersion(opts.Version); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(filepath.Join(opts.Root, ".goreleaser.yml"))
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(opts.Out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: remove it first, so that its checksum file lists only this build", opts.Out)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, err
	}
	modTime, err := commitTime(ctx, cfg, opts.Root)
	if err != nil {
		return nil, err
	}
	files, err := cfg.globArchiveFiles(opts.Root)
	if err != nil {
		return nil, err
	}
	bins, err := os.MkdirTemp("", "paytoken-dist")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(bins) }()

	res := &Result{}
	for _, t := range opts.Targets {
		names, err := cfg.Names(opts.Version, t)
		if err != nil {
			return nil, err
		}
		bin := filepath.Join(bins, t.String(), names.Binary)
		logf(opts.Log, "building %s", t)
		if err := cfg.goBuild(ctx, opts, t, bin); err != nil {
			return nil, err
		}
		if !modTime.IsZero() {
			if err := os.Chtimes(bin, modTime, modTime); err != nil {
				return nil, err
			}
		}
		zipPath := filepath.Join(opts.Out, names.Zip)
		if err := writeZip(zipPath, append(slices.Clone(files), archived{src: bin, dst: names.Binary})); err != nil {
			return nil, err
		}
		logf(opts.Log, "wrote %s", zipPath)
		res.Zips = append(res.Zips, zipPath)
	}

	summed := slices.Clone(res.Zips)
	for _, extra := range cfg.Checksum.ExtraFiles {
		name, err := render(extra.NameTemplate, cfg.fields(opts.Version, Target{}))
		if err != nil {
			return nil, err
		}
		src, err := globOne(opts.Root, extra.Glob)
		if err != nil {
			return nil, err
		}
		dst := filepath.Join(opts.Out, name)
		if err := copyFile(src, dst); err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, "_manifest.json") {
			res.Manifest = dst
		}
		summed = append(summed, dst)
	}
	sumsName, err := cfg.SumsName(opts.Version)
	if err != nil {
		return nil, err
	}
	res.Sums = filepath.Join(opts.Out, sumsName)
	if err := writeSums(res.Sums, summed); err != nil {
		return nil, err
	}
	logf(opts.Log, "wrote %s", res.Sums)
	return res, nil
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		_, _ = fmt.Fprintf(w, format+"\n", args...)
	}
}

// goBuild runs `go build` for t as goreleaser does.
func (c *Config) goBuild(ctx context.Context, opts Options, t Target, out string) error {
	args, err := c.goBuildArgs(opts.Version, out)
	if err != nil {
		return err
	}
	goCmd := opts.Go
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = opts.Root
	cmd.Env = append(os.Environ(), c.goEnv(t)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s for %s: %w\n%s", strings.Join(args, " "), t, err, msg)
	}
	return nil
}

// commitTime renders the build's mod_timestamp, which goreleaser sets as
// the binary's modification time; zero when the build sets none.
func commitTime(ctx context.Context, c *Config, root string) (time.Time, error) {
	tmpl := c.Builds[0].ModTimestamp
	if tmpl == "" {
		return time.Time{}, nil
	}
	out, err := exec.CommandContext(ctx, "git", "-C", root, "log", "-1", "--format=%ct").Output()
	if err != nil {
		return time.Time{}, fmt.Errorf("mod_timestamp needs the commit time, from git in %s: %w", root, err)
	}
	s, err := render(tmpl, map[string]string{"CommitTimestamp": strings.TrimSpace(string(out))})
	if err != nil {
		return time.Time{}, err
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("mod_timestamp %q is not a Unix time: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// archived is one file of an archive.
type archived struct {
	src, dst string
}

// globArchiveFiles expands the archive's file globs from root, sorted by
// name and without repeats, as goreleaser does.
func (c *Config) globArchiveFiles(root string) ([]archived, error) {
	var out []archived
	for _, g := range c.archiveFiles() {
		matches, err := filepath.Glob(filepath.Join(root, g))
		if err != nil {
			return nil, fmt.Errorf("archive files %q: %w", g, err)
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return nil, err
			}
			out = append(out, archived{src: m, dst: filepath.ToSlash(rel)})
		}
	}
	slices.SortFunc(out, func(a, b archived) int { return strings.Compare(a.dst, b.dst) })
	return slices.CompactFunc(out, func(a, b archived) bool { return a.dst == b.dst }), nil
}

// writeZip writes files to a new zip at path, each with its own mode and
// modification time and deflated at the best compression, as goreleaser's
// zip archiver does: the same inputs give the same bytes.
func writeZip(path string, files []archived) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, a := range files {
		if err := addToZip(z, a); err != nil {
			return fmt.Errorf("%s: adding %s: %w", path, a.dst, err)
		}
	}
	return z.Close()
}

func addToZip(z *zip.Writer, a archived) error {
	info, err := os.Lstat(a.src)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", a.src)
	}
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	h.Name = a.dst
	h.Method = zip.Deflate
	w, err := z.CreateHeader(h)
	if err != nil {
		return err
	}
	src, err := os.Open(a.src)
	if err != nil {
		return err
	}
	defer func() { _ = src.Close() }()
	_, err = io.Copy(w, src)
	return err
}

// writeSums writes "<sha256>  <name>" lines sorted by name, goreleaser's
// checksum file.
func writeSums(path string, files []string) error {
	lines := make([]string, 0, len(files))
	for _, p := range files {
		sum, err := fileSHA256(p)
		if err != nil {
			return err
		}
		lines = append(lines, sum+"  "+filepath.Base(p)+"\n")
	}
	slices.SortFunc(lines, func(a, b string) int {
		_, na, _ := strings.Cut(a, "  ")
		_, nb, _ := strings.Cut(b, "  ")
		return strings.Compare(na, nb)
	})
	return os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// globOne returns the one file glob matches under root. goreleaser renames
// a checksum extra file by its name_template, so its glob must match
// exactly one file.
func globOne(root, glob string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(root, glob))
	if err != nil {
		return "", fmt.Errorf("checksum extra_files glob %q: %w", glob, err)
	}
	if len(matches) != 1 {
		return "", fmt.Errorf("checksum extra_files glob %q matches %d files; with a name_template it must match exactly one", glob, len(matches))
	}
	return matches[0], nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
