#!/usr/bin/env bash
# make fuzz: run every Go fuzz target for FUZZTIME each (default 30s),
# one after the other. Seed corpora live in each package's testdata/fuzz;
# new failing inputs are written there by Go and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-30s}
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
