#!/usr/bin/env bash
# make bench: the provider's performance figures, as a Markdown report on
# stdout (progress goes to stderr).
#
#   1. The machine: CPU, cores, memory, load, Go and Terraform versions.
#   2. The Go benchmarks of ./internal/... with allocation figures, run
#      BENCH_COUNT times each; the table shows the median.
#   3. The whole-run benchmark (internal/benchrun): `terraform plan` on
#      generated configurations of N ephemeral tokens against in-process
#      gateway emulators, with the provider binary built here, plus a
#      baseline of N configurations of a do-nothing provider.
#
# Settings (environment):
#   BENCH_COUNT        runs of each Go benchmark (default 3)
#   BENCH_REPS         runs of each whole-run case (default 3)
#   BENCH_N            token counts (default 1,10,100)
#   BENCH_LATENCY      injected gateway latencies (default 0,200ms)
#   BENCH_PARALLELISM  Terraform's -parallelism (default 10)
#   BENCH_SCENARIOS    whole-run scenarios (default: all five)
#   BENCH_SKIP_GO=1    skip the Go benchmarks; BENCH_SKIP_RUN=1 skips the whole run
#   BENCH_OUT          also write the report to this file
#   TF_ACC_TERRAFORM_PATH  the Terraform binary (default: terraform on PATH)
#
# Nothing is downloaded but Go modules; the emulators listen on 127.0.0.1
# only; the user's Terraform CLI configuration is never read or touched.
# Ctrl-C stops every process this started and removes its files.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CHECKPOINT_DISABLE=1
go=${GO:-go}
count=${BENCH_COUNT:-3}
reps=${BENCH_REPS:-3}
ns=${BENCH_N:-1,10,100}
latencies=${BENCH_LATENCY:-0,200ms}
parallelism=${BENCH_PARALLELISM:-10}
scenarios=${BENCH_SCENARIOS:-identical,distinct-args,distinct-creds,token-creds,baseline-creds}

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
note() { printf '==> %s\n' "$*" >&2; }

command -v "$go" >/dev/null || die "Go is needed: https://go.dev/dl/"
terraform=${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}
[[ -n $terraform ]] || die "Terraform >= 1.10 is needed on PATH (or set TF_ACC_TERRAFORM_PATH)."

work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
report="$work/report.md"
: >"$report"
emit() { tee -a "$report"; }

# --- The machine -----------------------------------------------------------
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | awk 'NR == 1')
[[ -n $cpu ]] || cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | awk 'NR == 1')
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
tf_version=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$terraform" version 2>/dev/null | awk 'NR == 1')
{
  echo "## Machine"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- CPU: ${cpu:-unknown} ($(nproc) cores online)"
  echo "- Memory: ${mem:-unknown}"
  echo "- OS: $(uname -sr)"
  echo "- Load average at start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "- Go: $("$go" version)"
  echo "- Terraform: $tf_version ($terraform)"
  echo
} | emit

note "building the provider"
mkdir -p "$work/bin"
"$go" build -o "$work/bin/terraform-provider-paytoken" .
"$go" build -o "$work/bin/benchrun" ./internal/benchrun
# The baseline-creds scenario's provider: terraform-plugin-testing's echo
# provider, which does next to nothing.
"$go" build -o "$work/bin/terraform-provider-echo" ./internal/benchrun/echo

# --- Go benchmarks ---------------------------------------------------------
if [[ -z ${BENCH_SKIP_GO:-} ]]; then
  note "Go benchmarks: go test -run '^\$' -bench . -benchmem -count $count ./internal/..."
  "$go" test -run '^$' -bench . -benchmem -count "$count" ./internal/... | tee "$work/gobench.txt" >&2
  cpu_go=$(sed -n 's/^cpu: //p' "$work/gobench.txt" | awk 'NR == 1')
  {
    echo "## Go benchmarks"
    echo
    echo "\`go test -run '^\$' -bench . -benchmem -count $count ./internal/...\`, median of $count (Go reports the CPU as \"${cpu_go:-?}\")."
    echo
    echo "| package | benchmark | time/op | B/op | allocs/op |"
    echo "|---|---|---:|---:|---:|"
    # One record per run (package, benchmark, ns/op, B/op, allocs/op),
    # sorted by time within each benchmark; the middle one is the median.
    awk '
      /^pkg: / { pkg = $2; sub(/^github.com\/paytoken\/terraform-provider-paytoken\//, "", pkg) }
      /^Benchmark/ {
        ns = ""; b = "-"; a = "-"
        for (i = 2; i <= NF; i++) {
          if ($i == "ns/op") ns = $(i-1)
          if ($i == "B/op") b = $(i-1)
          if ($i == "allocs/op") a = $(i-1)
        }
        name = $1; sub(/-[0-9]+$/, "", name)
        if (ns != "") print pkg, name, ns, b, a
      }' "$work/gobench.txt" | sort -k1,1 -k2,2 -k3,3g | awk '
      function flush() {
        if (n == 0) return
        split(rows[int((n + 1) / 2)], f, " ")
        t = f[3] + 0
        if (t >= 1e6) ts = sprintf("%.2f ms", t / 1e6); else if (t >= 1e3) ts = sprintf("%.2f µs", t / 1e3); else ts = sprintf("%.0f ns", t)
        printf "| %s | %s | %s | %s | %s |\n", f[1], f[2], ts, f[4], f[5]
        if (f[2] ~ /^BenchmarkTokenReuseHit\//) { hits++; if (t >= 10000) hitmiss = hitmiss " " f[2] " (" ts ")"; if (t > hitmax) hitmax = t }
        if (f[2] ~ /^BenchmarkTokenOverhead\//) { ovs++; if (t >= 1e6) ovmiss = ovmiss " " f[2] " (" ts ")"; if (t > ovmax) ovmax = t }
        n = 0
      }
      { key = $1 " " $2; if (key != last) { flush(); last = key } rows[++n] = $0 }
      END {
        flush()
        print ""
        if (hits) printf "- A reuse hit (BenchmarkTokenReuseHit) < 10 µs: %s (slowest median %.2f µs).\n", (hitmiss == "" ? "**met**" : "**missed** by" hitmiss), hitmax / 1e3
        if (ovs) printf "- Provider overhead per token, excluding the gateway (BenchmarkTokenOverhead) < 1 ms: %s (slowest median %.2f µs).\n", (ovmiss == "" ? "**met**" : "**missed** by" ovmiss), ovmax / 1e3
      }'
    echo
  } | emit
fi

# --- The whole run through Terraform ---------------------------------------
if [[ -z ${BENCH_SKIP_RUN:-} ]]; then
  note "whole-run benchmark: N=$ns, latency=$latencies, parallelism=$parallelism, $reps run(s) each"
  {
    echo "## Whole run through the Terraform CLI"
    echo
    echo "\`benchrun -provider terraform-provider-paytoken -baseline-provider terraform-provider-echo -n $ns -latency $latencies -parallelism $parallelism -reps $reps -scenarios $scenarios\`"
    echo
  } | emit
  "$work/bin/benchrun" -provider "$work/bin/terraform-provider-paytoken" -baseline-provider "$work/bin/terraform-provider-echo" -terraform "$terraform" \
    -n "$ns" -latency "$latencies" -parallelism "$parallelism" -reps "$reps" -scenarios "$scenarios" | emit
  echo | emit
fi

{
  echo "- Load average at end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "- \`make bench\` took $(( $(date +%s) - started )) s."
} | emit

if [[ -n ${BENCH_OUT:-} ]]; then
  cp "$report" "$BENCH_OUT"
  note "report written to $BENCH_OUT"
fi
