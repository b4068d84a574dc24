#!/usr/bin/env bash
# make dist: goreleaser's release of VERSION from .goreleaser.yml into dist/,
# unpublished and unsigned, with the goreleaser of tools/goreleaser/go.mod.
# VERSION defaults to the newest release heading of CHANGELOG.md.
# PLATFORMS=os_arch (e.g. linux_amd64) builds that one platform of the
# release alone, quickly: goreleaser reads .goreleaser.yml with its goos and
# goarch lines narrowed to it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${VERSION:-$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' CHANGELOG.md | head -n 1)}
case $version in
  "" | v*) echo "Give VERSION as x.y.z (no leading v), e.g. make dist VERSION=0.1.0" >&2; exit 2 ;;
esac
export GORELEASER_CURRENT_TAG=v$version
# goreleaser reads the remote's URL; a clone without a remote gets the project's.
if [ -z "$(git remote)" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/paytoken/terraform-provider-paytoken.git
fi
goreleaser=("${GO:-go}" tool -modfile=tools/goreleaser/go.mod goreleaser release --clean --skip=publish,sign,validate)
platform=${PLATFORMS:-}
if [ -z "$platform" ]; then
  "${goreleaser[@]}"
else
  os=${platform%%_*} arch=${platform#*_}
  if ! grep -Eq "^    goos: &goos \[(.*, )?$os(, .*)?\]\$" .goreleaser.yml ||
    ! grep -Eq "^    goarch: &goarch \[(.*, )?\"?$arch\"?(, .*)?\]\$" .goreleaser.yml; then
    echo "PLATFORMS=$platform: give one os_arch of the goos and goarch lines of .goreleaser.yml, e.g. linux_amd64" >&2
    exit 2
  fi
  sed -e "s/^\(    goos: &goos\) \[.*\]\$/\1 [$os]/" \
    -e "s/^\(    goarch: &goarch\) \[.*\]\$/\1 [\"$arch\"]/" .goreleaser.yml |
    "${goreleaser[@]}" -f -
  if [ ! -f "dist/terraform-provider-paytoken_${version}_${platform}.zip" ]; then
    echo "PLATFORMS=$platform: not a platform of the release (see ignore in .goreleaser.yml)" >&2
    exit 2
  fi
fi
# SHA256SUMS lists the manifest, which a release uploads under this name
# (release.extra_files) but goreleaser leaves out of dist/.
cp terraform-registry-manifest.json "dist/terraform-provider-paytoken_${version}_manifest.json"
