package clients

import (
	"net/http"
	"time"
)

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
