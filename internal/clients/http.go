package clients

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// MaxBodyBytes is the largest response body the HTTP layer accepts.
const MaxBodyBytes = 1 << 20

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

// Options returns the options in effect, after defaults.
func (h *HTTP) Options() HTTPOptions { return h.opts }

// Request is one gateway call.
type Request struct {
	// Gateway names the gateway, for errors and logs.
	Gateway string
	// Method and URL say where the request goes.
	Method string
	URL    string
	// Header holds the gateway's own headers; the layer adds User-Agent
	// and Accept.
	Header http.Header
	// Body is sent as is; nil sends no body.
	Body []byte
	// Sign, when set, is called before every attempt with the request as it
	// will be sent, so a signature covers the exact path and bytes.
	Sign func(r *http.Request, body []byte) error
	// Classify, when set, reads each answer that is not a redirect and says
	// whether its body overrules its HTTP status for retries.
	Classify func(status int, body []byte) Verdict
}

// Verdict is a gateway's reading of an answer's body, for retries.
type Verdict int

const (
	// ByStatus leaves the decision to the HTTP status.
	ByStatus Verdict = iota
	// Temporary marks a failure a retry may clear although its HTTP status
	// does not say so, such as iyzico's rate limit sent with HTTP 200.
	Temporary
	// Final marks a refusal no retry can change whatever its HTTP status,
	// such as invalid credentials sent with HTTP 503.
	Final
)

// String names the verdict, for test output.
func (v Verdict) String() string {
	switch v {
	case Temporary:
		return "temporary"
	case Final:
		return "final"
	}
	return "by status"
}

// Response is a gateway's answer, with its body fully read.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// ReceivedAt is when the answer was received.
	ReceivedAt time.Time
	// Attempts is how many HTTP attempts were made.
	Attempts int
	// verdict is the request's Classify hook's reading of this answer, so
	// a refusal built from it is retryable exactly when it was retried.
	verdict Verdict
}

var errBodyTooLarge = fmt.Errorf("response body is larger than %d bytes", MaxBodyBytes)

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

// checkRetry decides whether an attempt is retried. It reads the body within
// the attempt, so a connection that breaks mid-body is retried like one that
// never answered, and so classify can see it. verdict records classify's
// reading of the latest answer.
func checkRetry(classify func(int, []byte) Verdict, verdict *Verdict) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		*verdict = ByStatus
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if err != nil {
			return retryableTransportError(err), nil
		}
		data, rerr := readLimited(resp.Body)
		_ = resp.Body.Close()
		if rerr != nil {
			resp.Body = io.NopCloser(errReader{rerr})
			return !errors.Is(rerr, errBodyTooLarge), nil
		}
		resp.Body = io.NopCloser(bytes.NewReader(data))
		if classify != nil && !isRedirect(resp.StatusCode) {
			*verdict = classify(resp.StatusCode, data)
		}
		switch *verdict {
		case Temporary:
			return true, nil
		case Final:
			return false, nil
		}
		return retryableStatus(resp.StatusCode), nil
	}
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	return data, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func isRedirect(code int) bool { return code >= 300 && code < 400 }

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransportError reports whether a failed attempt may succeed if
// repeated: not when the certificate is wrong or the URL cannot work.
// errNotHTTP stands for what net/http said about an answer it could not
// read, since its words would quote the answer.
var errNotHTTP = errors.New("the answer is not valid HTTP")

// signError is a failure to sign a request: the clients' own words.
type signError struct{ err error }

func (e *signError) Error() string { return "signing the request failed: " + e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// safeCause returns err when its text can only hold this side's words:
// cancellation, timeouts, network and TLS errors, a body cut short or too
// large, signing failures, and errors that quote nothing (such as a
// proxy's refusal). Where net/http could not read the gateway's answer, it
// quotes the offending status line or header, which may hold a token, so a
// fixed description stands in for any error that quotes.
func safeCause(err error) error {
	if err == nil {
		return nil
	}
	var (
		sign     *signError
		op       *net.OpError
		dns      *net.DNSError
		netErr   net.Error
		record   tls.RecordHeaderError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, errBodyTooLarge),
		errors.As(err, &sign), errors.As(err, &op), errors.As(err, &dns),
		errors.As(err, &netErr) && netErr.Timeout(),
		errors.As(err, &record), errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return err
	}
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error quotes the request's URL, which is this side's.
		inner = ue.Err
	}
	if inner != nil && !strings.ContainsAny(inner.Error(), "\"'`") {
		return err
	}
	return errNotHTTP
}

// safeLogger passes the HTTP library's log lines on with every error value
// made safe by safeCause, since those errors may quote the gateway.
type safeLogger struct{ Logger }

func (l safeLogger) Error(msg string, kv ...any) { l.Logger.Error(msg, safeValues(kv)...) }
func (l safeLogger) Info(msg string, kv ...any)  { l.Logger.Info(msg, safeValues(kv)...) }
func (l safeLogger) Debug(msg string, kv ...any) { l.Logger.Debug(msg, safeValues(kv)...) }
func (l safeLogger) Warn(msg string, kv ...any)  { l.Logger.Warn(msg, safeValues(kv)...) }

func safeValues(kv []any) []any {
	out := make([]any, len(kv))
	for i, v := range kv {
		if err, ok := v.(error); ok {
			v = safeCause(err).Error()
		}
		out[i] = v
	}
	return out
}

func retryableTransportError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return false
	case strings.Contains(err.Error(), "unsupported protocol scheme"):
		return false
	}
	return true
}

// backoff waits a jittered exponential time, or what Retry-After asks,
// capped at RetryAfterMax.
func (h *HTTP) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, h.opts.RetryAfterMax)
		}
	}
	return JitteredBackoff(minWait, maxWait, attempt)
}

// JitteredBackoff returns a wait between half and all of
// minWait*2^attempt, capped at maxWait.
func JitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	// Compare before shifting, so a large attempt or minWait cannot
	// overflow into a short wait; a negative attempt counts as the first.
	attempt = max(attempt, 0)
	wait := maxWait
	if minWait > 0 && attempt < 63 && minWait <= maxWait>>attempt {
		wait = minWait << attempt
	}
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(half+1)
}

// ParseRetryAfter reads a Retry-After header value: whole seconds or an HTTP
// date. It reports false for anything else, and never a negative wait.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

func redirectTarget(resp *http.Response) string {
	loc := resp.Header.Get(heldLocation)
	if loc == "" {
		return "(no Location header)"
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "(an unreadable Location header)"
	}
	return showTarget(u)
}

// showTarget names where a redirect points without what may be secret in
// it: the userinfo, the query and the fragment, where a gateway or a
// login page may put a token, are left out.
func showTarget(u *url.URL) string {
	hidden := u.RawQuery != "" || u.ForceQuery || u.Fragment != ""
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	if hidden {
		return v.String() + "?…"
	}
	return v.String()
}

// DecodeJSON decodes the body into v. Its error describes what is wrong
// without quoting the body, which may hold a token.
func (r *Response) DecodeJSON(v any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return errors.New("the response body is empty")
	}
	err := json.Unmarshal(r.Body, v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(r.Body)):
		// encoding/json reports a body cut off in the middle as a syntax
		// error at its very end.
		return fmt.Errorf("the response body is truncated JSON (%d bytes)", len(r.Body))
	case errors.As(err, &syntax):
		return fmt.Errorf("the response body is not valid JSON (at byte %d of %d, Content-Type %s)", syntax.Offset, len(r.Body), mediaType(r.Header.Get("Content-Type")))
	case errors.As(err, &typ):
		return fmt.Errorf("the response field %q is a JSON %s where %s was expected", typ.Field, typ.Value, typ.Type)
	}
	return errors.New("the response body could not be decoded as JSON")
}

// mediaType names a Content-Type by its media type alone: parameters are
// the gateway's words and could carry anything.
func mediaType(contentType string) string {
	if contentType == "" {
		return "(none)"
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || len(mt) > 64 {
		return "(unreadable)"
	}
	return strconv.Quote(mt)
}

// Malformed returns a KindMalformed error for an answer that could not be
// read, or a KindHTTPStatus error when the status itself was an error.
func (r *Response) Malformed(gateway string, cause error) *Error {
	kind := KindMalformed
	if r.StatusCode >= 400 {
		kind = KindHTTPStatus
	}
	return &Error{Gateway: gateway, Kind: kind, StatusCode: r.StatusCode, Attempts: r.Attempts, Err: cause}
}

// Rejected returns a KindRejected error carrying the gateway's own code and
// message. It is Transient or Final as the request's Classify hook read the
// answer.
func (r *Response) Rejected(gateway, code, message string) *Error {
	return &Error{Gateway: gateway, Kind: KindRejected, StatusCode: r.StatusCode, Attempts: r.Attempts,
		Code: code, Message: message, Transient: r.verdict == Temporary, Final: r.verdict == Final}
}

// NoToken returns a KindNoToken error.
func (r *Response) NoToken(gateway string) *Error {
	return &Error{Gateway: gateway, Kind: KindNoToken, StatusCode: r.StatusCode, Attempts: r.Attempts}
}
