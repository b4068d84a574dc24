package clients

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

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
		sign   *signError
		op     *net.OpError
		dns    *net.DNSError
		netErr net.Error
		record tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, errBodyTooLarge),
		errors.As(err, &sign), errors.As(err, &op), errors.As(err, &dns),
		errors.As(err, &netErr) && netErr.Timeout(),
		errors.As(err, &record), certificateError(err):
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
