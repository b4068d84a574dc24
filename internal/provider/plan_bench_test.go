//go:build unix

package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/iyzicosim"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// The plan benchmarks run `terraform plan` through the CLI under test, one
// plan per iteration, on configurations of N ephemeral tokens against the
// gateway emulators on loopback. The provider is built once and installed
// from a filesystem mirror by `terraform init`, so every plan starts real
// provider processes as a user's does. Each plan reports, beside its wall
// time (sec/op):
//
//   - calls/op: gateway calls the emulators counted, which must be one per
//     distinct (gateway, credentials, arguments);
//   - max-calls-at-once: the most gateway calls in flight at once;
//   - provider-procs/op: the provider processes Terraform started;
//   - provider-rss-MiB: the peak RSS of the largest of them;
//   - provider-cpu-ms/op and terraform-cpu-ms/op: user and system CPU time
//     of the provider processes and of Terraform itself;
//   - extra-ms/op and extra/ideal, with latency: the wall time the
//     emulators' latency added to the median plan at latency 0, and its
//     ratio to the ideal, latency × ceil(distinct / parallelism).
//
// The provider's figures come from wait4 in internal/pluginusage, which
// Terraform starts in the provider's place and which starts the provider.

// planBenchSwitch turns the plan benchmarks on: they run the CLI hundreds
// of times and take minutes.
const planBenchSwitch = "PAYTOKEN_BENCH_CLI"

const (
	// planParallelism is Terraform's -parallelism, its default.
	planParallelism = 10
	// planTimeout bounds one plan, so a stuck plan fails the benchmark.
	planTimeout = 5 * time.Minute
	// planMerchants is how many Sipay merchants the emulator knows: the
	// most tokens of any case.
	planMerchants = 1000
)

// BenchmarkPlan plans 1, 10 and 100 ephemeral tokens in three shapes,
// with and without 200 ms of gateway latency: identical Sipay tokens in one
// provider configuration, iyzico tokens with distinct conversation_id in
// one provider configuration, and Sipay merchants through one provider
// alias each.
func BenchmarkPlan(b *testing.B) {
	pb := setUpPlanBench(b)
	for _, shape := range []*planShape{&identicalShape, &distinctArgsShape, &distinctCredsShape} {
		for _, n := range []int{1, 10, 100} {
			latencies := []time.Duration{0, 200 * time.Millisecond}
			if shape == &distinctCredsShape && n == 100 {
				// 201 provider processes take 10 s and more; latency
				// hides behind their start-up, as 10 aliases show.
				latencies = latencies[:1]
			}
			benchPlanLatencies(b, pb, shape, n, latencies...)
		}
	}
}

// BenchmarkPlanMerchants plans 100 and 1,000 merchants' Sipay tokens in
// one provider configuration, each token carrying its merchant's
// credentials through for_each, with and without 200 ms of gateway
// latency.
func BenchmarkPlanMerchants(b *testing.B) {
	pb := setUpPlanBench(b)
	for _, n := range []int{100, 1000} {
		benchPlanLatencies(b, pb, &tokenCredsShape, n, 0, 200*time.Millisecond)
	}
}

// benchPlanLatencies runs one sub-benchmark per latency, latency 0 first.
// Each later one reports the wall time its latency added to the median
// plan at latency 0, whose runs (-count) came just before its own.
func benchPlanLatencies(b *testing.B, pb *planBench, shape *planShape, n int, latencies ...time.Duration) {
	var base []time.Duration
	for _, latency := range latencies {
		b.Run(fmt.Sprintf("shape=%s/tokens=%d/latency=%s", shape.name, n, latency), func(b *testing.B) {
			wall := benchPlan(b, pb, pb.workDir(b, shape, n), shape.distinct(n), latency)
			if latency == 0 {
				base = append(base, wall)
				return
			}
			if len(base) > 0 {
				extra := wall - median(base)
				waves := (shape.distinct(n) + planParallelism - 1) / planParallelism
				b.ReportMetric(ms(extra), "extra-ms/op")
				b.ReportMetric(float64(extra)/float64(latency*time.Duration(waves)), "extra/ideal")
			}
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// benchPlan plans dir once per iteration while the emulators answer after
// latency, reports the plans' metrics and returns their mean wall time.
func benchPlan(b *testing.B, pb *planBench, dir string, distinct int, latency time.Duration) time.Duration {
	pb.setLatency(latency)
	var sum planRun
	plans := 0
	for b.Loop() {
		r := pb.plan(b, dir)
		if r.calls != int64(distinct) {
			b.Errorf("the plan made %d gateway calls, want %d: one per distinct (gateway, credentials, arguments)", r.calls, distinct)
		}
		plans++
		sum.wall += r.wall
		sum.calls += r.calls
		sum.atOnce = max(sum.atOnce, r.atOnce)
		sum.procs += r.procs
		sum.providerCPU += r.providerCPU
		sum.terraformCPU += r.terraformCPU
		sum.providerRSS = max(sum.providerRSS, r.providerRSS)
	}
	n := float64(plans)
	b.ReportMetric(float64(sum.calls)/n, "calls/op")
	b.ReportMetric(float64(sum.atOnce), "max-calls-at-once")
	b.ReportMetric(float64(sum.procs)/n, "provider-procs/op")
	b.ReportMetric(float64(sum.providerRSS)/(1<<20), "provider-rss-MiB")
	b.ReportMetric(ms(sum.providerCPU)/n, "provider-cpu-ms/op")
	b.ReportMetric(ms(sum.terraformCPU)/n, "terraform-cpu-ms/op")
	return sum.wall / time.Duration(plans)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// planShape is one shape of configuration, written for any number of
// tokens.
type planShape struct {
	name string
	// distinct is the number of distinct (gateway, credentials, arguments)
	// among n tokens: the ideal number of gateway calls.
	distinct func(n int) int
	write    func(w io.Writer, n int, pb *planBench)
}

func oneKey(int) int  { return 1 }
func nKeys(n int) int { return n }

// sipayBlock is a provider's sipay block for merchant m.
func sipayBlock(pb *planBench, m sipaysim.Merchant) string {
	return fmt.Sprintf("  sipay = {\n    app_id     = %s\n    app_secret = %s\n    base_url   = %s\n  }\n",
		hclString(m.AppID), hclString(m.AppSecret), hclString(pb.sipayURL))
}

var identicalShape = planShape{
	name:     "identical",
	distinct: oneKey,
	write: func(w io.Writer, n int, pb *planBench) {
		fmt.Fprintf(w, "provider \"paytoken\" {\n%s}\n", sipayBlock(pb, pb.merchants[0]))
		for i := range n {
			fmt.Fprintf(w, "\nephemeral \"paytoken_token\" \"t%04d\" {\n  gateway = \"sipay\"\n}\n", i)
		}
	},
}

var distinctArgsShape = planShape{
	name:     "distinct-args",
	distinct: nKeys,
	write: func(w io.Writer, n int, pb *planBench) {
		fmt.Fprintf(w, "provider \"paytoken\" {\n  iyzico = {\n    api_key           = %s\n    secret_key        = %s\n"+
			"    session_token     = %s\n    member_identifier = %s\n    base_url          = %s\n  }\n}\n",
			hclString(iyzicosim.APIKey), hclString(iyzicosim.SecretKey), hclString(iyzicosim.SessionToken1),
			hclString(iyzicosim.MemberIdentifier1), hclString(pb.iyzicoURL))
		for i := range n {
			fmt.Fprintf(w, "\nephemeral \"paytoken_token\" \"t%04d\" {\n  gateway = \"iyzico\"\n  iyzico = {\n    conversation_id = \"bench-%04d\"\n  }\n}\n", i, i)
		}
	},
}

var distinctCredsShape = planShape{
	name:     "distinct-creds",
	distinct: nKeys,
	write: func(w io.Writer, n int, pb *planBench) {
		for i := range n {
			fmt.Fprintf(w, "provider \"paytoken\" {\n  alias = \"m%04d\"\n%s}\n\n", i, sipayBlock(pb, pb.merchants[i]))
			fmt.Fprintf(w, "ephemeral \"paytoken_token\" \"t%04d\" {\n  provider = paytoken.m%04d\n  gateway  = \"sipay\"\n}\n\n", i, i)
		}
	},
}

var tokenCredsShape = planShape{
	name:     "token-creds",
	distinct: nKeys,
	write: func(w io.Writer, n int, pb *planBench) {
		fmt.Fprintf(w, "provider \"paytoken\" {\n  sipay = {\n    base_url = %s\n  }\n}\n\nlocals {\n  merchants = {\n", hclString(pb.sipayURL))
		for i := range n {
			m := pb.merchants[i]
			fmt.Fprintf(w, "    m%04d = { app_id = %s, app_secret = %s }\n", i, hclString(m.AppID), hclString(m.AppSecret))
		}
		fmt.Fprint(w, "  }\n}\n\nephemeral \"paytoken_token\" \"merchant\" {\n  for_each = local.merchants\n  gateway  = \"sipay\"\n"+
			"  sipay = {\n    app_id     = each.value.app_id\n    app_secret = each.value.app_secret\n  }\n}\n")
	},
}

// planBench is what the plan benchmarks share in one test run: the
// binaries, the CLI configuration, the emulators and the initialised
// working directories.
type planBench struct {
	work string
	// env is the CLI's environment: the tests' own, the mirror's CLI
	// configuration, and where the provider and its usage file are.
	env       []string
	usageFile string
	sipay     *sipaysim.Server
	iyzico    *iyzicosim.Server
	sipayURL  string
	iyzicoURL string
	merchants []sipaysim.Merchant
	meter     callMeter
	dirs      map[string]string
}

// thePlanBench is made by the first plan benchmark of a run and removed
// after the run.
var thePlanBench *planBench

// setUpPlanBench skips unless the plan benchmarks are switched on, fails
// when there is no CLI to run, and otherwise returns the run's planBench,
// made on first use: the provider and internal/pluginusage built (not
// timed), the mirror's CLI configuration and the emulators.
func setUpPlanBench(b *testing.B) *planBench {
	b.Helper()
	if liveEnv[planBenchSwitch] != "1" {
		b.Skipf("the plan benchmarks run the CLI hundreds of times: set %s=1 to run them (make bench does)", planBenchSwitch)
	}
	skipWithout(b, ephemeralResources)
	if thePlanBench != nil {
		return thePlanBench
	}
	// Every plan benchmark of the run shares it, so not b.TempDir.
	work, err := os.MkdirTemp("", "paytoken-plan-bench") //nolint:usetesting // removed by TestMain
	if err != nil {
		b.Fatal(err)
	}
	pb := &planBench{work: work, usageFile: filepath.Join(work, "usage.jsonl"), dirs: map[string]string{}}
	afterAll = append(afterAll, func() { _ = os.RemoveAll(work) })

	provider := filepath.Join(work, "bin", "terraform-provider-paytoken")
	goBuild(b, provider, ".")
	rc := mirrorPackage(b, filepath.Join(work, "mirror"), "./internal/pluginusage")
	for _, kv := range os.Environ() {
		// A developer's TF_LOG would slow every plan down.
		if !strings.HasPrefix(kv, "TF_LOG") {
			pb.env = append(pb.env, kv)
		}
	}
	pb.env = append(pb.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"PLUGINUSAGE_EXEC="+provider, "PLUGINUSAGE_FILE="+pb.usageFile)

	var opts []sipaysim.Option
	for i := range planMerchants {
		m := sipaysim.Merchant{AppID: fmt.Sprintf("bench-sipay-%04d", i), AppSecret: fmt.Sprintf("bench-sipay-secret-%04d", i), Is3D: []byte("1")}
		pb.merchants = append(pb.merchants, m)
		opts = append(opts, sipaysim.WithMerchant(m))
	}
	pb.sipay, pb.iyzico = sipaysim.New(opts...), iyzicosim.New()
	sipaySrv := httptest.NewServer(pb.meter.wrap(pb.sipay))
	iyzicoSrv := httptest.NewServer(pb.meter.wrap(pb.iyzico))
	afterAll = append(afterAll, sipaySrv.Close, iyzicoSrv.Close)
	pb.sipayURL, pb.iyzicoURL = sipaysim.BaseURL(sipaySrv.URL), iyzicoSrv.URL

	// One plan unmeasured, so the first measured one does not pay for
	// cold file caches.
	pb.setLatency(0)
	pb.plan(b, pb.workDir(b, &identicalShape, 1))
	thePlanBench = pb
	return pb
}

// workDir returns the working directory of shape with n tokens, written
// and initialised on first use.
func (pb *planBench) workDir(b *testing.B, shape *planShape, n int) string {
	b.Helper()
	name := fmt.Sprintf("%s-%d", shape.name, n)
	if dir, ok := pb.dirs[name]; ok {
		return dir
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "terraform {\n  required_providers {\n    paytoken = {\n      source = \"paytoken/paytoken\"\n    }\n  }\n}\n\n")
	shape.write(&cfg, n, pb)
	w := &cliWork{dir: filepath.Join(pb.work, name), env: pb.env}
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	w.mustRun(b, "init", "-input=false", "-no-color")
	pb.dirs[name] = w.dir
	return w.dir
}

// setLatency delays every emulator's answers by d.
func (pb *planBench) setLatency(d time.Duration) {
	for _, e := range []simkit.Emulator{pb.sipay, pb.iyzico} {
		e.Faults().SetLatency(d)
	}
}

// planRun is what one plan measured.
type planRun struct {
	wall, providerCPU, terraformCPU time.Duration
	calls, atOnce                   int64
	procs                           int
	// providerRSS is the largest provider process's peak RSS, in bytes.
	providerRSS int64
}

// plan runs `terraform plan` in dir and measures it.
func (pb *planBench) plan(b *testing.B, dir string) planRun {
	b.Helper()
	for _, e := range []simkit.Emulator{pb.sipay, pb.iyzico} {
		e.Faults().ResetCalls()
	}
	pb.meter.reset()
	if err := os.Remove(pb.usageFile); err != nil && !os.IsNotExist(err) {
		b.Fatal(err)
	}
	before := childrenCPU(b)

	ctx, cancel := context.WithTimeout(b.Context(), planTimeout)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), "plan", "-input=false", "-lock=false", "-no-color",
		"-parallelism="+strconv.Itoa(planParallelism))
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, pb.env, &out, &out
	// A plan that outlives planTimeout is interrupted, as Ctrl-C would, so
	// Terraform stops its provider processes, and killed 10 s later.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := planRun{wall: time.Since(start)}
	switch {
	case ctx.Err() != nil && b.Context().Err() == nil:
		b.Fatalf("terraform plan in %s did not finish within %s:\n%s", dir, planTimeout, out.String())
	case err != nil:
		b.Fatalf("terraform plan in %s: %v\n%s", dir, err, out.String())
	}

	r.calls = pb.sipay.Faults().Calls() + pb.iyzico.Faults().Calls()
	r.atOnce = pb.meter.peak()
	// What the CLI's whole process tree used, less the provider processes
	// and the pluginusage processes around them, is Terraform's.
	r.terraformCPU = childrenCPU(b) - before
	for _, u := range readPluginUsage(b, pb.usageFile) {
		r.procs++
		r.providerCPU += time.Duration(u.UserNS + u.SysNS)
		r.terraformCPU -= time.Duration(u.UserNS + u.SysNS + u.WrapperNS)
		r.providerRSS = max(r.providerRSS, u.MaxRSS)
	}
	return r
}

// childrenCPU returns the user and system CPU time of every process this
// one has started and waited for, their own waited-for descendants
// included.
func childrenCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pluginUsage is one line internal/pluginusage writes.
type pluginUsage struct {
	UserNS    int64 `json:"user_ns"`
	SysNS     int64 `json:"sys_ns"`
	MaxRSS    int64 `json:"max_rss"`
	WrapperNS int64 `json:"wrapper_ns"`
}

func readPluginUsage(b *testing.B, path string) []pluginUsage {
	f, err := os.Open(path)
	if err != nil {
		b.Fatalf("no provider process reported its resource usage: %v", err)
	}
	defer f.Close()
	var out []pluginUsage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var u pluginUsage
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		out = append(out, u)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return out
}

// callMeter counts the gateway calls in flight, to show how many ran at
// once.
type callMeter struct {
	mu             sync.Mutex
	inflight, most int64
}

func (m *callMeter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.inflight++
		m.most = max(m.most, m.inflight)
		m.mu.Unlock()
		defer func() {
			m.mu.Lock()
			m.inflight--
			m.mu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}

func (m *callMeter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.most = m.inflight
}

func (m *callMeter) peak() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.most
}
