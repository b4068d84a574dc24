// Command paytoken-sandbox serves local emulators of the Sipay, Tahsilat,
// iyzico, Vepara, QNBpay, PayBull, Hepsipay and Paynkolay token calls (every
// gateway in the registry) on loopback, so Terraform configurations that use
// the paytoken provider can be tried and tested without gateway accounts.
//
// It prints each gateway's base URL and sandbox credentials, can write them
// as shell exports for the provider's environment variables, and runs until
// interrupted or until -duration passes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "paytoken-sandbox:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("paytoken-sandbox", flag.ContinueOnError)
	addrs := map[string]*string{}
	for _, spec := range gateways.All() {
		addrs[spec.Name] = fs.String(spec.Name+"-addr", "127.0.0.1:0",
			"loopback `address` of the "+spec.Title+" emulator (port 0 picks a free one)")
	}
	envFile := fs.String("env-file", "", "write the provider's environment variables (base URLs and the first credential of each gateway) to `file` as shell exports")
	issuedFile := fs.String("issued-file", "", "on exit, write every token issued, one per line, to `file` (for checking that none was stored)")
	latency := fs.Duration("latency", 0, "delay every answer by `duration`, to stand in for a real gateway")
	duration := fs.Duration("duration", 0, "stop by itself after `duration` (0: run until interrupted)")
	quiet := fs.Bool("quiet", false, "print only the base URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}

	opts := sandbox.Options{Addrs: map[string]string{}, Latency: *latency}
	for name, a := range addrs {
		opts.Addrs[name] = *a
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		return err
	}
	defer sb.Close()

	printSummary(out, sb, *quiet)
	if *envFile != "" {
		if err := writeFileAtomic(*envFile, sandbox.ShellExports(sb.Env())); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nProvider environment written to %s (source it: . %s)\n", *envFile, *envFile)
	}
	fmt.Fprintln(out, "\nServing. Stop with Ctrl-C.")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	<-ctx.Done()

	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = sb.Shutdown(shutdown)
	calls := sb.Calls()
	served := make([]string, len(sb.Gateways))
	for i, g := range sb.Gateways {
		served[i] = fmt.Sprintf("%s %d", g.Name, calls[g.Name])
	}
	fmt.Fprintf(out, "Stopped. Token calls served: %s.\n", strings.Join(served, ", "))
	if *issuedFile != "" {
		issued := sb.Issued()
		body := ""
		if len(issued) > 0 {
			body = strings.Join(issued, "\n") + "\n"
		}
		return writeFileAtomic(*issuedFile, body)
	}
	return nil
}

func printSummary(out io.Writer, sb *sandbox.Sandbox, quiet bool) {
	if !quiet {
		fmt.Fprintln(out, "paytoken sandbox: local emulators of the gateways' token calls. Every credential below is fake and works only here.")
	}
	for _, g := range sb.Gateways {
		fmt.Fprintf(out, "\n%-9s base_url = %s\n", g.Name, g.BaseURL)
		if quiet {
			continue
		}
		for _, c := range g.Emulator.Credentials() {
			fmt.Fprintf(out, "  %-24s %s\n", c.Label, c.Note)
			fmt.Fprintf(out, "  %-24s %s\n", "", pairs(c.Settings, c.Args))
		}
	}
}

func pairs(maps ...map[string]string) string {
	var parts []string
	for _, m := range maps {
		for _, k := range sortedKeys(m) {
			parts = append(parts, fmt.Sprintf("%s=%q", k, m[k]))
		}
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeFileAtomic writes via a temporary file and a rename, so a script
// waiting for the file never reads it half written.
func writeFileAtomic(path, body string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
