package clients_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

const testUserAgent = "terraform-provider-paytoken/test Terraform/1.11.4"

// server is a loopback test server that counts the requests it receives
// and remembers when each arrived.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	arrivals []time.Time
	headers  []http.Header
	bodies   [][]byte
}

// serve starts a loopback server whose handler gets the 1-based number of
// each request.
func serve(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.arrivals = append(s.arrivals, time.Now())
		s.headers = append(s.headers, r.Header.Clone())
		s.bodies = append(s.bodies, body)
		n := len(s.arrivals)
		s.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// calls returns how many requests reached the server.
func (s *server) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

func (s *server) gap(i int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.arrivals[i+1].Sub(s.arrivals[i])
}

// hang holds a request until the client goes away or the test ends, so a
// handler never outlives its test. arrived, when not nil, is told that the
// request is in.
func hang(t *testing.T, arrived chan<- struct{}) func(http.ResponseWriter, *http.Request, int) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	return func(_ http.ResponseWriter, r *http.Request, _ int) {
		if arrived != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}
}

// status answers every request with code and a body naming the request.
func status(code int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", n)
	}
}

// failThen answers the first failures requests with code, then 200.
func failThen(code, failures int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= failures {
			w.WriteHeader(code)
			fmt.Fprintf(w, "failure %d", n)
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}
}

// newHTTP returns an HTTP layer with tiny waits, changed by mod.
func newHTTP(mod func(*clients.HTTPOptions)) *clients.HTTP {
	opts := clients.HTTPOptions{
		UserAgent:     testUserAgent,
		Timeout:       5 * time.Second,
		MaxRetries:    2,
		RetryWaitMin:  time.Millisecond,
		RetryWaitMax:  2 * time.Millisecond,
		RetryAfterMax: 10 * time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	return clients.NewHTTP(opts)
}

func retries(n int) func(*clients.HTTPOptions) {
	return func(o *clients.HTTPOptions) { o.MaxRetries = n }
}

func post(url string) *clients.Request {
	return &clients.Request{Gateway: "testgw", Method: http.MethodPost, URL: url, Body: []byte(`{"k":"v"}`)}
}

// asError returns err as a *clients.Error, failing the test otherwise.
func asError(t *testing.T, err error) *clients.Error {
	t.Helper()
	if err == nil {
		t.Fatal("Do returned no error")
	}
	e, ok := clients.AsError(err)
	if !ok {
		t.Fatalf("Do returned %T (%v), not a *clients.Error", err, err)
	}
	if e.Gateway != "testgw" {
		t.Errorf("Gateway = %q, want testgw", e.Gateway)
	}
	return e
}

// TestDoRetriesServerErrors checks that 429, 500, 502, 503 and 504 are
// retried MaxRetries times and the last answer is returned, and that a
// recovery within the retries is returned as the answer.
func TestDoRetriesServerErrors(t *testing.T) {
	for _, code := range []int{429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv := serve(t, status(code))
			resp, err := newHTTP(retries(2)).Do(t.Context(), post(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != code || resp.Attempts != 3 || srv.calls() != 3 {
				t.Errorf("status %d, %d attempts, %d calls; want %d, 3, 3", resp.StatusCode, resp.Attempts, srv.calls(), code)
			}
			if string(resp.Body) != "answer 3" {
				t.Errorf("body %q, want the last answer's", resp.Body)
			}
		})
		t.Run(strconv.Itoa(code)+"/recovers", func(t *testing.T) {
			srv := serve(t, failThen(code, 2))
			resp, err := newHTTP(retries(3)).Do(t.Context(), post(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Attempts != 3 || srv.calls() != 3 || string(resp.Body) != `{"ok":true}` {
				t.Errorf("status %d, %d attempts, %d calls, body %q; want 200, 3, 3 and the success", resp.StatusCode, resp.Attempts, srv.calls(), resp.Body)
			}
		})
	}
}

// TestDoNeverRetriesOtherStatuses checks that client errors, and statuses
// not known to be transient, are answered after one attempt.
func TestDoNeverRetriesOtherStatuses(t *testing.T) {
	for _, code := range []int{200, 201, 400, 401, 403, 404, 405, 409, 415, 422, 501, 505} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv := serve(t, status(code))
			resp, err := newHTTP(retries(3)).Do(t.Context(), post(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != code || resp.Attempts != 1 || srv.calls() != 1 || string(resp.Body) != "answer 1" {
				t.Errorf("status %d, %d attempts, %d calls, body %q; want %d, 1, 1, answer 1", resp.StatusCode, resp.Attempts, srv.calls(), resp.Body, code)
			}
		})
	}
}

// TestDoAttemptsAreOnePlusMaxRetries checks the number of attempts for
// every MaxRetries the provider accepts.
func TestDoAttemptsAreOnePlusMaxRetries(t *testing.T) {
	for n := 0; n <= 10; n++ {
		srv := serve(t, status(http.StatusServiceUnavailable))
		resp, err := newHTTP(retries(n)).Do(t.Context(), post(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		if resp.Attempts != 1+n || srv.calls() != 1+n {
			t.Errorf("MaxRetries %d: %d attempts, %d calls; want %d", n, resp.Attempts, srv.calls(), 1+n)
		}
	}
	if got := newHTTP(retries(-3)).Options().MaxRetries; got != 0 {
		t.Errorf("MaxRetries -3 became %d, want 0", got)
	}
}

// countingTransport counts the attempts that reach the transport.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestDoRetriesConnectionRefused points at a loopback port nobody listens
// on: every attempt is made, then a transport error says so.
func TestDoRetriesConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()

	rt := &countingTransport{next: http.DefaultTransport}
	_, err = newHTTP(func(o *clients.HTTPOptions) { o.MaxRetries = 2; o.Transport = rt }).Do(t.Context(), post("http://"+addr+"/token"))
	e := asError(t, err)
	if e.Kind != clients.KindTransport || e.Attempts != 3 || rt.n.Load() != 3 {
		t.Errorf("kind %v, %d attempts, %d round trips; want transport, 3, 3", e.Kind, e.Attempts, rt.n.Load())
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not wrap ECONNREFUSED", err)
	}
	if !e.Retryable() {
		t.Error("a refused connection is not Retryable")
	}
}

// resetConn closes the request's connection with a TCP reset, before any
// answer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// TestDoRetriesResets checks that a connection reset before the answer, or
// in the middle of its body, is retried, and that a body that always
// breaks ends in a transport error after every attempt.
func TestDoRetriesResets(t *testing.T) {
	t.Run("before the answer", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n <= 2 {
				resetConn(w)
				return
			}
			fmt.Fprint(w, "ok")
		})
		resp, err := newHTTP(retries(2)).Do(t.Context(), post(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Attempts != 3 || string(resp.Body) != "ok" {
			t.Errorf("status %d, %d attempts, body %q; want 200, 3, ok", resp.StatusCode, resp.Attempts, resp.Body)
		}
	})

	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"ok":true}`) })
	t.Run("mid-body, then success", func(t *testing.T) {
		var in simkit.Injector
		in.Inject(simkit.Fault{Kind: simkit.ResetMidBody, Times: 1})
		srv := httptest.NewServer(in.Wrap(ok))
		defer srv.Close()
		resp, err := newHTTP(retries(2)).Do(t.Context(), post(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Attempts != 2 || in.Calls() != 2 || string(resp.Body) != `{"ok":true}` {
			t.Errorf("status %d, %d attempts, %d calls, body %q; want 200, 2, 2 and the whole body", resp.StatusCode, resp.Attempts, in.Calls(), resp.Body)
		}
	})
	t.Run("mid-body, always", func(t *testing.T) {
		var in simkit.Injector
		in.Inject(simkit.Fault{Kind: simkit.ResetMidBody})
		srv := httptest.NewServer(in.Wrap(ok))
		defer srv.Close()
		resp, err := newHTTP(retries(2)).Do(t.Context(), post(srv.URL))
		if resp != nil {
			t.Fatalf("a broken body was returned as an answer: %q", resp.Body)
		}
		e := asError(t, err)
		if e.Kind != clients.KindTransport || e.Attempts != 3 || in.Calls() != 3 || e.Err == nil {
			t.Errorf("kind %v, %d attempts, %d calls, cause %v; want transport, 3, 3 and a cause", e.Kind, e.Attempts, in.Calls(), e.Err)
		}
	})
}

// TestDoTimeoutIsPerAttempt hangs every request: each attempt gives up
// after Timeout, every attempt is made, and the error is a timeout, the
// way diagnostics recognise one.
func TestDoTimeoutIsPerAttempt(t *testing.T) {
	// A bound of the test's own, so a layer that ignores Timeout fails the
	// test instead of hanging it.
	bounded := func(t *testing.T) context.Context {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		t.Cleanup(cancel)
		return ctx
	}
	// Attempts are counted where the client sends them: on a starved
	// machine the server may not yet have taken in an attempt that timed out.
	timeouts := func(rt http.RoundTripper) func(*clients.HTTPOptions) {
		return func(o *clients.HTTPOptions) { o.Timeout = 100 * time.Millisecond; o.MaxRetries = 1; o.Transport = rt }
	}
	t.Run("no headers", func(t *testing.T) {
		srv := serve(t, hang(t, nil))
		rt := &countingTransport{next: http.DefaultTransport}
		start := time.Now()
		_, err := newHTTP(timeouts(rt)).Do(bounded(t), post(srv.URL))
		elapsed := time.Since(start)
		checkTimeout(t, err, int(rt.n.Load()), 2)
		if elapsed < 200*time.Millisecond || elapsed > 10*time.Second {
			t.Errorf("took %s; want two 100ms attempts", elapsed)
		}
	})
	// The limit covers reading the body too: a gateway that sends headers
	// and then stalls must not hold the call beyond Timeout.
	t.Run("stalled body", func(t *testing.T) {
		stall := hang(t, nil)
		srv := serve(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"status":`)
			_ = http.NewResponseController(w).Flush()
			stall(w, r, n)
		})
		rt := &countingTransport{next: http.DefaultTransport}
		_, err := newHTTP(timeouts(rt)).Do(bounded(t), post(srv.URL))
		checkTimeout(t, err, int(rt.n.Load()), 2)
	})
}

func checkTimeout(t *testing.T, err error, calls, want int) {
	t.Helper()
	e := asError(t, err)
	if e.Kind != clients.KindTransport || e.Attempts != want || calls != want {
		t.Errorf("kind %v, %d attempts, %d calls; want transport, %d, %d", e.Kind, e.Attempts, calls, want, want)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("error %v is not a net.Error timeout", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("a timeout reads as a cancellation: %v", err)
	}
}

// TestDoRetryAfter answers 429 or 503 with a long Retry-After, in seconds
// and as an HTTP date: the retry waits the capped time, not the tiny
// backoff and not the whole Retry-After.
func TestDoRetryAfter(t *testing.T) {
	const capped = 150 * time.Millisecond
	cases := []struct {
		name   string
		code   int
		header func() string
	}{
		{"seconds", 429, func() string { return "30" }},
		{"http date", 429, func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }},
		{"503 seconds", 503, func() string { return "120" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", c.header())
					w.WriteHeader(c.code)
					return
				}
				fmt.Fprint(w, "ok")
			})
			start := time.Now()
			resp, err := newHTTP(func(o *clients.HTTPOptions) { o.RetryAfterMax = capped }).Do(t.Context(), post(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Attempts != 2 {
				t.Fatalf("status %d after %d attempts; want 200 after 2", resp.StatusCode, resp.Attempts)
			}
			// Between the two arrivals the client waited the cap; the
			// jittered backoff alone is at most 2ms.
			if gap := srv.gap(0); gap < capped {
				t.Errorf("retried %s after the %d; want at least RetryAfterMax %s", gap, c.code, capped)
			}
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("took %s; Retry-After was not capped", elapsed)
			}
		})
	}
	t.Run("default cap", func(t *testing.T) {
		if got := clients.NewHTTP(clients.HTTPOptions{}).Options().RetryAfterMax; got != clients.DefaultRetryAfterMax {
			t.Errorf("RetryAfterMax defaults to %s, want %s", got, clients.DefaultRetryAfterMax)
		}
	})
}

// TestNewHTTPDefaults checks that zero options get the documented defaults.
func TestNewHTTPDefaults(t *testing.T) {
	got := clients.NewHTTP(clients.HTTPOptions{MaxRetries: 4}).Options()
	want := clients.HTTPOptions{
		Timeout: clients.DefaultTimeout, MaxRetries: 4, RetryWaitMin: clients.DefaultRetryWaitMin,
		RetryWaitMax: clients.DefaultRetryWaitMax, RetryAfterMax: clients.DefaultRetryAfterMax,
	}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	if o := clients.NewHTTP(clients.HTTPOptions{RetryWaitMin: time.Minute, RetryWaitMax: time.Second}).Options(); o.RetryWaitMax < o.RetryWaitMin {
		t.Errorf("RetryWaitMax %s below RetryWaitMin %s", o.RetryWaitMax, o.RetryWaitMin)
	}
}

// TestDoClassify checks the hook that lets a body overrule its status: it
// sees each answer's status and body, Temporary answers are retried even at
// HTTP 200, Final ones are not even at HTTP 503, and the last answer is
// returned when retries run out.
func TestDoClassify(t *testing.T) {
	type seen struct {
		status int
		body   string
	}
	limited := func(n int) string { return fmt.Sprintf(`{"status":"failure","errorCode":50000,"n":%d}`, n) }
	t.Run("recovers", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n <= 2 {
				fmt.Fprint(w, limited(n))
				return
			}
			fmt.Fprint(w, `{"status":"success"}`)
		})
		var mu sync.Mutex
		var got []seen
		req := post(srv.URL)
		req.Classify = func(status int, body []byte) clients.Verdict {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, seen{status, string(body)})
			if bytes.Contains(body, []byte("50000")) {
				return clients.Temporary
			}
			return clients.ByStatus
		}
		resp, err := newHTTP(retries(5)).Do(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Attempts != 3 || string(resp.Body) != `{"status":"success"}` {
			t.Errorf("%d attempts, body %q; want 3 and the success", resp.Attempts, resp.Body)
		}
		want := []seen{{200, limited(1)}, {200, limited(2)}, {200, `{"status":"success"}`}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("hook saw %v, want %v", got, want)
		}
	})
	t.Run("runs out", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) { fmt.Fprint(w, limited(n)) })
		req := post(srv.URL)
		req.Classify = func(int, []byte) clients.Verdict { return clients.Temporary }
		resp, err := newHTTP(retries(2)).Do(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Attempts != 3 || srv.calls() != 3 || string(resp.Body) != limited(3) {
			t.Errorf("status %d, %d attempts, %d calls, body %q; want 200, 3, 3 and the last answer", resp.StatusCode, resp.Attempts, srv.calls(), resp.Body)
		}
		// A refusal made from a temporary answer is retryable, so the
		// advice is to wait, not to check the credentials.
		if e := resp.Rejected("testgw", "50000", "Request Limit Exceeded"); !e.Transient || e.Final || !e.Retryable() {
			t.Errorf("refusal from a temporary answer: Transient %t, Final %t, Retryable %t; want true, false, true", e.Transient, e.Final, e.Retryable())
		}
	})
	t.Run("refusal left to the status", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) { fmt.Fprint(w, `{"errorCode":"1000"}`) })
		req := post(srv.URL)
		req.Classify = func(int, []byte) clients.Verdict { return clients.ByStatus }
		resp, err := newHTTP(retries(2)).Do(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if e := resp.Rejected("testgw", "1000", "Invalid signature"); e.Transient || e.Final || e.Retryable() || resp.Attempts != 1 {
			t.Errorf("refusal at HTTP 200: Transient %t, Final %t, Retryable %t after %d attempts; want none, 1 attempt", e.Transient, e.Final, e.Retryable(), resp.Attempts)
		}
	})
	t.Run("final at a retryable status", func(t *testing.T) {
		for _, code := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.WriteHeader(code)
				fmt.Fprint(w, `{"errorCode":"1000"}`)
			})
			req := post(srv.URL)
			req.Classify = func(int, []byte) clients.Verdict { return clients.Final }
			resp, err := newHTTP(retries(3)).Do(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			e := resp.Rejected("testgw", "1000", "Invalid signature")
			if resp.StatusCode != code || resp.Attempts != 1 || srv.calls() != 1 || !e.Final || e.Retryable() {
				t.Errorf("HTTP %d: status %d, %d attempts, %d calls, Final %t, Retryable %t; want %d, 1, 1, true, false",
					code, resp.StatusCode, resp.Attempts, srv.calls(), e.Final, e.Retryable(), code)
			}
		}
	})
	t.Run("not asked about redirects", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
		var asked atomic.Int64
		req := post(srv.URL)
		req.Classify = func(int, []byte) clients.Verdict { asked.Add(1); return clients.Temporary }
		_, err := newHTTP(retries(2)).Do(t.Context(), req)
		if e := asError(t, err); e.Kind != clients.KindRedirect || e.Attempts != 1 || asked.Load() != 0 {
			t.Errorf("kind %v, %d attempts, hook asked %d times; want redirect, 1, 0", e.Kind, e.Attempts, asked.Load())
		}
	})
}

// TestDoRedirectRefused answers with redirects to another loopback server:
// the error names the target, the target never gets a request, and
// credentials in the target are not repeated.
func TestDoRedirectRefused(t *testing.T) {
	target := serve(t, status(200))
	cases := []struct {
		name, location, want string
		code                 int
	}{
		{"301", target.URL + "/login?next=%2Ftoken", target.URL + "/login?…", 301},
		{"302", target.URL + "/login", target.URL + "/login", 302},
		{"303", target.URL + "/login", target.URL + "/login", 303},
		{"307", target.URL + "/token", target.URL + "/token", 307},
		{"308", target.URL + "/token", target.URL + "/token", 308},
		{"relative", "/v2/token", "", 302},
		{"no location", "", "(no Location header)", 302},
		{"credentials", "https://user:hunter2-password@example.invalid/login", "https://example.invalid/login", 302},
		{"token in the query", "https://example.invalid/cb?access_token=hunter2-query", "https://example.invalid/cb?…", 302},
		{"token in the fragment", "https://example.invalid/cb#hunter2-fragment", "https://example.invalid/cb?…", 302},
		{"unreadable", "https://u:hunter2-pass@example.invalid/%zz", "(an unreadable Location header)", 302},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if c.location != "" {
					w.Header().Set("Location", c.location)
				}
				w.WriteHeader(c.code)
			})
			want := c.want
			if want == "" {
				want = srv.URL + c.location
			}
			resp, err := newHTTP(retries(3)).Do(t.Context(), post(srv.URL+"/v1/token"))
			if resp != nil {
				t.Fatalf("a redirect was returned as an answer (HTTP %d)", resp.StatusCode)
			}
			e := asError(t, err)
			if e.Kind != clients.KindRedirect || e.StatusCode != c.code || e.Attempts != 1 || srv.calls() != 1 {
				t.Errorf("kind %v, HTTP %d, %d attempts, %d calls; want redirect, %d, 1, 1", e.Kind, e.StatusCode, e.Attempts, srv.calls(), c.code)
			}
			if e.Location != want {
				t.Errorf("Location = %q, want %q", e.Location, want)
			}
			if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q does not name the target %q, or repeats its password", err, want)
			}
		})
	}
	if n := target.calls(); n != 0 {
		t.Errorf("the redirect target received %d requests; redirects must never be followed", n)
	}
}

// TestDoBodyLimit checks the 1 MiB limit at its edge, with and without
// Content-Length, and that a body over it is never retried.
func TestDoBodyLimit(t *testing.T) {
	body := func(n int, chunked bool) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, _ *http.Request, _ int) {
			if !chunked {
				w.Header().Set("Content-Length", strconv.Itoa(n))
			}
			_, _ = w.Write(bytes.Repeat([]byte("a"), n))
		}
	}
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("exactly 1 MiB, chunked %t", chunked), func(t *testing.T) {
			srv := serve(t, body(clients.MaxBodyBytes, chunked))
			resp, err := newHTTP(nil).Do(t.Context(), post(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body) != clients.MaxBodyBytes {
				t.Errorf("body of %d bytes, want %d", len(resp.Body), clients.MaxBodyBytes)
			}
		})
		t.Run(fmt.Sprintf("1 MiB + 1, chunked %t", chunked), func(t *testing.T) {
			srv := serve(t, body(clients.MaxBodyBytes+1, chunked))
			_, err := newHTTP(retries(3)).Do(t.Context(), post(srv.URL))
			e := asError(t, err)
			if e.Kind != clients.KindTooLarge || e.StatusCode != 200 || e.Attempts != 1 || srv.calls() != 1 {
				t.Errorf("kind %v, HTTP %d, %d attempts, %d calls; want too large, 200, 1, 1", e.Kind, e.StatusCode, e.Attempts, srv.calls())
			}
			if !strings.Contains(err.Error(), "over 1 MiB") {
				t.Errorf("error %q does not give the limit", err)
			}
		})
	}
	t.Run("3 MiB behind a retryable status", func(t *testing.T) {
		var in simkit.Injector
		in.Inject(simkit.Fault{Kind: simkit.Raw, Status: 503, Body: strings.Repeat("x", 3<<20)})
		srv := httptest.NewServer(in.Wrap(http.NotFoundHandler()))
		defer srv.Close()
		_, err := newHTTP(retries(3)).Do(t.Context(), post(srv.URL))
		if e := asError(t, err); e.Kind != clients.KindTooLarge || e.StatusCode != 503 || e.Attempts != 1 || in.Calls() != 1 {
			t.Errorf("kind %v, HTTP %d, %d attempts, %d calls; want too large, 503, 1, 1", e.Kind, e.StatusCode, e.Attempts, in.Calls())
		}
	})
}

// TestMaxBodySize checks that the size messages give is the limit applied.
func TestMaxBodySize(t *testing.T) {
	if clients.MaxBodyBytes%(1<<20) != 0 || fmt.Sprintf("%d MiB", clients.MaxBodyBytes>>20) != clients.MaxBodySize {
		t.Errorf("MaxBodySize %q does not give MaxBodyBytes %d", clients.MaxBodySize, clients.MaxBodyBytes)
	}
}

// TestDoHeaders checks what every attempt carries: the User-Agent, Accept
// unless the gateway sets its own, the gateway's headers, and the same
// body.
func TestDoHeaders(t *testing.T) {
	srv := serve(t, failThen(http.StatusBadGateway, 1))
	req := post(srv.URL)
	req.Header = http.Header{"Accept-Language": {"tr"}, "Content-Type": {"application/json"}}
	resp, err := newHTTP(nil).Do(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || len(srv.headers) != 2 {
		t.Fatalf("%d attempts, %d requests; want 2", resp.Attempts, len(srv.headers))
	}
	for i := range 2 {
		h := srv.headers[i]
		if h.Get("User-Agent") != testUserAgent || h.Get("Accept") != "application/json" ||
			h.Get("Accept-Language") != "tr" || h.Get("Content-Type") != "application/json" {
			t.Errorf("attempt %d headers: %v", i+1, h)
		}
		if string(srv.bodies[i]) != `{"k":"v"}` {
			t.Errorf("attempt %d sent body %q, want the request's", i+1, srv.bodies[i])
		}
	}

	own := serve(t, status(200))
	req = &clients.Request{Gateway: "testgw", Method: http.MethodPost, URL: own.URL,
		Header: http.Header{"Accept": {"application/vnd.gateway+json"}, "User-Agent": {"spoofed"}}}
	if _, err := newHTTP(nil).Do(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if h := own.headers[0]; h.Get("Accept") != "application/vnd.gateway+json" || h.Get("User-Agent") != testUserAgent {
		t.Errorf("Accept %q, User-Agent %q; want the gateway's Accept and the provider's User-Agent", h.Get("Accept"), h.Get("User-Agent"))
	}
	if len(own.bodies[0]) != 0 {
		t.Errorf("a request without a body sent %q", own.bodies[0])
	}
}

// TestDoSignsEveryAttempt checks that Sign runs once before each attempt,
// with the request as sent, so each attempt carries a fresh signature.
func TestDoSignsEveryAttempt(t *testing.T) {
	srv := serve(t, status(http.StatusServiceUnavailable))
	var signed atomic.Int64
	req := post(srv.URL + "/v1/token?x=1")
	req.Sign = func(r *http.Request, body []byte) error {
		n := signed.Add(1)
		if r.URL.Path != "/v1/token" || string(body) != `{"k":"v"}` {
			return fmt.Errorf("signing %s with body %q", r.URL.Path, body)
		}
		r.Header.Set("X-Signature", fmt.Sprint("sig-", n))
		return nil
	}
	resp, err := newHTTP(retries(2)).Do(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if signed.Load() != 3 || resp.Attempts != 3 {
		t.Errorf("signed %d times for %d attempts; want 3 and 3", signed.Load(), resp.Attempts)
	}
	for i, h := range srv.headers {
		if got, want := h.Get("X-Signature"), fmt.Sprint("sig-", i+1); got != want {
			t.Errorf("attempt %d carried signature %q, want %q", i+1, got, want)
		}
	}
}

// TestDoSignErrors checks that a signing failure stops the call with an
// error wrapping it, before the first attempt or before a retry.
func TestDoSignErrors(t *testing.T) {
	errSign := errors.New("no entropy")
	for _, failOn := range []int64{1, 2} {
		t.Run(fmt.Sprint("sign ", failOn), func(t *testing.T) {
			srv := serve(t, status(http.StatusServiceUnavailable))
			var signed atomic.Int64
			req := post(srv.URL)
			req.Sign = func(*http.Request, []byte) error {
				if signed.Add(1) == failOn {
					return errSign
				}
				return nil
			}
			resp, err := newHTTP(retries(3)).Do(t.Context(), req)
			if resp != nil {
				t.Fatalf("the signing failure was swallowed: got an answer, HTTP %d with %d bytes", resp.StatusCode, len(resp.Body))
			}
			e := asError(t, err)
			if !errors.Is(err, errSign) || e.Kind != clients.KindTransport {
				t.Errorf("error %v (kind %v) does not wrap the signing error", err, e.Kind)
			}
			if srv.calls() != int(failOn-1) {
				t.Errorf("%d requests sent; want %d, none after the signing failure", srv.calls(), failOn-1)
			}
		})
	}
}

// TestDoBadRequests checks failures that no retry can mend: a URL that
// cannot be built, a scheme without a transport, and an untrusted
// certificate are reported after one attempt at most.
func TestDoBadRequests(t *testing.T) {
	_, err := newHTTP(nil).Do(t.Context(), post("http://[::1"))
	if e := asError(t, err); e.Kind != clients.KindTransport || e.Attempts != 0 || !strings.Contains(err.Error(), "base_url") {
		t.Errorf("unbuildable URL: kind %v, %d attempts, %v", e.Kind, e.Attempts, err)
	}

	_, err = newHTTP(retries(3)).Do(t.Context(), post("ftp://127.0.0.1/token"))
	if e := asError(t, err); e.Kind != clients.KindTransport || e.Attempts != 1 {
		t.Errorf("ftp:// URL: kind %v, %d attempts; want transport after 1", e.Kind, e.Attempts)
	}

	var handled atomic.Int64
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { handled.Add(1) }))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	_, err = newHTTP(retries(3)).Do(t.Context(), post(tlsSrv.URL))
	e := asError(t, err)
	if e.Kind != clients.KindTransport || e.Attempts != 1 || handled.Load() != 0 {
		t.Errorf("untrusted certificate: kind %v, %d attempts, %d handled; want transport, 1, 0", e.Kind, e.Attempts, handled.Load())
	}
}

// signalLogger tells its channel when the HTTP layer is about to wait
// before a retry.
type signalLogger struct{ waiting chan<- struct{} }

func (l signalLogger) Debug(msg string, _ ...any) {
	if msg == "retrying request" {
		select {
		case l.waiting <- struct{}{}:
		default:
		}
	}
}
func (signalLogger) Info(string, ...any)  {}
func (signalLogger) Warn(string, ...any)  {}
func (signalLogger) Error(string, ...any) {}

// TestDoCancel cancels the context while a request hangs and while the
// layer waits before a retry: Do returns at once with an error that is
// context.Canceled, although the timeout and the wait are long.
func TestDoCancel(t *testing.T) {
	type result struct {
		resp *clients.Response
		err  error
	}
	run := func(t *testing.T, srv *server, ready <-chan struct{}, ctxOf func(context.Context) context.Context, wantCalls int) {
		t.Helper()
		ctx, cancel := context.WithCancel(ctxOf(t.Context()))
		defer cancel()
		h := newHTTP(func(o *clients.HTTPOptions) {
			o.Timeout = 30 * time.Second
			o.MaxRetries = 3
			o.RetryAfterMax = time.Minute
		})
		done := make(chan result, 1)
		go func() {
			resp, err := h.Do(ctx, post(srv.URL))
			done <- result{resp, err}
		}()
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			t.Fatal("the request never reached the point to cancel at")
		}
		cancelled := time.Now()
		cancel()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Do did not return after the context was cancelled")
		}
		if elapsed := time.Since(cancelled); elapsed > time.Second {
			t.Errorf("Do returned %s after the cancel; want at once", elapsed)
		}
		if r.resp != nil {
			t.Errorf("Do returned an answer (HTTP %d) after the cancel", r.resp.StatusCode)
		}
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("error %v is not context.Canceled", r.err)
		}
		if _, ok := clients.AsError(r.err); !ok {
			t.Errorf("error %T is not a *clients.Error", r.err)
		}
		if srv.calls() != wantCalls {
			t.Errorf("%d requests sent; want %d", srv.calls(), wantCalls)
		}
	}

	t.Run("during a hang", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv := serve(t, hang(t, arrived))
		run(t, srv, arrived, func(ctx context.Context) context.Context { return ctx }, 1)
	})
	t.Run("during the wait before a retry", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		waiting := make(chan struct{}, 1)
		run(t, srv, waiting, func(ctx context.Context) context.Context {
			return clients.WithLogger(ctx, signalLogger{waiting})
		}, 1)
	})
	t.Run("before the call", func(t *testing.T) {
		srv := serve(t, status(200))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		resp, err := newHTTP(nil).Do(ctx, post(srv.URL))
		if resp != nil || !errors.Is(err, context.Canceled) || srv.calls() != 0 {
			t.Errorf("answer %v, error %v, %d requests; want no answer, context.Canceled, 0", resp, err, srv.calls())
		}
	})
	t.Run("deadline", func(t *testing.T) {
		srv := serve(t, hang(t, nil))
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := newHTTP(func(o *clients.HTTPOptions) { o.Timeout = 30 * time.Second }).Do(ctx, post(srv.URL))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
			t.Errorf("error %v after %s; want context.DeadlineExceeded soon after 100ms", err, time.Since(start))
		}
	})
}

// TestDoConcurrent runs calls in parallel on one HTTP layer, for the race
// detector, each with its own retries.
func TestDoConcurrent(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		mu.Lock()
		seen[r.URL.Path]++
		n := seen[r.URL.Path]
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, r.URL.Path)
	})
	h := newHTTP(nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			p := fmt.Sprint("/c", i)
			resp, err := h.Do(t.Context(), post(srv.URL+p))
			switch {
			case err != nil:
				errs <- err
			case resp.Attempts != 2 || string(resp.Body) != p:
				errs <- fmt.Errorf("%s: %d attempts, body %q", p, resp.Attempts, resp.Body)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestParseRetryAfter covers both forms of Retry-After and what is refused.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"   ", 0, false},
		{"0", 0, true},
		{"1", time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"120", 2 * time.Minute, true},
		{"86400", 24 * time.Hour, true},
		{"86401", 24 * time.Hour, true},
		{"9223372036854775807", 24 * time.Hour, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false},
		{"Sat, 14 Mar 2026 09:30:30 GMT", 30 * time.Second, true},
		{"Saturday, 14-Mar-26 09:31:00 GMT", time.Minute, true},
		{"Sat Mar 14 09:30:05 2026", 5 * time.Second, true},
		{"Sat, 14 Mar 2026 09:29:00 GMT", 0, true},
		{"Thu, 01 Jan 1970 00:00:00 GMT", 0, true},
		{"2026-03-14T09:31:00Z", 0, false},
		{"Sat, 14 Mar 2026 09:30:30", 0, false},
	}
	for _, c := range cases {
		got, ok := clients.ParseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %t; want %s, %t", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestJitteredBackoff checks the window of each attempt's wait, and that no
// input leaves [0, maxWait] or panics.
func TestJitteredBackoff(t *testing.T) {
	const minW, maxW = 100 * time.Millisecond, time.Second
	cases := []struct {
		attempt  int
		from, to time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{2, 200 * time.Millisecond, 400 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 500 * time.Millisecond, time.Second},
		{10, 500 * time.Millisecond, time.Second},
		{31, 500 * time.Millisecond, time.Second},
		{32, 500 * time.Millisecond, time.Second},
		{1000, 500 * time.Millisecond, time.Second},
	}
	for _, c := range cases {
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for range 200 {
			d := clients.JitteredBackoff(minW, maxW, c.attempt)
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < c.from || hi > c.to {
			t.Errorf("attempt %d: waits in [%s, %s], want within [%s, %s]", c.attempt, lo, hi, c.from, c.to)
		}
		if hi == lo && c.from != c.to {
			t.Errorf("attempt %d: every wait was %s; want jitter", c.attempt, lo)
		}
	}

	// Whatever the inputs, the wait lies between half and all of
	// min(minWait*2^attempt, maxWait), computed here without overflow, and
	// a negative attempt counts as the first instead of panicking.
	for _, minWait := range []time.Duration{time.Nanosecond, time.Millisecond, 500 * time.Millisecond, 8 * time.Second, time.Hour, 1 << 40} {
		for _, maxWait := range []time.Duration{minWait, 2 * minWait, 1 << 62} {
			for attempt := -2; attempt <= 70; attempt++ {
				d := clients.JitteredBackoff(minWait, maxWait, attempt)
				want := math.Min(float64(minWait)*math.Pow(2, float64(max(attempt, 0))), float64(maxWait))
				if float64(d) < want/2*(1-1e-9) || float64(d) > want*(1+1e-9) {
					t.Fatalf("JitteredBackoff(%s, %s, %d) = %s, want between %s and %s",
						minWait, maxWait, attempt, d, time.Duration(want/2), time.Duration(want))
				}
			}
		}
	}
}

// TestCheckBaseURL covers what base_url accepts: https anywhere, http only
// on loopback, nothing with credentials, a query or a fragment.
func TestCheckBaseURL(t *testing.T) {
	cases := []struct {
		url  string
		want string // "" means accepted; else a piece of the error
	}{
		{"https://api.iyzipay.com", ""},
		{"https://app.sipay.com.tr/ccpayment", ""},
		{"https://app.sipay.com.tr/ccpayment/", ""},
		{"HTTPS://API.TAHSILAT.COM", ""},
		{"https://api.example.com:8443/base", ""},
		{"https://10.0.0.1", ""},
		{"http://127.0.0.1", ""},
		{"http://127.0.0.1:8080/ccpayment", ""},
		{"http://127.5.6.7:1", ""},
		{"http://[::1]:9000", ""},
		{"http://localhost:8080", ""},
		{"http://LOCALHOST", ""},
		{"http://example.com", `plain http:// on the non-loopback host "example.com"`},
		{"http://app.sipay.com.tr/ccpayment", `non-loopback host "app.sipay.com.tr"`},
		{"http://10.0.0.1", `non-loopback host "10.0.0.1"`},
		{"http://128.0.0.1", `non-loopback host "128.0.0.1"`},
		{"http://[::2]", `non-loopback host "::2"`},
		{"http://localhost.example.com", `non-loopback host "localhost.example.com"`},
		{"http://127.0.0.1.nip.io", `non-loopback host "127.0.0.1.nip.io"`},
		{"http://0.0.0.0", `non-loopback host "0.0.0.0"`},
		{"ftp://example.com", `scheme "ftp"; use https://`},
		{"file:///etc/passwd", "absolute URL"},
		{"ws://127.0.0.1", `scheme "ws"`},
		{"api.iyzipay.com", "absolute URL"},
		{"/ccpayment", "absolute URL"},
		{"//api.iyzipay.com", "absolute URL"},
		{"", "absolute URL"},
		{"https://", "absolute URL"},
		{"https://user:pass@api.iyzipay.com", "credentials"},
		{"https://user@api.iyzipay.com", "credentials"},
		{"https://api.iyzipay.com?x=1", "query string or fragment"},
		{"https://api.iyzipay.com?", "query string or fragment"},
		{"https://api.iyzipay.com#top", "query string or fragment"},
		{"https://api.iyzipay.com/%zz", "not a valid URL"},
		{"https://exa mple.com", "not a valid URL"},
	}
	for _, c := range cases {
		err := clients.CheckBaseURL(c.url)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckBaseURL(%q) = %v, want accepted", c.url, err)
		case c.want != "" && err == nil:
			t.Errorf("CheckBaseURL(%q) accepted, want an error with %q", c.url, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("CheckBaseURL(%q) = %q, want it to say %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "pass@") {
			t.Errorf("CheckBaseURL(%q) repeats the credentials: %v", c.url, err)
		}
	}
}

// TestShowURL checks that a base URL is shown in a diagnostic without the
// credentials it may carry.
func TestShowURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.iyzipay.com":                       `"https://api.iyzipay.com"`,
		"https://user:s3cr3t@api.iyzipay.com/v1":        `"https://api.iyzipay.com/v1"`,
		"https://s3cr3t@api.iyzipay.com":                `"https://api.iyzipay.com"`,
		"https://api.iyzipay.com/v1#key=s3cr3t":         `"https://api.iyzipay.com/v1?…"`,
		"sandbox-api.iyzipay.com":                       `"sandbox-api.iyzipay.com"`,
		"http://user:s3cr3t@[::1":                       "(not shown)",
		"https://user:s3cr3t\x7f@api.iyzipay.com":       "(not shown)",
		"https://user:s3cr3t@api.iyzipay.com/?q=s3cr3t": `"https://api.iyzipay.com/?…"`,
	} {
		got := clients.ShowURL(raw)
		if got != want {
			t.Errorf("ShowURL(%q) = %s, want %s", raw, got, want)
		}
	}
}

// TestIsLoopbackHost covers the hosts plain http is allowed for.
func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.255.255.254": true, "::1": true, "localhost": true, "LocalHost": true,
		"0:0:0:0:0:0:0:1": true, "::ffff:127.0.0.1": true,
		"": false, "128.0.0.1": false, "10.0.0.1": false, "::": false, "0.0.0.0": false,
		"localhost.localdomain": false, "example.com": false, "[::1]": false,
	} {
		if got := clients.IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %t, want %t", host, got, want)
		}
	}
}

// TestCleanText pins the one cleaning every gateway's words go through.
func TestCleanText(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"  Geçersiz\timza \r\n", 40, "Geçersiz imza"},
		{"a\x00b\x1bc", 40, "a b c"},
		{"bad\xffbyte", 40, "bad byte"},
		{"one two three", 7, "one two…"},
		{"exactly8", 7, "exactly…"},
		{"seven77", 7, "seven77"},
		{"", 7, ""},
	} {
		if got := clients.CleanText(c.in, c.limit); got != c.want {
			t.Errorf("CleanText(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
}

// textLogger keeps every log line the HTTP layer writes, values included.
type textLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *textLogger) add(msg string, kv []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(append([]any{msg}, kv...)...))
}
func (l *textLogger) Debug(msg string, kv ...any) { l.add(msg, kv) }
func (l *textLogger) Info(msg string, kv ...any)  { l.add(msg, kv) }
func (l *textLogger) Warn(msg string, kv ...any)  { l.add(msg, kv) }
func (l *textLogger) Error(msg string, kv ...any) { l.add(msg, kv) }

// TestDoNeverQuotesBrokenAnswers has raw TCP gateways answer with what is
// not valid HTTP, with a token in it. net/http quotes such bytes in its
// errors; neither the error nor any log line may.
func TestDoNeverQuotesBrokenAnswers(t *testing.T) {
	const token = "hunter2-tok-7Qx"
	cases := map[string]string{
		"JSON instead of HTTP":     `{"access_token":"` + token + `"}` + "\r\n\r\n",
		"header without a colon":   "HTTP/1.1 200 OK\r\nX-Access-Token " + token + "\r\nContent-Length: 0\r\n\r\n",
		"status line with a token": "HTTP/1.1 2x0 " + token + "\r\nContent-Length: 0\r\n\r\n",
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = ln.Close() })
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					buf := make([]byte, 4096)
					_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
					_, _ = conn.Read(buf)
					_, _ = io.WriteString(conn, answer)
					_ = conn.Close()
				}
			}()
			log := &textLogger{}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			ctx = clients.WithLogger(ctx, log)
			_, err = newHTTP(retries(1)).Do(ctx, post("http://"+ln.Addr().String()+"/token"))
			e := asError(t, err)
			if e.Kind != clients.KindTransport || e.Attempts != 2 {
				t.Errorf("kind %v after %d attempts, want transport after 2", e.Kind, e.Attempts)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error %q quotes the answer", err)
			}
			if !strings.Contains(err.Error(), "not valid HTTP") {
				t.Errorf("error %q does not say the answer is not valid HTTP", err)
			}
			log.mu.Lock()
			defer log.mu.Unlock()
			if len(log.lines) == 0 {
				t.Fatal("nothing was logged")
			}
			for _, l := range log.lines {
				if strings.Contains(l, token) {
					t.Errorf("log line %q quotes the answer", l)
				}
			}
		})
	}
}

// TestDoNamesOnlyTheMediaType checks that an unreadable answer is described
// by its media type, never by the Content-Type's parameters.
func TestDoNamesOnlyTheMediaType(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html; token=hunter2-ct")
		fmt.Fprint(w, "<html>maintenance</html>")
	})
	resp, err := newHTTP(retries(0)).Do(t.Context(), post(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	derr := resp.DecodeJSON(&v)
	if derr == nil || !strings.Contains(derr.Error(), `Content-Type "text/html"`) || strings.Contains(derr.Error(), "hunter2") {
		t.Errorf("DecodeJSON error %v; want one naming \"text/html\" and nothing of its parameters", derr)
	}
}
