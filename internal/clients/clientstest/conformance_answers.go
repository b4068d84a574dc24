package clientstest

import (
	"context"
	"errors"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// sensitive returns cred's settings and arguments that spec marks
// sensitive, by name.
func (s *suite) sensitive(cred simkit.Credential) map[string]string {
	out := map[string]string{}
	for name, v := range cred.Settings {
		if f, ok := field(s.spec.Settings, name); ok && f.Sensitive && v != "" {
			out[name] = v
		}
	}
	for name, v := range cred.Args {
		if f, ok := field(s.spec.Args, name); ok && f.Sensitive && v != "" {
			out[name] = v
		}
	}
	return out
}

// testRefusals checks what a client shows of a refusal, made with the
// emulator's own: the gateway's message when the body carries no token, a
// secret it echoes redacted, none of a body that carries a token; and that
// a refusal is never retried.
func (s *suite) testRefusals(t *testing.T) {
	b := s.start(t)
	cred := b.creds[0]
	// refusal makes a call that must be refused, allowing retries it must
	// not make.
	refusal := func(t *testing.T, cred simkit.Credential) (*clients.Error, error) {
		t.Helper()
		before := b.calls()
		tok, err := token(t.Context(), s.client(t, b, cred, httpLayer(retries(3))), cred)
		e := asError(t, tok, err)
		if e.Kind != clients.KindRejected || e.Gateway != s.spec.Name || e.Attempts != 1 || b.calls()-before != 1 || e.Retryable() {
			t.Errorf("%v: kind %v, %d attempts, %d calls, retryable %t; want a refusal after one call, not retryable",
				err, e.Kind, e.Attempts, b.calls()-before, e.Retryable())
		}
		return e, err
	}
	refuse := func(t *testing.T, f simkit.Fault) (*clients.Error, error) {
		t.Helper()
		b.inject(t, f)
		return refusal(t, cred)
	}

	const message = "Kimlik bilgileri geçersiz"
	quoted, _ := refuse(t, b.Emulator.Refusal(message))
	if !strings.Contains(quoted.Message, message) || quoted.Code == "" {
		t.Errorf("refusal %+v does not show the gateway's code and message %q", *quoted, message)
	}

	t.Run("a body that carries a token is never quoted", func(t *testing.T) {
		const tok = "tok-Conformance-7Qx2"
		const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb25mb3JtYW5jZSJ9.c2lnbmF0dXJl"
		for _, c := range []struct{ name, key, token string }{
			{"accessToken", `"accessToken":"` + tok + `",`, tok},
			{"access_token", `"access_token":"` + tok + `",`, tok},
			{"token", `"token":"` + tok + `",`, tok},
			{"data.token", `"data":{"token":"` + tok + `"},`, tok},
			{"a JWT in the message alone", "", jwt},
		} {
			t.Run(c.name, func(t *testing.T) {
				f := b.Emulator.Refusal("oturum " + c.token + " geçersiz")
				// The failure object alone, or first in an array, as Sipay's
				// platform may answer.
				open := "{"
				if strings.HasPrefix(f.Body, "[{") {
					open = "[{"
				}
				rest, ok := strings.CutPrefix(f.Body, open)
				if !ok {
					t.Fatalf("the emulator's refusal is not a JSON object or an array that starts with one: %q", f.Body)
				}
				f.Body = open + c.key + rest
				e, err := refuse(t, f)
				if strings.Contains(err.Error(), c.token) || strings.Contains(e.Message, c.token) {
					t.Errorf("error %q quotes the token the body carries", err)
				}
				// A gateway may withhold its code with the message, or keep
				// it; it may not show anything else.
				if e.Code != "" && e.Code != quoted.Code {
					t.Errorf("code %q; want none or the refusal's own %q", e.Code, quoted.Code)
				}
			})
		}
	})

	t.Run("an echoed secret is redacted", func(t *testing.T) {
		for name, secret := range s.sensitive(cred) {
			t.Run(name, func(t *testing.T) {
				e, err := refuse(t, b.Emulator.Refusal("yanlış anahtar "+secret+" gönderildi"))
				if strings.Contains(err.Error(), secret) || !strings.Contains(e.Message, clients.Redacted) {
					t.Errorf("error %q; want the gateway's message with %s redacted", err, name)
				}
			})
		}
	})

	t.Run("wrong credentials", func(t *testing.T) {
		for name, secret := range s.sensitive(cred) {
			t.Run(name, func(t *testing.T) {
				b.inject(t)
				wrong := simkit.Credential{Settings: maps.Clone(cred.Settings), Args: maps.Clone(cred.Args)}
				if _, ok := wrong.Settings[name]; ok {
					wrong.Settings[name] = "wrong-" + secret
				} else {
					wrong.Args[name] = "wrong-" + secret
				}
				_, err := refusal(t, wrong)
				noSecret(t, "the error", err.Error(), secret, "wrong-"+secret)
			})
		}
	})

	t.Run("shared token-carrying bodies", func(t *testing.T) {
		gw := s.client(t, b, cred, httpLayer())
		for _, tb := range TokenBodies {
			t.Run(tb.Name, func(t *testing.T) {
				b.inject(t, simkit.Fault{Kind: simkit.Raw, Status: tb.Status, ContentType: "application/json", Body: tb.Body})
				tok, err := token(t.Context(), gw, cred)
				if e := asError(t, tok, err); strings.Contains(err.Error(), tb.Token) || strings.Contains(e.Message, tb.Token) {
					t.Errorf("error %q quotes the token the body carries", err)
				}
			})
		}
	})
}

// padded returns a JSON object of exactly n bytes.
func padded(n int) string {
	const open, end = `{"padding":"`, `"}`
	return open + strings.Repeat("x", n-len(open)-len(end)) + end
}

// testFaults makes the emulator misbehave in each way the HTTP layer must
// handle, and checks what every client makes of it.
func (s *suite) testFaults(t *testing.T) {
	b := s.start(t)
	cred := b.creds[0]
	// A first call outside the short limits below, so a gateway whose
	// emulator makes a key on first use is not timed making it.
	if _, err := token(t.Context(), s.client(t, b, cred, httpLayer()), cred); err != nil {
		t.Fatalf("Token: %v", err)
	}
	run := func(t *testing.T, faults []simkit.Fault, mods ...func(*clients.HTTPOptions)) (*clients.Token, int64, error) {
		t.Helper()
		b.inject(t, faults...)
		before := b.calls()
		tok, err := token(t.Context(), s.client(t, b, cred, httpLayer(mods...)), cred)
		return tok, b.calls() - before, err
	}
	once := func(f simkit.Fault) []simkit.Fault { f.Times = 1; return []simkit.Fault{f} }
	always := func(f simkit.Fault) []simkit.Fault { return []simkit.Fault{f} }
	check := func(t *testing.T, err error, e *clients.Error, kind clients.ErrorKind, status, attempts int, calls int64, wantCalls int64, retryable bool) {
		t.Helper()
		if e.Kind != kind || e.StatusCode != status || e.Attempts != attempts || calls != wantCalls || e.Retryable() != retryable {
			t.Errorf("%v: kind %v, HTTP %d, %d attempts, %d calls, retryable %t; want %v, HTTP %d, %d attempts, %d calls, retryable %t",
				err, e.Kind, e.StatusCode, e.Attempts, calls, e.Retryable(), kind, status, attempts, wantCalls, retryable)
		}
	}

	t.Run("redirect refused", func(t *testing.T) {
		tok, calls, err := run(t, always(simkit.Fault{Kind: simkit.Redirect, Location: "https://example.invalid/login?session=hunter2-redirect"}), retries(3))
		e := asError(t, tok, err)
		check(t, err, e, clients.KindRedirect, http.StatusFound, 1, calls, 1, false)
		if want := "https://example.invalid/login?…"; e.Location != want || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q; want it to name %s and nothing of its query", err, want)
		}
	})
	t.Run("1 MiB + 1 refused", func(t *testing.T) {
		tok, calls, err := run(t, always(simkit.Fault{Kind: simkit.Raw, ContentType: "application/json", Body: padded(clients.MaxBodyBytes + 1)}), retries(3))
		e := asError(t, tok, err)
		check(t, err, e, clients.KindTooLarge, http.StatusOK, 1, calls, 1, false)
		if !strings.Contains(err.Error(), clients.MaxBodySize) {
			t.Errorf("error %q does not give the limit", err)
		}
	})
	t.Run("1 MiB read", func(t *testing.T) {
		tok, calls, err := run(t, once(simkit.Fault{Kind: simkit.Raw, ContentType: "application/json", Body: padded(clients.MaxBodyBytes)}))
		if e := asError(t, tok, err); e.Kind == clients.KindTooLarge || calls != 1 {
			t.Errorf("%v after %d calls; want a body of exactly the limit read", err, calls)
		}
	})
	// An answer no gateway can read is described in the decoder's words,
	// never quoted.
	for kind, says := range map[simkit.Kind]string{
		simkit.NonJSON:   "not valid JSON",
		simkit.Empty:     "the response body is empty",
		simkit.Truncated: "truncated JSON",
		simkit.Malformed: "not valid JSON",
	} {
		t.Run("unreadable answer "+string(kind), func(t *testing.T) {
			tok, calls, err := run(t, always(simkit.Fault{Kind: kind}), retries(3))
			e := asError(t, tok, err)
			check(t, err, e, clients.KindMalformed, http.StatusOK, 1, calls, 1, false)
			if !strings.Contains(err.Error(), says) {
				t.Errorf("error %q does not say %q", err, says)
			}
			if e.Code != "" || e.Message != "" || strings.Contains(err.Error(), "Bakım") || strings.Contains(err.Error(), "[1,2") {
				t.Errorf("error %q quotes the answer", err)
			}
		})
	}
	t.Run("429 waits Retry-After, capped", func(t *testing.T) {
		const capped = 100 * time.Millisecond
		start := time.Now()
		tok, calls, err := run(t, once(simkit.Fault{Kind: simkit.RateLimit, RetryAfter: "120"}), retries(2),
			func(o *clients.HTTPOptions) { o.RetryAfterMax = capped })
		if err != nil || tok == nil || calls != 2 {
			t.Fatalf("Token = %v, %v after %d calls; want a token after 2", tok, err, calls)
		}
		if elapsed := time.Since(start); elapsed < capped {
			t.Errorf("took %s; want at least RetryAfterMax %s between the calls", elapsed, capped)
		}
	})
	t.Run("429 beyond the retries", func(t *testing.T) {
		tok, calls, err := run(t, always(simkit.Fault{Kind: simkit.RateLimit, RetryAfter: "1"}), retries(2))
		e := asError(t, tok, err)
		if e.StatusCode != http.StatusTooManyRequests || e.Attempts != 3 || calls != 3 || !e.Retryable() {
			t.Errorf("%v: HTTP %d, %d attempts, %d calls, retryable %t; want HTTP 429, 3, 3, true", err, e.StatusCode, e.Attempts, calls, e.Retryable())
		}
	})
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(code)+" retried, bounded", func(t *testing.T) {
			tok, calls, err := run(t, always(simkit.Fault{Kind: simkit.HTMLError, Status: code}), retries(2))
			check(t, err, asError(t, tok, err), clients.KindHTTPStatus, code, 3, calls, 3, true)
			if !strings.Contains(err.Error(), "not valid JSON") || strings.Contains(err.Error(), "nginx") {
				t.Errorf("error %q does not say the error page is not JSON, or quotes it", err)
			}
			tok, calls, err = run(t, []simkit.Fault{{Kind: simkit.HTMLError, Status: code, Times: 2}}, retries(2))
			if err != nil || tok == nil || calls != 3 {
				t.Errorf("Token = %v, %v after %d calls; want a token after 2 failures", tok, err, calls)
			}
		})
	}
	t.Run("501 not retried", func(t *testing.T) {
		tok, calls, err := run(t, always(simkit.Fault{Kind: simkit.HTMLError, Status: http.StatusNotImplemented}), retries(2))
		check(t, err, asError(t, tok, err), clients.KindHTTPStatus, http.StatusNotImplemented, 1, calls, 1, false)
	})
	t.Run("per-attempt timeout, then an answer", func(t *testing.T) {
		tok, calls, err := run(t, once(simkit.Fault{Kind: simkit.Hang}), retries(1), func(o *clients.HTTPOptions) { o.Timeout = 500 * time.Millisecond })
		if err != nil || tok == nil || calls != 2 {
			t.Errorf("Token = %v, %v after %d calls; want a token from the second", tok, err, calls)
		}
	})
	t.Run("per-attempt timeout on every attempt", func(t *testing.T) {
		tok, _, err := run(t, always(simkit.Fault{Kind: simkit.Hang}), retries(1), func(o *clients.HTTPOptions) { o.Timeout = 200 * time.Millisecond })
		e := asError(t, tok, err)
		var ne net.Error
		if e.Kind != clients.KindTransport || e.Attempts != 2 || !errors.As(err, &ne) || !ne.Timeout() || errors.Is(err, context.Canceled) {
			t.Errorf("%v: kind %v after %d attempts; want a transport timeout after 2", err, e.Kind, e.Attempts)
		}
	})
	t.Run("connection reset mid-body, then an answer", func(t *testing.T) {
		tok, calls, err := run(t, once(simkit.Fault{Kind: simkit.ResetMidBody}), retries(1))
		if err != nil || tok == nil || calls != 2 {
			t.Errorf("Token = %v, %v after %d calls; want a token from the second", tok, err, calls)
		}
	})
}

// retryLogger tells its channel when the HTTP layer starts to wait before
// a retry.
type retryLogger struct{ waiting chan<- struct{} }

func (l retryLogger) Debug(msg string, _ ...any) {
	if msg == "retrying request" {
		select {
		case l.waiting <- struct{}{}:
		default:
		}
	}
}
func (retryLogger) Info(string, ...any)  {}
func (retryLogger) Warn(string, ...any)  {}
func (retryLogger) Error(string, ...any) {}

// testCancellation cancels a call before it starts, while the gateway
// hangs and while the layer waits to retry: it ends at once, with an error
// that is context.Canceled and no token, although its limits are long.
func (s *suite) testCancellation(t *testing.T) {
	b := s.start(t)
	cred := b.creds[0]
	gw := s.client(t, b, cred, httpLayer(retries(3), func(o *clients.HTTPOptions) {
		o.Timeout = time.Minute
		o.RetryAfterMax = time.Minute
	}))
	canceled := func(t *testing.T, tok *clients.Token, err error, calls, want int64) {
		t.Helper()
		if e := asError(t, tok, err); e.Kind != clients.KindTransport || !errors.Is(err, context.Canceled) || calls != want {
			t.Errorf("%v: kind %v after %d calls; want a transport error that is context.Canceled after %d", err, e.Kind, calls, want)
		}
	}

	t.Run("before the call", func(t *testing.T) {
		b.inject(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		before := b.calls()
		tok, err := token(ctx, gw, cred)
		canceled(t, tok, err, b.calls()-before, 0)
	})
	// midway cancels a call once ready says it is in the state to cancel in.
	midway := func(t *testing.T, ctx context.Context, cancel context.CancelFunc, ready <-chan struct{}) {
		t.Helper()
		before := b.calls()
		type result struct {
			tok *clients.Token
			err error
		}
		done := make(chan result, 1)
		go func() {
			tok, err := token(ctx, gw, cred)
			done <- result{tok, err}
		}()
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatal("the call never reached the point to cancel at")
		}
		cancel()
		select {
		case r := <-done:
			canceled(t, r.tok, r.err, b.calls()-before, 1)
		case <-time.After(10 * time.Second):
			t.Fatal("Token did not return after its context was cancelled")
		}
	}
	t.Run("while the gateway hangs", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		b.inject(t, simkit.Fault{Kind: simkit.Hang})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		before := b.calls()
		go func() {
			// The emulator counts a request as it arrives.
			for i := 0; i < 2000 && ctx.Err() == nil; i++ {
				if b.calls() > before {
					arrived <- struct{}{}
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
		midway(t, ctx, cancel, arrived)
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		waiting := make(chan struct{}, 1)
		b.inject(t, simkit.Fault{Kind: simkit.RateLimit, RetryAfter: "30"})
		ctx, cancel := context.WithCancel(clients.WithLogger(t.Context(), retryLogger{waiting}))
		defer cancel()
		midway(t, ctx, cancel, waiting)
	})
	if n := len(b.Emulator.Issued()); n != 0 {
		t.Errorf("the emulator issued %d tokens to calls that were cancelled", n)
	}
}
