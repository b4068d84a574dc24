//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Targets the report checks.
const (
	// maxLatencyRatio bounds the extra wall time latency adds, as a multiple
	// of the ideal latency × ceil(distinct / parallelism).
	maxLatencyRatio = 1.2
	// maxPeakRSSMiB bounds a provider process's peak RSS with 100 tokens.
	maxPeakRSSMiB = 40
	// rssTargetN is the token count the RSS target is for.
	rssTargetN = 100
)

// result gathers the runs of one case: a scenario, a token count and a
// latency.
type result struct {
	sc          *scenario
	n           int
	latency     time.Duration
	parallelism int
	samples     []sample
	// base is the case with the same scenario and N at latency 0, if run.
	base *result
}

func newResult(sc *scenario, n int, latency time.Duration, parallelism int) *result {
	return &result{sc: sc, n: n, latency: latency, parallelism: parallelism}
}

func (r *result) distinct() int { return r.sc.distinct(r.n) }

func (r *result) walls() []time.Duration {
	w := make([]time.Duration, len(r.samples))
	for i, s := range r.samples {
		w[i] = s.wall
	}
	slices.Sort(w)
	return w
}

// spread is the difference between the slowest and the fastest run.
func (r *result) spread() time.Duration {
	w := r.walls()
	return w[len(w)-1] - w[0]
}

// wall is the median wall time.
func (r *result) wall() time.Duration { return median(r.walls()) }

func (r *result) calls() (lo, hi int64) {
	lo, hi = r.samples[0].calls, r.samples[0].calls
	for _, s := range r.samples {
		lo, hi = min(lo, s.calls), max(hi, s.calls)
	}
	return lo, hi
}

// peakKB is the largest provider VmHWM over every run.
func (r *result) peakKB() int64 { return maxOf(r.samples, func(s sample) int64 { return s.peakKB }) }

func (r *result) processes() int { return maxOf(r.samples, func(s sample) int { return s.processes }) }

func (r *result) terraformKB() int64 {
	return maxOf(r.samples, func(s sample) int64 { return s.terraformKB })
}

func (r *result) concurrent() int {
	return maxOf(r.samples, func(s sample) int { return s.concurrent })
}

// maxOf is the largest of f over the samples, or zero when there are none.
func maxOf[T int | int64](samples []sample, f func(sample) T) T {
	var m T
	for _, s := range samples {
		m = max(m, f(s))
	}
	return m
}

func (r *result) span() time.Duration {
	return medianOf(r.samples, func(s sample) time.Duration { return s.span })
}

func (r *result) providerCPU() time.Duration {
	return medianOf(r.samples, func(s sample) time.Duration { return s.providerCPU })
}

func medianOf(samples []sample, f func(sample) time.Duration) time.Duration {
	d := make([]time.Duration, len(samples))
	for i, s := range samples {
		d[i] = f(s)
	}
	slices.Sort(d)
	return median(d)
}

// idealExtra is the least wall time the latency can add: the distinct
// calls, at most parallelism at a time.
func (r *result) idealExtra() time.Duration {
	waves := (r.distinct() + r.parallelism - 1) / r.parallelism
	return r.latency * time.Duration(waves)
}

// extra is how much longer a plan took than at latency 0: the median of
// the differences between the runs made one after the other in each
// repetition, which cancels most of a drift in the machine's load.
func (r *result) extra() (time.Duration, bool) {
	if r.base == nil || r.latency == 0 || len(r.base.samples) != len(r.samples) || len(r.samples) == 0 {
		return 0, false
	}
	d := make([]time.Duration, len(r.samples))
	for i, s := range r.samples {
		d[i] = s.wall - r.base.samples[i].wall
	}
	slices.Sort(d)
	return median(d), true
}

func (r *result) ratio() (float64, bool) {
	e, ok := r.extra()
	if !ok || r.idealExtra() == 0 {
		return 0, false
	}
	return float64(e) / float64(r.idealExtra()), true
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

func report(w io.Writer, o options, version string, results []*result) error {
	if o.format == "json" {
		return reportJSON(w, o, version, results)
	}
	reportMarkdown(w, o, version, results)
	return nil
}

func reportMarkdown(w io.Writer, o options, version string, results []*result) {
	fmt.Fprintf(w, "Whole-run benchmark: `terraform plan -input=false -lock=false -parallelism=%d`, %s; each row is the median of %d to %d runs "+
		"(more for quick cases), the runs of each latency interleaved.\n\n", o.parallelism, version, o.reps, o.maxReps)
	for _, name := range o.scenarios {
		sc := findScenario(name)
		fmt.Fprintf(w, "- `%s`: %s.\n", sc.name, sc.what)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | N | distinct | latency | plan wall time, median (min–max) | gateway calls (ideal) | extra wall time from latency, median of paired runs (ideal) | ratio | provider peak RSS |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|---:|---:|---:|")
	for _, r := range results {
		walls := r.walls()
		lo, hi := r.calls()
		calls := fmt.Sprint(lo)
		if hi != lo {
			calls = fmt.Sprintf("%d–%d", lo, hi)
		}
		extra, ratio := "—", "—"
		if e, ok := r.extra(); ok {
			extra = fmt.Sprintf("%s (%s)", seconds(e), seconds(r.idealExtra()))
		}
		if q, ok := r.ratio(); ok {
			ratio = fmt.Sprintf("%.2f", q)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s (%s–%s) | %s (%d) | %s | %s | %.1f MiB |\n",
			r.sc.name, r.n, r.distinct(), latencyString(r.latency), seconds(r.wall()), seconds(walls[0]), seconds(walls[len(walls)-1]),
			calls, r.distinct(), extra, ratio, mib(r.peakKB()))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Where the time goes: how many gateway calls the emulators saw in flight at once, how long they were busy "+
		"(first call in to last answer out), and what the provider processes cost.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | N | latency | calls at once, max (ideal) | gateway busy, median (ideal) | provider processes | provider CPU, all processes, median | Terraform peak RSS |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %d | %s | %d (%d) | %s (%s) | %d | %s | %.0f MiB |\n",
			r.sc.name, r.n, latencyString(r.latency), r.concurrent(), min(r.distinct(), r.parallelism),
			seconds(r.span()), seconds(r.idealExtra()), r.processes(), seconds(r.providerCPU()), mib(r.terraformKB()))
	}
	fmt.Fprintln(w)
	for _, line := range verdicts(results) {
		fmt.Fprintln(w, "- "+line)
	}
}

// verdicts checks the results against the targets.
func verdicts(results []*result) []string {
	var callsOff, ratioOff, ratioNoise, rssOff []string
	var worstRatio float64
	var worstRSS int64
	ratios, rssCases := 0, 0
	for _, r := range results {
		id := fmt.Sprintf("%s N=%d latency %s", r.sc.name, r.n, latencyString(r.latency))
		if lo, hi := r.calls(); lo != int64(r.distinct()) || hi != int64(r.distinct()) {
			callsOff = append(callsOff, fmt.Sprintf("%s (%d–%d calls for %d distinct)", id, lo, hi, r.distinct()))
		}
		if q, ok := r.ratio(); ok {
			ratios++
			worstRatio = max(worstRatio, q)
			if q > maxLatencyRatio {
				// An excess smaller than the spread of the latency-0 runs
				// alone cannot be told from the machine's noise.
				extra, _ := r.extra()
				excess := extra - time.Duration(maxLatencyRatio*float64(r.idealExtra()))
				if spread := r.base.spread(); spread >= excess {
					ratioNoise = append(ratioNoise, fmt.Sprintf("%s (%.2f: %s over the %s ideal, while its latency-0 runs alone spread over %s)",
						id, q, seconds(extra), seconds(r.idealExtra()), seconds(spread)))
				} else {
					ratioOff = append(ratioOff, fmt.Sprintf("%s (%.2f)", id, q))
				}
			}
		}
		if r.n == rssTargetN && r.sc.providerName() == "paytoken" {
			rssCases++
			worstRSS = max(worstRSS, r.peakKB())
			if mib(r.peakKB()) >= maxPeakRSSMiB {
				rssOff = append(rssOff, fmt.Sprintf("%s (%.1f MiB)", id, mib(r.peakKB())))
			}
		}
	}
	verdict := func(off []string) string {
		if len(off) == 0 {
			return "**met**"
		}
		return "**missed** by " + strings.Join(off, "; ")
	}
	out := []string{"Gateway calls per run = distinct (gateway, credentials, arguments), whatever N: " + verdict(callsOff) + "."}
	if ratios > 0 {
		v := verdict(ratioOff)
		if len(ratioOff) == 0 && len(ratioNoise) > 0 {
			v = "**met** within the run-to-run noise; above the ratio by less than the noise: " + strings.Join(ratioNoise, "; ")
		}
		out = append(out, fmt.Sprintf("Extra wall time from latency ≤ %.1f × latency × ceil(distinct / parallelism): %s (worst ratio %.2f).",
			maxLatencyRatio, v, worstRatio))
	}
	if rssCases > 0 {
		out = append(out, fmt.Sprintf("Provider peak RSS < %d MiB with %d tokens: %s (largest %.1f MiB).",
			maxPeakRSSMiB, rssTargetN, verdict(rssOff), mib(worstRSS)))
	}
	return out
}

type jsonRow struct {
	Scenario         string    `json:"scenario"`
	N                int       `json:"n"`
	Distinct         int       `json:"distinct"`
	LatencySeconds   float64   `json:"latency_seconds"`
	Parallelism      int       `json:"parallelism"`
	WallSeconds      []float64 `json:"wall_seconds"`
	MedianSeconds    float64   `json:"median_wall_seconds"`
	Calls            []int64   `json:"gateway_calls"`
	IdealCalls       int       `json:"ideal_gateway_calls"`
	ExtraSeconds     *float64  `json:"extra_wall_seconds,omitempty"`
	IdealExtra       float64   `json:"ideal_extra_wall_seconds"`
	Ratio            *float64  `json:"ratio,omitempty"`
	PeakRSSKB        int64     `json:"provider_peak_rss_kb"`
	Concurrent       int       `json:"max_calls_in_flight"`
	SpanSeconds      []float64 `json:"gateway_busy_seconds"`
	ProviderCPU      []float64 `json:"provider_cpu_seconds"`
	SumRSSKB         []int64   `json:"provider_rss_sum_kb"`
	Processes        int       `json:"provider_processes"`
	TerraformRSSKB   int64     `json:"terraform_peak_rss_kb"`
	TerraformVersion string    `json:"terraform_version"`
}

func reportJSON(w io.Writer, _ options, version string, results []*result) error {
	rows := make([]jsonRow, 0, len(results))
	for _, r := range results {
		row := jsonRow{
			Scenario: r.sc.name, N: r.n, Distinct: r.distinct(), LatencySeconds: r.latency.Seconds(),
			Parallelism: r.parallelism, MedianSeconds: r.wall().Seconds(), IdealCalls: r.distinct(),
			IdealExtra: r.idealExtra().Seconds(), PeakRSSKB: r.peakKB(), Processes: r.processes(),
			TerraformRSSKB: r.terraformKB(), TerraformVersion: version, Concurrent: r.concurrent(),
		}
		for _, s := range r.samples {
			row.WallSeconds = append(row.WallSeconds, s.wall.Seconds())
			row.Calls = append(row.Calls, s.calls)
			row.SumRSSKB = append(row.SumRSSKB, s.sumKB)
			row.SpanSeconds = append(row.SpanSeconds, s.span.Seconds())
			row.ProviderCPU = append(row.ProviderCPU, s.providerCPU.Seconds())
		}
		if e, ok := r.extra(); ok {
			v := e.Seconds()
			row.ExtraSeconds = &v
		}
		if q, ok := r.ratio(); ok {
			row.Ratio = &q
		}
		rows = append(rows, row)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func latencyString(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return d.String()
}
