//go:build linux

// Command benchrun is the whole-run benchmark of `make bench`: it drives the
// real Terraform CLI against in-process gateway emulators and measures what
// users see of the provider in a plan.
//
// For each scenario, each number of tokens N and each injected gateway
// latency it generates a configuration of N ephemeral paytoken_token blocks
// in a temporary directory and runs `terraform plan -input=false
// -lock=false -parallelism=P` there, with a temporary CLI configuration
// whose dev_overrides point at the provider binary given with -provider (it
// builds nothing itself; the user's own CLI configuration is never read).
// Each run is measured for its wall time, the gateway calls the emulators
// counted, and the peak RSS (VmHWM) of every terraform-provider-paytoken
// process Terraform started, sampled from /proc while the plan runs. The
// results are compared with their ideals: one gateway call per distinct
// token, and an extra wall time from latency of latency × ceil(distinct /
// parallelism).
//
// The scenarios are:
//
//   - identical: N identical Sipay tokens in one provider configuration
//     (1 distinct key, 1 provider process);
//   - distinct-args: N iyzico tokens with distinct conversation_id in one
//     provider configuration (N distinct keys in 1 provider process);
//   - distinct-creds: N Sipay merchants through N provider aliases, one
//     token each (N distinct credentials, N provider processes);
//   - token-creds: N Sipay merchants in one provider configuration, each
//     token carrying its merchant's credentials through for_each (N
//     distinct credentials in 1 provider process);
//   - baseline-creds (run only when named, with -baseline-provider): the
//     shape of distinct-creds with terraform-plugin-testing's echo
//     provider (internal/benchrun/echo), which does next to nothing, to
//     show what N provider configurations cost Terraform by themselves.
//
// Usage:
//
//	go build -o /tmp/tp/terraform-provider-paytoken .
//	go run ./internal/benchrun -provider /tmp/tp/terraform-provider-paytoken
//
// It needs Linux (/proc) and Terraform >= 1.10, and listens only on
// 127.0.0.1. Ctrl-C stops the running plan, its provider processes and the
// emulators, and removes the temporary files.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(os.Stderr, "benchrun: interrupted")
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	provider    string
	baseline    string
	terraform   string
	ns          []int
	latencies   []time.Duration
	parallelism int
	reps        int
	maxReps     int
	caseTime    time.Duration
	scenarios   []string
	format      string
	timeout     time.Duration
	poll        time.Duration
	keep        bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var ns, latencies, scenarios string
	fs.StringVar(&o.provider, "provider", "", "path of the provider `binary` to benchmark (required; build it with `go build -o DIR/terraform-provider-paytoken .`)")
	fs.StringVar(&o.baseline, "baseline-provider", "", "path of the echo provider `binary` for the baseline-creds scenario (build it with `go build -o DIR/terraform-provider-echo ./internal/benchrun/echo`)")
	fs.StringVar(&o.terraform, "terraform", "", "Terraform `binary` (default: $TF_ACC_TERRAFORM_PATH, else terraform on PATH)")
	fs.StringVar(&ns, "n", "1,10,100", "comma-separated `list` of token counts per configuration")
	fs.StringVar(&latencies, "latency", "0,200ms", "comma-separated `list` of gateway latencies injected into the emulators")
	fs.IntVar(&o.parallelism, "parallelism", 10, "Terraform's -parallelism for every plan")
	fs.IntVar(&o.reps, "reps", 3, "runs of each case at least; the table shows the median")
	fs.IntVar(&o.maxReps, "max-reps", 7, "runs of each case at most: more runs are made while the case has taken less than -case-time")
	fs.DurationVar(&o.caseTime, "case-time", 20*time.Second, "time after which a case gets no more than -reps runs")
	fs.StringVar(&scenarios, "scenarios", strings.Join(defaultScenarios(), ","), "comma-separated `list` of scenarios to run, from "+strings.Join(scenarioNames(), ", "))
	fs.StringVar(&o.format, "format", "markdown", "output `format`: markdown or json")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "limit for one terraform plan")
	fs.DurationVar(&o.poll, "poll", 20*time.Millisecond, "how often provider processes' VmHWM is sampled")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configurations, CLI configuration, last outputs)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.ns, err = parseList(ns, strconv.Atoi); err != nil {
		return o, fmt.Errorf("-n: %w", err)
	}
	if o.latencies, err = parseList(latencies, time.ParseDuration); err != nil {
		return o, fmt.Errorf("-latency: %w", err)
	}
	for _, n := range o.ns {
		if n < 1 || n > 1000 {
			return o, fmt.Errorf("-n: %d is outside 1..1000", n)
		}
	}
	for _, l := range o.latencies {
		if l < 0 || l > time.Minute {
			return o, fmt.Errorf("-latency: %s is outside 0..1m", l)
		}
	}
	switch {
	case o.provider == "":
		return o, errors.New("-provider is required: the path of a built terraform-provider-paytoken binary")
	case o.parallelism < 1:
		return o, errors.New("-parallelism must be at least 1")
	case o.reps < 1 || o.reps > 100:
		return o, errors.New("-reps must be from 1 to 100")
	case o.maxReps > 100:
		return o, errors.New("-max-reps must be at most 100")
	case o.maxReps < o.reps:
		o.maxReps = o.reps
	case o.format != "markdown" && o.format != "json":
		return o, fmt.Errorf("-format %q: use markdown or json", o.format)
	case o.timeout <= 0 || o.poll <= 0:
		return o, errors.New("-timeout and -poll must be positive")
	}
	for _, s := range strings.Split(scenarios, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if findScenario(s) == nil {
			return o, fmt.Errorf("-scenarios: unknown scenario %q; known: %s", s, strings.Join(scenarioNames(), ", "))
		}
		if findScenario(s).providerName() == "echo" && o.baseline == "" {
			return o, fmt.Errorf("-scenarios: %s needs -baseline-provider", s)
		}
		o.scenarios = append(o.scenarios, s)
	}
	if len(o.scenarios) == 0 {
		return o, errors.New("-scenarios: no scenario given")
	}
	return o, nil
}

// executable returns the absolute path of the file behind path, which must
// be an executable file: what /proc/<pid>/exe shows for its processes.
func executable(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	exe, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("the provider binary: %w", err)
	}
	if st, err := os.Stat(exe); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("the provider binary %s is not an executable file", exe)
	}
	return exe, nil
}

func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.terraform == "" {
		o.terraform = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	if o.terraform == "" {
		if o.terraform, err = exec.LookPath("terraform"); err != nil {
			return errors.New("terraform is not on PATH: install Terraform >= 1.10 or pass -terraform")
		}
	}
	exes := map[string]string{}
	for name, path := range map[string]string{"paytoken": o.provider, "echo": o.baseline} {
		if path == "" {
			continue
		}
		if exes[name], err = executable(path); err != nil {
			return err
		}
	}

	work, err := os.MkdirTemp("", "paytoken-benchrun-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			fmt.Fprintln(stderr, "benchrun: kept", work)
			return
		}
		_ = os.RemoveAll(work)
	}()

	tf, err := newTerraform(o.terraform, exes, work, o)
	if err != nil {
		return err
	}
	maxN := 0
	for _, n := range o.ns {
		maxN = max(maxN, n)
	}
	emu, err := startEmulators(maxN)
	if err != nil {
		return err
	}
	defer emu.close()

	fmt.Fprintf(stderr, "benchrun: %s, provider %s, parallelism %d, %d to %d run(s) per case\n",
		tf.version, exes["paytoken"], o.parallelism, o.reps, o.maxReps)

	// One unmeasured run first, so the first measured one does not pay for
	// cold file caches.
	if _, err := tf.plan(ctx, emu, scenarios[0], o.ns[0], 0); err != nil {
		return fmt.Errorf("warm-up run: %w", err)
	}

	var results []*result
	for _, name := range o.scenarios {
		sc := findScenario(name)
		for _, n := range o.ns {
			latencies := o.latencies
			if sc.latencyFree {
				latencies = []time.Duration{0}
			}
			byLatency := map[time.Duration]*result{}
			for _, l := range latencies {
				r := newResult(sc, n, l, o.parallelism)
				byLatency[l] = r
				results = append(results, r)
			}
			// The latencies are interleaved within each repetition, so a
			// change in the machine's load hits them alike. Cheap cases get
			// more repetitions, up to -max-reps, for steadier medians.
			start := time.Now()
			for rep := 0; rep < o.reps || (rep < o.maxReps && time.Since(start) < o.caseTime); rep++ {
				for _, l := range latencies {
					s, err := tf.plan(ctx, emu, sc, n, l)
					if err != nil {
						return fmt.Errorf("%s, N=%d, latency %s: %w", sc.name, n, l, err)
					}
					byLatency[l].samples = append(byLatency[l].samples, s)
					fmt.Fprintf(stderr, "benchrun: %-14s N=%-4d latency=%-6s run %d: %s\n", sc.name, n, l, rep+1, s)
				}
			}
			if base, ok := byLatency[0]; ok {
				for _, r := range byLatency {
					r.base = base
				}
			}
		}
	}
	return report(stdout, o, tf.version, results)
}
