#!/usr/bin/env bash
# make fuzz: run every Go fuzz target for FUZZTIME each, one after the
# other. Seed corpora live in each package's testdata/fuzz; new failing
# inputs are written there by Go and fail the run.
#
# FUZZTIME is a number of inputs (500000x by default) rather than a
# duration: with a duration, Go before 1.27 can stop a run with a bare
# "context deadline exceeded" and no failing input on a busy machine
# (golang/go#75804). A duration such as 30s still works.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-500000x}
fail=0
while read -r pkg; do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "==> $pkg $target ($fuzztime)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"; then
      fail=1
    fi
  done
done < <(go list ./internal/...)
exit $fail
