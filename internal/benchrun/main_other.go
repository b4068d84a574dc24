//go:build !linux

// Command benchrun is the whole-run benchmark of `make bench`. It reads
// provider processes' peak memory from /proc, so it runs on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "benchrun: the whole-run benchmark reads /proc and runs on Linux only")
	os.Exit(1)
}
