// Command makedist is `make dist`: it builds the release artifacts of
// .goreleaser.yml (zips, SHA256SUMS and the Registry manifest), unsigned,
// into an empty directory, for the host platform or the platforms asked.
//
// Usage (from the repository root):
//
//	go run ./internal/dist/makedist [-version 1.2.3] [-platforms all|os_arch,...] [-out dist]
//
// The version defaults to the newest release heading of CHANGELOG.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"

	"github.com/paytoken/terraform-provider-paytoken/internal/dist"
)

func main() {
	version := flag.String("version", "", "release version, e.g. 1.2.3 (default: the newest release in CHANGELOG.md)")
	platforms := flag.String("platforms", "", `"" for this machine's platform, "all", or a comma-separated list such as linux_amd64,darwin_arm64`)
	out := flag.String("out", "dist", "the directory to write the artifacts to; it must be empty or absent")
	flag.Parse()
	if err := run(*version, *platforms, *out); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(version, platforms, out string) error {
	if version == "" {
		v, err := dist.ChangelogVersion("CHANGELOG.md")
		if err != nil {
			return err
		}
		version = v
	}
	if err := dist.CheckVersion(version); err != nil {
		return err
	}
	cfg, err := dist.LoadConfig(".goreleaser.yml")
	if err != nil {
		return err
	}
	targets, err := cfg.SelectTargets(platforms, dist.Target{OS: runtime.GOOS, Arch: runtime.GOARCH})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := dist.Build(ctx, dist.Options{Root: ".", Out: out, Version: version, Targets: targets, Log: os.Stdout})
	if err != nil {
		return err
	}
	fmt.Printf("%d zip(s), %s and %s in %s (unsigned).\n", len(res.Zips), res.Manifest, res.Sums, out)
	return nil
}
