package clients_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// TestDoRetryAfterEveryRetriedStatus checks that Retry-After is honoured on
// every answer that is retried, not only on 429 and 503 as
// retryablehttp.DefaultBackoff would: 500, 502, 504, and an HTTP 200 that
// Classify marks Temporary.
func TestDoRetryAfterEveryRetriedStatus(t *testing.T) {
	const capped = 150 * time.Millisecond
	for _, code := range []int{500, 502, 504, 200} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", "30")
					w.WriteHeader(code)
					fmt.Fprint(w, "limited")
					return
				}
				fmt.Fprint(w, "ok")
			})
			req := post(srv.URL)
			req.Classify = func(_ int, body []byte) clients.Verdict {
				if bytes.Equal(body, []byte("limited")) && code == 200 {
					return clients.Temporary
				}
				return clients.ByStatus
			}
			resp, err := newHTTP(func(o *clients.HTTPOptions) { o.RetryAfterMax = capped }).Do(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Attempts != 2 || string(resp.Body) != "ok" {
				t.Fatalf("status %d after %d attempts, body %q; want 200 after 2 and the success", resp.StatusCode, resp.Attempts, resp.Body)
			}
			if gap := srv.gap(0); gap < capped {
				t.Errorf("retried %s after the %d; want at least RetryAfterMax %s", gap, code, capped)
			}
		})
	}
}

// wrappingTransport wraps every transport error the way a tracing or
// proxying transport does, past the type assertion retryablehttp makes.
type wrappingTransport struct{ next http.RoundTripper }

func (w wrappingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.next.RoundTrip(r)
	if err != nil {
		return nil, fmt.Errorf("traced: %w", err)
	}
	return resp, nil
}

// TestDoNeverRetriesWrappedCertificateErrors checks that a certificate that
// does not verify is not retried even when the error reaches the layer
// wrapped, and that the error still says what it is.
func TestDoNeverRetriesWrappedCertificateErrors(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rt := &countingTransport{next: wrappingTransport{http.DefaultTransport}}
	_, err := newHTTP(func(o *clients.HTTPOptions) { o.MaxRetries = 3; o.Transport = rt }).Do(t.Context(), post(srv.URL))
	e := asError(t, err)
	if e.Kind != clients.KindTransport || e.Attempts != 1 || rt.n.Load() != 1 {
		t.Errorf("kind %v, %d attempts, %d round trips; want transport, 1, 1", e.Kind, e.Attempts, rt.n.Load())
	}
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("error %v does not name the unknown authority", err)
	}
}

// TestDoNeverRetriesInvalidHeaders checks a request net/http refuses to
// send: retryablehttp's policy does not retry it, since no retry can mend it.
func TestDoNeverRetriesInvalidHeaders(t *testing.T) {
	srv := serve(t, status(200))
	req := post(srv.URL)
	req.Header = http.Header{"X-Key": {"line\nbreak"}}
	_, err := newHTTP(retries(3)).Do(t.Context(), req)
	if e := asError(t, err); e.Kind != clients.KindTransport || e.Attempts != 1 || srv.calls() != 0 {
		t.Errorf("kind %v, %d attempts, %d calls; want transport, 1, 0", e.Kind, e.Attempts, srv.calls())
	}
}

// TestJitteredBackoffNeverNegative checks that a minimum wait of zero or
// less waits nothing rather than a negative time.
func TestJitteredBackoffNeverNegative(t *testing.T) {
	for _, minWait := range []time.Duration{0, -time.Second} {
		for attempt := range 5 {
			if d := clients.JitteredBackoff(minWait, time.Second, attempt); d != 0 {
				t.Errorf("JitteredBackoff(%s, 1s, %d) = %s, want 0", minWait, attempt, d)
			}
		}
	}
}
