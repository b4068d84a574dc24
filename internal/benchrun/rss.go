//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sampler follows the provider processes Terraform starts: children of
// Terraform's process whose executable is the provider binary. Each sample
// reads their VmHWM, the kernel's high-water mark of their resident set, so
// the largest value read is their peak RSS up to the last sample, and the
// CPU time they have used.
type sampler struct {
	root int
	exe  string
	// peaks holds each provider process's VmHWM in kB.
	peaks map[int]int64
	// ticks holds each provider process's user and system CPU time, in
	// clock ticks.
	ticks map[int]int64
}

// clockTick is USER_HZ, the unit of CPU times in /proc/<pid>/stat: 100 on
// every architecture Linux runs Go on.
const clockTick = 10 * time.Millisecond

func newSampler(root int, exe string) *sampler {
	return &sampler{root: root, exe: exe, peaks: map[int]int64{}, ticks: map[int]int64{}}
}

// cpu returns the CPU time every provider process used, as last sampled.
func (s *sampler) cpu() time.Duration {
	var t int64
	for _, v := range s.ticks {
		t += v
	}
	return time.Duration(t) * clockTick
}

func (s *sampler) sample() {
	for _, pid := range children(s.root) {
		if _, known := s.peaks[pid]; !known {
			// A child that has not exec'ed yet still shows Terraform's
			// executable, so a child is only ever classified as a provider.
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err != nil || exe != s.exe {
				continue
			}
		}
		if kb, ok := vmHWM(pid); ok {
			s.peaks[pid] = max(s.peaks[pid], kb)
		} else if _, known := s.peaks[pid]; !known {
			s.peaks[pid] = 0
		}
		if t, ok := cpuTicks(pid); ok {
			s.ticks[pid] = max(s.ticks[pid], t)
		}
	}
}

// stopLeftovers kills, by id, any provider process of this run still alive
// after Terraform exited, as after Terraform was killed on a timeout.
func (s *sampler) stopLeftovers() {
	for pid := range s.peaks {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == s.exe {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// children returns the child processes of pid, from the children lists of
// each of its threads, or, on kernels without them, from every process's
// parent id.
func children(pid int) []int {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err == nil && len(tasks) > 0 {
		var out []int
		for _, t := range tasks {
			data, err := os.ReadFile(t)
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(data)) {
				if c, err := strconv.Atoi(f); err == nil {
					out = append(out, c)
				}
			}
		}
		return out
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(c); ok && ppid == pid {
			out = append(out, c)
		}
	}
	return out
}

// statFields returns the fields of /proc/<pid>/stat after the command
// name, which may itself hold spaces and parentheses: the first is the
// state (field 3 in proc(5)).
func statFields(pid int) []string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(data[i+1:]))
}

// parentOf reads a process's parent id (field 4).
func parentOf(pid int) (int, bool) {
	f := statFields(pid)
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// cpuTicks reads a process's user and system CPU time (fields 14 and 15).
func cpuTicks(pid int) (int64, bool) {
	f := statFields(pid)
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + s, err1 == nil && err2 == nil
}

// vmHWM reads a process's peak resident set size, in kB.
func vmHWM(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		return kb, err == nil
	}
	return 0, false
}
