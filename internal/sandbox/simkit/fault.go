// Package simkit is the kit the gateway emulators are built from. Its
// Injector makes an emulator misbehave on purpose (HTML error pages, rate
// limits, hangs, connections reset mid-body, broken JSON, huge bodies,
// redirects), injects latency and counts calls, so tests and benchmarks can
// assert how many requests reached the gateway. Nothing in the provider
// binary imports this package or the emulators built on it.
package simkit

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind names a misbehaviour.
type Kind string

// The misbehaviours an Injector knows.
const (
	// HTMLError answers Status (default 502) with an HTML error page.
	HTMLError Kind = "html-error"
	// RateLimit answers 429 with RetryAfter (default "1") in Retry-After.
	RateLimit Kind = "rate-limit"
	// Hang never answers; it waits until the client gives up, or MaxHang.
	Hang Kind = "hang"
	// ResetMidBody sends the headers and part of a JSON body, then resets
	// the connection.
	ResetMidBody Kind = "reset-mid-body"
	// Empty answers 200 with an empty body.
	Empty Kind = "empty"
	// Truncated answers 200 with JSON cut off in the middle.
	Truncated Kind = "truncated"
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed Kind = "malformed"
	// NonJSON answers 200 with an HTML page.
	NonJSON Kind = "non-json"
	// Huge answers 200 with a 3 MiB JSON body.
	Huge Kind = "huge"
	// Redirect answers 302 to Location (default https://example.invalid/login).
	Redirect Kind = "redirect"
	// Raw answers Status with Body and ContentType as given.
	Raw Kind = "raw"
)

// Kinds lists every Kind, for command-line help.
var Kinds = []Kind{HTMLError, RateLimit, Hang, ResetMidBody, Empty, Truncated, Malformed, NonJSON, Huge, Redirect, Raw}

// MaxHang bounds how long a Hang fault holds a request.
const MaxHang = 2 * time.Minute

// HugeBodyBytes is the size of a Huge fault's body.
const HugeBodyBytes = 3 << 20

// Fault is one injected misbehaviour.
type Fault struct {
	Kind Kind
	// Times is how many requests the fault applies to; 0 means all of them.
	Times int
	// Status is the HTTP status for HTMLError and Raw.
	Status int
	// RetryAfter is the Retry-After value for RateLimit.
	RetryAfter string
	// Location is the redirect target for Redirect.
	Location string
	// Body and ContentType are sent by Raw.
	Body        string
	ContentType string
}

// Injector wraps an emulator's handler with faults, latency and a call
// counter. The zero value is ready to use.
type Injector struct {
	mu      sync.Mutex
	queue   []Fault
	latency time.Duration
	calls   atomic.Int64
}

// Inject queues faults. Each applies to its Times requests in turn; a fault
// with Times 0 applies to every later request until Clear.
func (in *Injector) Inject(faults ...Fault) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.queue = append(in.queue, faults...)
}

// Clear removes every queued fault.
func (in *Injector) Clear() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.queue = nil
}

// SetLatency delays every answer by d.
func (in *Injector) SetLatency(d time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.latency = d
}

// Calls returns how many requests reached the emulator.
func (in *Injector) Calls() int64 { return in.calls.Load() }

// ResetCalls sets the call counter back to zero.
func (in *Injector) ResetCalls() { in.calls.Store(0) }

func (in *Injector) next() (Fault, bool, time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.queue) == 0 {
		return Fault{}, false, in.latency
	}
	f := in.queue[0]
	if f.Times > 0 {
		in.queue[0].Times--
		if in.queue[0].Times == 0 {
			in.queue = in.queue[1:]
		}
	}
	return f, true, in.latency
}

// Wrap returns next with the injector in front of it.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.calls.Add(1)
		f, ok, latency := in.next()
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		serve(w, r, f)
	})
}

func serve(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case HTMLError:
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
			status, http.StatusText(status), status, http.StatusText(status))
	case RateLimit:
		ra := f.RetryAfter
		if ra == "" {
			ra = "1"
		}
		w.Header().Set("Retry-After", ra)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"status":false,"message":"Too Many Attempts.","errors":[],"error_code":"rate_limit"}`)
	case Hang:
		t := time.NewTimer(MaxHang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
	case ResetMidBody:
		resetMidBody(w)
	case Empty:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
	case Truncated:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"status_code":100,"status":"success","data":{"tok`)
	case Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"status": success, data: [1,2,}`)
	case NonJSON:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>Bakım çalışması</h1><p>Maintenance in progress.</p></body></html>\n")
	case Huge:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		pad := strings.Repeat("x", 64*1024)
		fmt.Fprint(w, `{"padding":"`)
		for n := 0; n < HugeBodyBytes; n += len(pad) {
			if _, err := fmt.Fprint(w, pad); err != nil {
				return
			}
		}
		fmt.Fprint(w, `"}`)
	case Redirect:
		loc := f.Location
		if loc == "" {
			loc = "https://example.invalid/login"
		}
		http.Redirect(w, r, loc, http.StatusFound)
	case Raw:
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		fmt.Fprint(w, f.Body)
	default:
		http.Error(w, "unknown fault "+string(f.Kind), http.StatusInternalServerError)
	}
}

// resetMidBody promises a longer body than it sends, then closes the TCP
// connection with a reset.
func resetMidBody(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"status\":\"succ")
	_ = buf.Flush()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
