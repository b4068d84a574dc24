package clients

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

var errBodyTooLarge = errors.New("response body is larger than " + MaxBodySize)

// checkRetry decides whether an attempt is retried. It reads the body within
// the attempt, so a connection that breaks mid-body is retried like one that
// never answered, and so classify can see it. verdict records classify's
// reading of the latest answer.
func checkRetry(classify func(int, []byte) Verdict, verdict *Verdict) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		*verdict = ByStatus
		if err != nil || ctx.Err() != nil {
			return retryTransport(ctx, err)
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

// retryTransport decides on an attempt that got no answer, or whose context
// ended, with retryablehttp's own policy: stop when the context ends, never
// retry a bad scheme, an invalid header or a certificate that does not
// verify, retry the rest. That policy finds a certificate error only where
// net/http puts it; one wrapped on its way, as a proxy or a wrapping
// transport does, is found here too, since no retry can mend it either.
func retryTransport(ctx context.Context, err error) (bool, error) {
	retry, ctxErr := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	return retry && !certificateError(err), ctxErr
}

func certificateError(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// retryableStatus lists the statuses SPEC retries. retryablehttp's policy
// also retries every other 5xx but 501, such as 505, which no retry mends.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
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

// backoff waits what Retry-After asks, capped at RetryAfterMax, whatever
// the status of the answer retried; else JitteredBackoff. retryablehttp's
// DefaultBackoff reads Retry-After on 429 and 503 alone, and uncapped.
func (h *HTTP) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, h.opts.RetryAfterMax)
		}
	}
	return JitteredBackoff(minWait, maxWait, attempt)
}

// JitteredBackoff returns a wait between half and all of
// retryablehttp.DefaultBackoff's minWait*2^attempt, capped at maxWait: the
// jitter keeps clients that failed together from retrying together. A
// negative attempt counts as the first.
func JitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	wait := retryablehttp.DefaultBackoff(max(minWait, 0), maxWait, max(attempt, 0), nil)
	half := wait / 2
	if half <= 0 {
		return wait
	}
	return half + rand.N(half+1)
}

// ParseRetryAfter reads a Retry-After header value: whole seconds, capped at
// a day, or an HTTP date in any of the three forms HTTP allows. It reports
// false for anything else, and never a negative wait. retryablehttp's own
// reading is not exported, and reads only one date form.
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
