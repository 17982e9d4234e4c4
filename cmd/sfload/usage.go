package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memorySampleEvery is how often a probe reads the memory during a run.
const memorySampleEvery = 100 * time.Millisecond

// memoryProbe follows mocksf's memory during a run.
type memoryProbe interface {
	// sample reads the memory once and keeps the peak.
	sample()
	// report says what the peak was, and how it was measured.
	report() string
}

// sampleMemory samples p every memorySampleEvery until the returned stop
// is called, which takes a last sample.
func sampleMemory(p memoryProbe) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(memorySampleEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.sample()
			case <-done:
				return
			}
		}
	}()
	p.sample()
	return func() {
		close(done)
		wg.Wait()
		p.sample()
	}
}

// heapProbe reads runtime.MemStats of this process, which runs mocksf
// with -start (and sfload, whose share is included).
type heapProbe struct {
	mu                     sync.Mutex
	before                 runtime.MemStats
	peakHeapInuse, peakSys uint64
	// mallocs and allocated are the counts of runtime.MemStats at the
	// last sample: with before's, what the run allocated.
	mallocs, allocated uint64
}

func newHeapProbe() *heapProbe {
	p := &heapProbe{}
	runtime.ReadMemStats(&p.before)
	return p
}

func (p *heapProbe) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.peakHeapInuse = max(p.peakHeapInuse, m.HeapInuse)
	p.peakSys = max(p.peakSys, m.Sys)
	p.mallocs, p.allocated = m.Mallocs, m.TotalAlloc
}

// allocations says what the run allocated per flow, in objects and
// bytes, as of the last sample.
func (p *heapProbe) allocations(flows int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := float64(max(flows, 1))
	return fmt.Sprintf("%.0f per flow, %.1f KiB per flow (runtime.MemStats Mallocs and TotalAlloc, in-process: mocksf and sfload together)",
		float64(p.mallocs-p.before.Mallocs)/n, float64(p.allocated-p.before.TotalAlloc)/1024/n)
}

func (p *heapProbe) report() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprintf("peak HeapInuse %s, peak Sys %s (runtime.MemStats every %v, in-process: mocksf and sfload together; HeapInuse %s before the flows)",
		mib(p.peakHeapInuse), mib(p.peakSys), memorySampleEvery, mib(p.before.HeapInuse))
}

// procProbe reads an external mocksf's resident memory from
// /proc/PID/status (Linux).
type procProbe struct {
	pid int

	mu      sync.Mutex
	peakRSS uint64
	hwm     uint64
	err     error
}

func (p *procProbe) sample() {
	st, err := procStatus(p.pid)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.err = err
		return
	}
	p.peakRSS = max(p.peakRSS, st["VmRSS"])
	p.hwm = max(p.hwm, st["VmHWM"])
}

func (p *procProbe) report() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hwm == 0 {
		return fmt.Sprintf("unknown (/proc/%d/status: %v)", p.pid, p.err)
	}
	return fmt.Sprintf("peak VmRSS %s during the run (every %v), VmHWM %s (the process's peak since it started; /proc/%d/status)",
		mib(p.peakRSS), memorySampleEvery, mib(p.hwm), p.pid)
}

// unknownProbe stands in when sfload cannot see mocksf's memory.
type unknownProbe struct{}

func (unknownProbe) sample() {}
func (unknownProbe) report() string {
	return "unknown (give -pid of the mocksf process, or use -start)"
}

// procStatus reads the kB lines of /proc/PID/status (VmRSS, VmHWM, …) as
// bytes.
func procStatus(pid int) (map[string]uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		value = strings.TrimSpace(value)
		if !ok || !strings.HasSuffix(value, " kB") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(value, " kB"), 10, 64)
		if err == nil {
			out[name] = n << 10
		}
	}
	return out, sc.Err()
}

// cpuTime is the CPU time (user and system) a process has used so far:
// this one when pid is 0, else that of /proc/PID/stat (Linux).
func cpuTime(pid int) (time.Duration, error) {
	if pid == 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0, err
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count the
	// fields after it. utime and stime are fields 14 and 15, in clock
	// ticks of 1/100 s on Linux.
	_, after, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(after)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
