package clients

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// MaxBodyBytes is the largest response body the HTTP layer accepts.
const MaxBodyBytes = 1 << 20

// MaxBodySize is MaxBodyBytes as messages give it.
const MaxBodySize = "1 MiB"

// Defaults for HTTPOptions fields left at zero.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultRetryWaitMin  = 500 * time.Millisecond
	DefaultRetryWaitMax  = 8 * time.Second
	DefaultRetryAfterMax = 30 * time.Second
)

// HTTPOptions configure the shared HTTP layer.
type HTTPOptions struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Timeout limits one HTTP attempt, including reading the body.
	Timeout time.Duration
	// MaxRetries is the number of extra attempts after the first.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RetryAfterMax caps how long a Retry-After header can make us wait.
	RetryAfterMax time.Duration
	// Transport replaces the default transport, for tests.
	Transport http.RoundTripper
}

// HTTP is the one HTTP layer every gateway client uses: it sets the
// User-Agent, limits each attempt, never follows redirects, refuses bodies
// over MaxBodyBytes and retries what is worth retrying. It is safe for
// concurrent use.
type HTTP struct {
	client *http.Client
	opts   HTTPOptions
}

// NewHTTP returns an HTTP layer with opts, filling zero fields with defaults.
func NewHTTP(opts HTTPOptions) *HTTP {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.RetryWaitMin <= 0 {
		opts.RetryWaitMin = DefaultRetryWaitMin
	}
	if opts.RetryWaitMax < opts.RetryWaitMin {
		opts.RetryWaitMax = max(DefaultRetryWaitMax, opts.RetryWaitMin)
	}
	if opts.RetryAfterMax <= 0 {
		opts.RetryAfterMax = DefaultRetryAfterMax
	}
	transport := opts.Transport
	if transport == nil {
		t := cleanhttp.DefaultPooledTransport()
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		transport = t
	}
	return &HTTP{
		opts: opts,
		client: &http.Client{
			Transport: redirectGuard{transport},
			Timeout:   opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// heldLocation is where redirectGuard keeps a redirect's Location.
const heldLocation = "X-Paytoken-Held-Location"

// redirectGuard hands net/http every redirect without its Location header,
// kept under heldLocation instead. net/http reads a Location before it asks
// CheckRedirect, and quotes one it cannot parse, token and all, in an error
// that loses the answer; without one, it returns the answer as it is.
type redirectGuard struct{ next http.RoundTripper }

func (g redirectGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(r)
	if err == nil && isRedirect(resp.StatusCode) {
		if loc, ok := resp.Header["Location"]; ok {
			resp.Header = resp.Header.Clone()
			resp.Header.Del("Location")
			resp.Header[heldLocation] = loc
		}
	}
	return resp, err
}

func isRedirect(code int) bool { return code >= 300 && code < 400 }

// Options returns the options in effect, after defaults.
func (h *HTTP) Options() HTTPOptions { return h.opts }

// Do sends req, retrying connection errors, timeouts, HTTP 429, 500, 502,
// 503 and 504 and what req.Classify marks Temporary, but not what it marks
// Final, with jittered exponential backoff that honours Retry-After. It
// returns the last answer whatever its status; only a redirect, a body over
// MaxBodyBytes, or no answer at all is an error. Cancelling ctx stops it at
// once.
func (h *HTTP) Do(ctx context.Context, req *Request) (*Response, error) {
	log := loggerFrom(ctx)
	var body any
	if req.Body != nil {
		body = req.Body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, &Error{Gateway: req.Gateway, Kind: KindTransport, Err: errors.New("the request could not be built; check base_url")}
	}
	for k, vs := range req.Header {
		rreq.Header[k] = vs
	}
	rreq.Header.Set("User-Agent", h.opts.UserAgent)
	if rreq.Header.Get("Accept") == "" {
		rreq.Header.Set("Accept", "application/json")
	}
	sign := func(r *http.Request) error {
		if req.Sign == nil {
			return nil
		}
		if err := req.Sign(r, req.Body); err != nil {
			return &signError{err}
		}
		return nil
	}
	if err := sign(rreq.Request); err != nil {
		return nil, &Error{Gateway: req.Gateway, Kind: KindTransport, Err: err}
	}

	attempts := 0
	verdict := ByStatus
	client := &retryablehttp.Client{
		HTTPClient:   h.client,
		RetryWaitMin: h.opts.RetryWaitMin,
		RetryWaitMax: h.opts.RetryWaitMax,
		RetryMax:     h.opts.MaxRetries,
		CheckRetry:   checkRetry(req.Classify, &verdict),
		Backoff:      h.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, attempt int) {
			attempts = attempt + 1
			log.Debug("Sending token request", "gateway", req.Gateway, "method", r.Method, "url", r.URL.Redacted(), "attempt", attempts)
		},
		PrepareRetry: sign,
		Logger:       safeLogger{log},
	}
	start := time.Now()
	resp, err := client.Do(rreq)
	if err != nil && resp != nil {
		// Signing a retry failed, or the context ended: the previous
		// answer, already drained, is not the answer.
		_ = resp.Body.Close()
		resp = nil
	}
	if resp == nil {
		if err == nil {
			err = errors.New("no response")
		}
		err = safeCause(err)
		log.Debug("Token request got no answer", "gateway", req.Gateway, "attempts", attempts, "error", err.Error())
		return nil, &Error{Gateway: req.Gateway, Kind: KindTransport, Attempts: attempts, Err: err}
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(resp.Body)
	log.Debug("Received token response", "gateway", req.Gateway, "status", resp.StatusCode, "bytes", len(data),
		"attempts", attempts, "duration_ms", time.Since(start).Milliseconds())
	switch {
	case errors.Is(rerr, errBodyTooLarge):
		return nil, &Error{Gateway: req.Gateway, Kind: KindTooLarge, StatusCode: resp.StatusCode, Attempts: attempts}
	case rerr != nil:
		return nil, &Error{Gateway: req.Gateway, Kind: KindTransport, StatusCode: resp.StatusCode, Attempts: attempts, Err: safeCause(rerr)}
	case isRedirect(resp.StatusCode):
		return nil, &Error{Gateway: req.Gateway, Kind: KindRedirect, StatusCode: resp.StatusCode, Attempts: attempts,
			Location: redirectTarget(resp)}
	}
	return &Response{
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Body:       data,
		ReceivedAt: time.Now(),
		Attempts:   attempts,
		verdict:    verdict,
	}, nil
}
