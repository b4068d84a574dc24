package provider

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestExampleTesting runs examples/testing as the "Testing with the
// sandbox" guide tells users to in their CI: paytoken-sandbox started with
// -env-file, the file sourced, then `init` and `test` with the CLI under
// test (`terraform test` or `tofu test`). Its tests must pass, and the same
// tests made wrong must fail, so that they can.
func TestExampleTesting(t *testing.T) {
	skipWithout(t, ephemeralResources)
	w := newCLIWork(t, "testing")
	envFile, served := startSandboxCommand(t, filepath.Dir(w.dir))
	w.mustRun(t, "init", "-input=false", "-no-color")

	const file = "checkout.tftest.hcl"
	src, err := os.ReadFile(filepath.Join(w.dir, file))
	if err != nil {
		t.Fatal(err)
	}
	runBlocks := len(regexp.MustCompile(`(?m)^run "`).FindAll(src, -1))
	out, err := w.runSourcing(t, envFile, "test", "-no-color")
	if err != nil {
		t.Fatalf("%s test: %v\n%s", cli.Kind, err, out)
	}
	if want := strconv.Itoa(runBlocks) + " passed, 0 failed"; !strings.Contains(out, want) {
		t.Errorf("%s test: want %q in its output:\n%s", cli.Kind, want, out)
	}

	// Each case breaks one expectation of the example's tests; the test
	// command must then fail with the diagnostic that says so.
	for name, c := range map[string]struct{ old, new, diagnostic string }{
		"a wrong flag": {
			old:        "data.paytoken_token.checkout.supports_2d == true && data.paytoken_token.checkout.supports_3d == false",
			new:        "data.paytoken_token.checkout.supports_2d == true && data.paytoken_token.checkout.supports_3d == true",
			diagnostic: "Test assertion failed",
		},
		"an expiry a day away": {
			old:        `timeadd(plantimestamp(), "1h30m")`,
			new:        `timeadd(plantimestamp(), "24h")`,
			diagnostic: "Test assertion failed",
		},
		"a precondition that holds": {
			old:        "  providers = {\n    paytoken = paytoken.three_d_only\n  }\n\n  expect_failures",
			new:        "  expect_failures",
			diagnostic: "Missing expected failure",
		},
	} {
		t.Run(name, func(t *testing.T) {
			if strings.Count(string(src), c.old) != 1 {
				t.Fatalf("%s no longer holds %q once; update this test", file, c.old)
			}
			broken := strings.Replace(string(src), c.old, c.new, 1)
			if err := os.WriteFile(filepath.Join(w.dir, file), []byte(broken), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := w.runSourcing(t, envFile, "test", "-no-color")
			if err == nil {
				t.Fatalf("%s test passed with %s:\n%s", cli.Kind, name, out)
			}
			if !strings.Contains(out, c.diagnostic) {
				t.Errorf("%s test failed without %q:\n%s", cli.Kind, c.diagnostic, out)
			}
		})
	}

	if n := served(); n == 0 {
		t.Error("the sandbox served no Sipay token call: the tests did not run against it")
	}
}

// startSandboxCommand builds cmd/paytoken-sandbox into dir and starts it
// with -env-file, as a CI job would, until the test ends. It returns the
// environment file and a function that stops the sandbox and returns how
// many Sipay token calls it served.
func startSandboxCommand(t *testing.T, dir string) (envFile string, stop func() int) {
	t.Helper()
	exe := filepath.Join(dir, "paytoken-sandbox")
	goBuild(t, exe, "./cmd/paytoken-sandbox")
	envFile = filepath.Join(dir, "sandbox.env")
	out := &lockedBuffer{}
	// -duration bounds its life should the test be killed.
	cmd := exec.Command(exe, "-quiet", "-env-file", envFile, "-duration", "30m")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop = func() int {
		once.Do(func() {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				_ = cmd.Process.Kill()
			}
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		})
		m := regexp.MustCompile(`Token calls served: .*\bsipay (\d+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Errorf("the sandbox did not report the calls it served:\n%s", out.String())
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	t.Cleanup(func() { stop() })

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		if _, err := os.Stat(envFile); err == nil {
			return envFile, stop
		}
		select {
		case <-exited:
			t.Fatalf("paytoken-sandbox exited: %v\n%s", waitErr, out.String())
		case <-ctx.Done():
			t.Fatalf("paytoken-sandbox wrote no %s within 30 seconds:\n%s", envFile, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lockedBuffer is a bytes.Buffer that a process may write while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
