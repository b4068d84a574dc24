package clients

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrorKind classifies a failed token call by what the user can do about it.
type ErrorKind int

const (
	// KindRejected: the gateway answered and refused, e.g. invalid
	// credentials. Code and Message carry the gateway's own words.
	KindRejected ErrorKind = iota + 1
	// KindHTTPStatus: the gateway answered with an HTTP error status and a
	// body that is not one of its failure bodies.
	KindHTTPStatus
	// KindTransport: no usable answer: connection refused or reset, timeout.
	KindTransport
	// KindMalformed: the gateway answered with a body this client cannot read.
	KindMalformed
	// KindNoToken: the gateway reported success but sent no token.
	KindNoToken
	// KindRedirect: the gateway answered with a redirect, which is never
	// followed. Location names the target.
	KindRedirect
	// KindTooLarge: the response body was larger than MaxBodyBytes.
	KindTooLarge
)

// String names the kind for logs.
func (k ErrorKind) String() string {
	switch k {
	case KindRejected:
		return "rejected"
	case KindHTTPStatus:
		return "http_status"
	case KindTransport:
		return "transport"
	case KindMalformed:
		return "malformed_response"
	case KindNoToken:
		return "no_token"
	case KindRedirect:
		return "redirect"
	case KindTooLarge:
		return "body_too_large"
	}
	return "unknown"
}

// Error is a failed token call. It never holds a secret: Message is the
// gateway's own failure message, taken only from failure bodies that carry
// no token.
type Error struct {
	// Gateway is the gateway's name, e.g. "sipay".
	Gateway string
	// Kind says what went wrong.
	Kind ErrorKind
	// StatusCode is the HTTP status of the last answer, 0 when there was none.
	StatusCode int
	// Code and Message are the gateway's own error code and message, when
	// it sent them.
	Code    string
	Message string
	// Location is the redirect target for KindRedirect.
	Location string
	// Attempts is how many HTTP attempts were made.
	Attempts int
	// Transient marks a refusal that is temporary although its HTTP status
	// does not say so, such as iyzico's rate limit sent with HTTP 200.
	Transient bool
	// Final marks a refusal no retry can change although its HTTP status
	// says otherwise, such as invalid credentials sent with HTTP 503.
	Final bool
	// Err is the underlying cause, if any.
	Err error
}

// Error describes the failure in one line, without secrets.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s token request failed", e.Gateway)
	switch e.Kind {
	case KindRejected:
		b.WriteString(": the gateway refused it")
	case KindHTTPStatus:
		b.WriteString(": unexpected HTTP status")
	case KindTransport:
		b.WriteString(": no answer from the gateway")
	case KindMalformed:
		b.WriteString(": unreadable response")
	case KindNoToken:
		b.WriteString(": success without a token")
	case KindRedirect:
		fmt.Fprintf(&b, ": redirect to %q refused", e.Location)
	case KindTooLarge:
		b.WriteString(": response body over " + MaxBodySize)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d %s)", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [code %s]", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, " %s", e.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the same call may succeed later.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindTransport:
		return true
	case KindHTTPStatus, KindRejected:
		return !e.Final && (e.Transient || retryableStatus(e.StatusCode))
	}
	return false
}

// MissingSettingError reports a setting or token argument a gateway needs
// and did not get.
type MissingSettingError struct {
	// Gateway is the gateway's name.
	Gateway string
	// Name is the setting's or argument's name, e.g. "app_secret".
	Name string
	// Arg is true for a token argument, false for a provider setting.
	Arg bool
}

// Error names what is missing.
func (e *MissingSettingError) Error() string {
	if e.Arg {
		return fmt.Sprintf("%s token argument %q is not set", e.Gateway, e.Name)
	}
	return fmt.Sprintf("%s provider setting %q is not set", e.Gateway, e.Name)
}

// SettingError reports a setting or token argument with an unusable value.
// It never includes the value.
type SettingError struct {
	// Gateway is the gateway's name.
	Gateway string
	// Setting is the setting's or argument's name.
	Setting string
	// Arg is true for a token argument, false for a provider setting.
	Arg bool
	// Reason says what is wrong with it.
	Reason string
}

// Error names the setting and what is wrong with it.
func (e *SettingError) Error() string {
	return fmt.Sprintf("%s setting %q: %s", e.Gateway, e.Setting, e.Reason)
}

// AsError returns err as an *Error, if it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
