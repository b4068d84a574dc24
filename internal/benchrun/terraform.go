//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sources are the registry addresses dev_overrides maps, by provider.
var sources = map[string]string{"paytoken": "paytoken/paytoken", "echo": "benchrun/echo"}

// terraform runs plans with a CLI configuration of its own.
type terraform struct {
	bin     string
	version string
	env     []string
	work    string
	// exes are the provider binaries, by provider name.
	exes        map[string]string
	parallelism int
	timeout     time.Duration
	poll        time.Duration
}

// newTerraform writes a CLI configuration whose dev_overrides point at the
// provider binaries in exes, under work, and reads Terraform's version.
func newTerraform(bin string, exes map[string]string, work string, o options) (*terraform, error) {
	plugins := filepath.Join(work, "plugins")
	var overrides strings.Builder
	for name, exe := range exes {
		dir := filepath.Join(plugins, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		// Terraform wants each binary under its own name; a link keeps
		// /proc/<pid>/exe pointing at the real file.
		if err := os.Symlink(exe, filepath.Join(dir, "terraform-provider-"+name)); err != nil {
			return nil, err
		}
		fmt.Fprintf(&overrides, "    %q = %q\n", sources[name], dir)
	}
	rc := filepath.Join(work, "terraformrc")
	cfg := "provider_installation {\n  dev_overrides {\n" + overrides.String() + "  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	tf := &terraform{bin: bin, env: planEnv(rc), work: work, exes: exes,
		parallelism: o.parallelism, timeout: o.timeout, poll: o.poll}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version", "-json")
	cmd.Env = tf.env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return nil, fmt.Errorf("%s version -json: unexpected output", bin)
	}
	tf.version = "Terraform " + v.Version
	return tf, nil
}

// planEnv is this process's environment without anything that would change
// how Terraform or the provider behave (logging, extra CLI arguments, a
// user's CLI configuration, the provider's own variables), plus the
// benchmark's CLI configuration and no version check.
func planEnv(rc string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"), strings.HasPrefix(name, "TF_CLI_"), strings.HasPrefix(name, "PAYTOKEN_"),
			name == "TF_DATA_DIR", name == "TF_WORKSPACE", name == "TF_REATTACH_PROVIDERS", name == "TF_PLUGIN_CACHE_DIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
}

// sample is what one plan measured.
type sample struct {
	wall  time.Duration
	calls int64
	// peakKB is the largest VmHWM of any provider process, sumKB the sum
	// of every provider process's VmHWM, in kB.
	peakKB, sumKB int64
	// processes is how many provider processes were seen.
	processes int
	// terraformKB is Terraform's own peak RSS, in kB.
	terraformKB int64
	// providerCPU is the CPU time every provider process used.
	providerCPU time.Duration
	// concurrent is the most gateway calls in flight at once, and span the
	// time from the first call's arrival to the last call's answer.
	concurrent int
	span       time.Duration
}

func (s sample) String() string {
	return fmt.Sprintf("%.2fs, %d call(s) (at most %d at once, over %.2fs), %d provider process(es) (%.2fs CPU), provider peak RSS %.1f MiB",
		s.wall.Seconds(), s.calls, s.concurrent, s.span.Seconds(), s.processes, s.providerCPU.Seconds(), mib(s.peakKB))
}

// plan runs `terraform plan` on scenario sc with n tokens while the
// emulators answer after latency, and measures it.
func (tf *terraform) plan(ctx context.Context, emu *emulators, sc *scenario, n int, latency time.Duration) (sample, error) {
	dir := filepath.Join(tf.work, fmt.Sprintf("%s-%d", sc.name, n))
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return sample{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(sc.config(n, emu)), 0o600); err != nil {
			return sample{}, err
		}
	}
	emu.reset(latency)

	rctx, cancel := context.WithTimeout(ctx, tf.timeout)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(rctx, tf.bin, "plan", "-input=false", "-lock=false", "-no-color",
		"-parallelism="+strconv.Itoa(tf.parallelism))
	cmd.Dir = dir
	cmd.Env = tf.env
	cmd.Stdout = &out
	cmd.Stderr = &out
	// Terraform and its provider processes get a process group of their
	// own: on Ctrl-C or a timeout the whole group is asked to stop, as a
	// terminal would, and after WaitDelay Terraform is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 15 * time.Second

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	smp := newSampler(cmd.Process.Pid, tf.exes[sc.providerName()])
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(tf.poll)
		defer tick.Stop()
		for {
			smp.sample()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	<-sampled
	smp.stopLeftovers()
	_ = os.WriteFile(filepath.Join(dir, "last-plan.log"), out.Bytes(), 0o600)

	switch {
	case ctx.Err() != nil:
		return sample{}, ctx.Err()
	case rctx.Err() != nil:
		return sample{}, fmt.Errorf("terraform plan did not finish within %s", tf.timeout)
	case err != nil:
		return sample{}, fmt.Errorf("terraform plan: %w\n%s", err, tail(out.String(), 40))
	}
	s := sample{wall: wall, calls: emu.calls(), processes: len(smp.peaks), providerCPU: smp.cpu()}
	s.concurrent, s.span = emu.meter.read()
	for _, kb := range smp.peaks {
		s.peakKB = max(s.peakKB, kb)
		s.sumKB += kb
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.terraformKB = ru.Maxrss
	}
	return s, nil
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

func mib(kb int64) float64 { return float64(kb) / 1024 }
