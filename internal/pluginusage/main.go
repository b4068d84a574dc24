//go:build unix

// Command pluginusage stands in for the provider binary in the plan
// benchmarks (internal/provider/plan_bench_test.go). Terraform starts it as
// the provider's plugin; it runs the real provider, named by
// PLUGINUSAGE_EXEC, as its only child, with the same arguments,
// environment and standard streams, so the plugin handshake and every RPC
// go straight between Terraform and the provider. When the provider exits,
// it appends one JSON line to the file named by PLUGINUSAGE_FILE: the
// provider's user and system CPU time and peak RSS, read with wait4, and
// its own CPU time. Only a process's parent can read those figures, and
// Terraform, the provider's parent otherwise, keeps them to itself.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
)

// usage is one line of PLUGINUSAGE_FILE.
type usage struct {
	// UserNS and SysNS are the provider's CPU time, MaxRSS its peak
	// resident set size in bytes.
	UserNS int64 `json:"user_ns"`
	SysNS  int64 `json:"sys_ns"`
	MaxRSS int64 `json:"max_rss"`
	// WrapperNS is this process's own CPU time, user and system.
	WrapperNS int64 `json:"wrapper_ns"`
}

func main() {
	code, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pluginusage:", err)
	}
	os.Exit(code)
}

func run() (int, error) {
	exe, file := os.Getenv("PLUGINUSAGE_EXEC"), os.Getenv("PLUGINUSAGE_FILE")
	if exe == "" || file == "" {
		return 1, errors.New("PLUGINUSAGE_EXEC and PLUGINUSAGE_FILE must name the provider binary and the file to append to")
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Signals meant for the plugin reach the provider, as if it had been
	// started directly.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	if err := cmd.Wait(); err != nil {
		var exited *exec.ExitError
		if !errors.As(err, &exited) {
			return 1, err
		}
	}
	child, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return cmd.ProcessState.ExitCode(), errors.New("no resource usage for the provider process")
	}
	var self syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err != nil {
		return cmd.ProcessState.ExitCode(), err
	}
	line, _ := json.Marshal(usage{
		UserNS:    child.Utime.Nano(),
		SysNS:     child.Stime.Nano(),
		MaxRSS:    maxRSSBytes(int64(child.Maxrss)), //nolint:unconvert // int32 on 32-bit Linux
		WrapperNS: self.Utime.Nano() + self.Stime.Nano(),
	})
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		// One write of a short line with O_APPEND: lines of concurrent
		// providers do not interleave.
		_, err = f.Write(append(line, '\n'))
		err = errors.Join(err, f.Close())
	}
	return cmd.ProcessState.ExitCode(), err
}

// maxRSSBytes converts ru_maxrss, which macOS gives in bytes and the other
// Unix systems in KiB.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v * 1024
}
