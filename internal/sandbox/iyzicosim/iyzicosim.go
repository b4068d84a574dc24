// Package iyzicosim emulates iyzico's Pay with iyzico third-party session
// token call, POST /v1/pay-with-iyzico/third-party-session/retrieve/access-token,
// for tests, benchmarks and the sandbox command.
//
// It checks what iyzico checks: the IYZWSv2 Authorization header (api key
// known, HMAC-SHA256 signature over the random key, the URL path as
// received and the raw body, keyed with the merchant's secret key), a JSON
// body with sessionToken and memberIdentifier, and a session token bound to
// that member. It answers with iyzico's bodies: success at HTTP 200 with an
// HS256 JWT shaped like the documented sample (exp six minutes after
// systemTime, the four pwi_tp_session authorities), and failure bodies with
// errorCode 1001 (unknown api key), 1000 (bad signature), 11 (invalid
// request), 24 (missing field) or 260016 (unknown session, HTTP 400),
// echoing locale and conversationId, with messages in Turkish or English
// by locale. The token path is served below any prefix, so a base_url with
// a path works; every other path is a 404.
//
// The built-in fixtures are two merchants (APIKey and SecretKey, APIKey2
// and SecretKey2) and two sessions: SessionToken1 for member
// MemberIdentifier1, and SessionToken2 for the non-ASCII member
// MemberIdentifier2. All are obviously fake.
package iyzicosim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TokenPath is the path of the token call, below any prefix.
const TokenPath = "/v1/pay-with-iyzico/third-party-session/retrieve/access-token"

// The built-in fixtures. Sandbox keys at iyzico start with "sandbox-" too.
const (
	APIKey            = "sandbox-iyzico-api-key"
	SecretKey         = "sandbox-iyzico-secret-key"
	SessionToken1     = "sandbox-session-1"
	MemberIdentifier1 = "member-42"
	SessionToken2     = "sandbox-session-2"
	MemberIdentifier2 = "müşteri-7"
	// A second merchant, for configurations that serve several.
	APIKey2    = "sandbox-iyzico-api-key-2"
	SecretKey2 = "sandbox-iyzico-secret-key-2"
)

// TokenLifetime is how long issued tokens live: the documented sample's exp
// is six minutes after its systemTime, although the page says five.
const TokenLifetime = 6 * time.Minute

// Authorities are the authorities claim of every issued token, as in the
// documented sample.
var Authorities = []string{
	"pwi_tp_session_card_auth",
	"pwi_tp_session_init3ds_auth",
	"pwi_tp_session_last_payment_retrieve",
	"pwi_tp_session_fund_auth",
}

// maxRequestBytes bounds a request body; the real ones are a few hundred bytes.
const maxRequestBytes = 64 << 10

// Server is the emulated iyzico API. It is safe for concurrent use.
type Server struct {
	simkit.Base

	now            func() time.Time
	merchants      map[string]string // api key -> secret key
	sessions       map[string]string // session token -> member identifier
	opaque         bool
	omitSystemTime bool
	lifetime       time.Duration
	jwtKey         []byte

	mu    sync.Mutex
	fails []failure
}

var _ simkit.Emulator = (*Server)(nil)

type failure struct {
	n      int
	code   any
	status int
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time from now, for systemTime and
// the token's exp.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithMerchant adds a merchant's api key and secret key.
func WithMerchant(apiKey, secretKey string) Option {
	return func(s *Server) { s.merchants[apiKey] = secretKey }
}

// WithSession adds a session token bound to a member identifier.
func WithSession(sessionToken, memberIdentifier string) Option {
	return func(s *Server) { s.sessions[sessionToken] = memberIdentifier }
}

// WithOpaqueTokens makes the server issue opaque tokens instead of JWTs, so
// clients must take the expiry from systemTime.
func WithOpaqueTokens() Option {
	return func(s *Server) { s.opaque = true }
}

// WithoutSystemTime makes the server leave systemTime out of its answers,
// so clients must fall back to their own receipt time.
func WithoutSystemTime() Option {
	return func(s *Server) { s.omitSystemTime = true }
}

// WithTokenLifetime sets the lifetime of issued JWTs (default TokenLifetime).
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) { s.lifetime = d }
}

// New returns a server with the built-in fixtures plus what opts add.
func New(opts ...Option) *Server {
	s := &Server{
		now:       time.Now,
		merchants: map[string]string{APIKey: SecretKey, APIKey2: SecretKey2},
		sessions:  map[string]string{SessionToken1: MemberIdentifier1, SessionToken2: MemberIdentifier2},
		lifetime:  TokenLifetime,
		jwtKey:    []byte(rand.Text()),
	}
	for _, o := range opts {
		o(s)
	}
	s.Handle(s.serve)
	return s
}

// FailNext makes the next n token calls that reach the server (after the
// injector) fail with errorCode code, a JSON string or number such as
// "50000" or 50000, at HTTP status httpStatus (0 means 200), before any
// other check: that is how iyzico's rate limit answers.
func (s *Server) FailNext(n int, code any, httpStatus int) {
	if n <= 0 {
		return
	}
	if httpStatus == 0 {
		httpStatus = http.StatusOK
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{n: n, code: code, status: httpStatus})
}

func (s *Server) nextFailure() (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fails) == 0 {
		return failure{}, false
	}
	f := s.fails[0]
	s.fails[0].n--
	if s.fails[0].n == 0 {
		s.fails = s.fails[1:]
	}
	return f, true
}

// Credentials returns the built-in fixtures.
func (s *Server) Credentials() []simkit.Credential {
	return []simkit.Credential{
		{
			Label: "member-42 (provider defaults)",
			Note: "Session and member set once in the provider block; the token is an HS256 JWT valid for 6 minutes " +
				"with the four pwi_tp_session authorities as scopes.",
			Settings: map[string]string{
				"api_key":           APIKey,
				"secret_key":        SecretKey,
				"session_token":     SessionToken1,
				"member_identifier": MemberIdentifier1,
			},
		},
		{
			Label: "müşteri-7 (token arguments, English messages)",
			Note: "Session and member given per token, with a non-ASCII member identifier and a conversation id that " +
				"the signature must cover byte for byte; failures come back in English.",
			Settings: map[string]string{
				"api_key":    APIKey,
				"secret_key": SecretKey,
			},
			Args: map[string]string{
				"session_token":     SessionToken2,
				"member_identifier": MemberIdentifier2,
				"locale":            "en",
				"conversation_id":   "sipariş/€-42",
			},
		},
		{
			Label: "merchant-2 (a second merchant)",
			Note:  "Another merchant's keys, for one configuration that serves several merchants; the session is member-42's.",
			Settings: map[string]string{
				"api_key":           APIKey2,
				"secret_key":        SecretKey2,
				"session_token":     SessionToken1,
				"member_identifier": MemberIdentifier1,
			},
		},
	}
}

// tokenRequest is the request body as iyzico reads it.
type tokenRequest struct {
	SessionToken     string `json:"sessionToken"`
	MemberIdentifier string `json:"memberIdentifier"`
	Locale           string `json:"locale"`
	ConversationID   string `json:"conversationId"`
}

type successBody struct {
	Status         string `json:"status"`
	Locale         string `json:"locale"`
	SystemTime     *int64 `json:"systemTime,omitempty"`
	ConversationID string `json:"conversationId,omitempty"`
	AccessToken    string `json:"accessToken"`
}

type failureBody struct {
	Status         string `json:"status"`
	ErrorCode      any    `json:"errorCode"`
	ErrorMessage   string `json:"errorMessage"`
	Locale         string `json:"locale"`
	SystemTime     *int64 `json:"systemTime,omitempty"`
	ConversationID string `json:"conversationId,omitempty"`
}

// messages are iyzico's error messages by code, in Turkish and English.
var messages = map[string][2]string{
	"1000":   {"Geçersiz imza", "Invalid signature"},
	"1001":   {"Api bilgileri bulunamadı", "Api information not found"},
	"11":     {"Geçersiz istek", "Invalid request"},
	"24":     {"%s gönderilmesi zorunludur", "%s is mandatory"},
	"260016": {"Session token bulunamadı.", "Session token not found."},
	"50000":  {"Request Limit Exceeded", "Request Limit Exceeded"},
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, TokenPath) {
		s.springError(w, r, http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.springError(w, r, http.StatusMethodNotAllowed)
		return
	}
	raw, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	// The request is read leniently first, so every failure can echo its
	// locale and conversationId as iyzico does.
	var req tokenRequest
	jsonErr := json.Unmarshal(raw, &req)
	if req.Locale == "" {
		req.Locale = "tr"
	}
	fail := func(status int, code any, args ...any) {
		s.fail(w, &req, status, code, args...)
	}

	if f, ok := s.nextFailure(); ok {
		fail(f.status, f.code, "sessionToken")
		return
	}
	if readErr != nil {
		fail(http.StatusBadRequest, "11")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		fail(http.StatusUnsupportedMediaType, "11")
		return
	}
	apiKey, randomKey, signature, ok := parseAuthorization(r.Header.Get("Authorization"))
	secret, known := s.merchants[apiKey]
	if !ok || !known {
		fail(http.StatusUnauthorized, "1001")
		return
	}
	if !hmac.Equal([]byte(signature), []byte(Signature(secret, randomKey, r.URL.EscapedPath(), raw))) {
		fail(http.StatusUnauthorized, "1000")
		return
	}
	if jsonErr != nil {
		fail(http.StatusBadRequest, "11")
		return
	}
	if req.SessionToken == "" {
		fail(http.StatusBadRequest, "24", "sessionToken")
		return
	}
	if req.MemberIdentifier == "" {
		fail(http.StatusBadRequest, "24", "memberIdentifier")
		return
	}
	if member, ok := s.sessions[req.SessionToken]; !ok || member != req.MemberIdentifier {
		fail(http.StatusBadRequest, "260016")
		return
	}

	now := s.now()
	token := s.issue(req.SessionToken, now)
	s.Record(token)
	writeJSON(w, http.StatusOK, successBody{
		Status:         "success",
		Locale:         req.Locale,
		SystemTime:     s.systemTime(now),
		ConversationID: req.ConversationID,
		AccessToken:    token,
	})
}

func (s *Server) systemTime(now time.Time) *int64 {
	if s.omitSystemTime {
		return nil
	}
	ms := now.UnixMilli()
	return &ms
}

func (s *Server) fail(w http.ResponseWriter, req *tokenRequest, status int, code any, args ...any) {
	lang := 0
	if req.Locale == "en" {
		lang = 1
	}
	msg := [2]string{"Sistem hatası", "System error"}
	if m, ok := messages[fmt.Sprint(code)]; ok {
		msg = m
	}
	text := msg[lang]
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, args...)
	}
	writeJSON(w, status, failureBody{
		Status:         "failure",
		ErrorCode:      code,
		ErrorMessage:   text,
		Locale:         req.Locale,
		SystemTime:     s.systemTime(s.now()),
		ConversationID: req.ConversationID,
	})
}

// springError answers like the Spring Boot error page iyzico's API serves
// for unknown paths and methods.
func (s *Server) springError(w http.ResponseWriter, r *http.Request, status int) {
	writeJSON(w, status, map[string]any{
		"timestamp": s.now().UTC().Format("2006-01-02T15:04:05.000-07:00"),
		"status":    status,
		"error":     http.StatusText(status),
		"path":      r.URL.Path,
	})
}

// contentType is the Content-Type of every answer.
const contentType = "application/json;charset=UTF-8"

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// encodeJSON encodes v as iyzico's Java back end does: non-ASCII and
// HTML characters as they are, with no trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Refusal answers as the server refuses an unknown api key: errorCode 1001
// at HTTP 401, with message as errorMessage.
func (s *Server) Refusal(message string) simkit.Fault {
	body, _ := encodeJSON(failureBody{ // strings always encode
		Status:       "failure",
		ErrorCode:    "1001",
		ErrorMessage: message,
		Locale:       "tr",
		SystemTime:   s.systemTime(s.now()),
	})
	return simkit.Fault{Kind: simkit.Raw, Status: http.StatusUnauthorized, ContentType: contentType, Body: string(body)}
}

// Signature is iyzico's IYZWSv2 signature: lowercase hex of HMAC-SHA256
// keyed with the secret key over randomKey, the URL path and the body. It
// is written here apart from the client's, so the emulator checks the
// client rather than agreeing with it by construction.
func Signature(secretKey, randomKey, uriPath string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(randomKey + uriPath))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// parseAuthorization reads "IYZWSv2 base64(apiKey:…&randomKey:…&signature:…)".
func parseAuthorization(h string) (apiKey, randomKey, signature string, ok bool) {
	enc, found := strings.CutPrefix(h, "IYZWSv2 ")
	if !found {
		return "", "", "", false
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", "", false
	}
	params := map[string]string{}
	for _, part := range strings.Split(string(dec), "&") {
		k, v, found := strings.Cut(part, ":")
		if !found {
			return "", "", "", false
		}
		params[k] = v
	}
	apiKey, randomKey, signature = params["apiKey"], params["randomKey"], params["signature"]
	return apiKey, randomKey, signature, apiKey != "" && randomKey != "" && signature != ""
}

// jwtClaims are the claims of the documented sample, in its order.
type jwtClaims struct {
	UserName     string   `json:"user_name"`
	Scope        []string `json:"scope"`
	SessionToken string   `json:"sessionToken"`
	Exp          int64    `json:"exp"`
	Authorities  []string `json:"authorities"`
	JTI          string   `json:"jti"`
	ClientID     string   `json:"client_id"`
}

func (s *Server) issue(sessionToken string, now time.Time) string {
	if s.opaque {
		return "sandbox-iyzico-opaque-" + strings.ToLower(rand.Text())
	}
	claims, err := json.Marshal(jwtClaims{
		UserName:     "-",
		Scope:        []string{"thirdPartySession"},
		SessionToken: sessionToken,
		Exp:          now.Add(s.lifetime).Unix(),
		Authorities:  Authorities,
		JTI:          uuid(),
		ClientID:     "thirdPartySessionClient",
	})
	if err != nil {
		panic(err) // a struct of strings always marshals
	}
	b64 := base64.RawURLEncoding
	signing := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + b64.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(mac.Sum(nil))
}

// uuid returns a random version 4 UUID, as the sample's jti is.
func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
