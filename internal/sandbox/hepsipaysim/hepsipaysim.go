// Package hepsipaysim emulates Hepsipay's OAuth 2.0 token endpoint,
// POST /oauth/token, for tests, benchmarks and the sandbox command.
//
// It answers as Hepsipay's page documents and RFC 6749 prescribes: the
// caller authenticates with HTTP Basic credentials (the merchant's API key
// and secret key) and sends the form body grant_type=password; it gets
// HTTP 200 with {"access_token":"…","token_type":"bearer","expires_in":43199}
// and a Date header from the emulator's clock. Tokens are opaque, like the
// documented sample, or JWTs with iat and exp (HS256 signed with a key of
// the server's own, RS256 with a key made once per process, see PublicKey),
// as each merchant is configured; every issued token is recorded in the
// Ledger.
//
// Refusals are RFC 6749 §5.2 bodies {"error","error_description"}, sent
// with Content-Type application/json;charset=UTF-8, Cache-Control no-store
// and Pragma no-cache: missing or unknown Basic credentials get HTTP 401
// invalid_client with a WWW-Authenticate challenge; a body that is not a
// form, or lacks or repeats grant_type, gets HTTP 400 invalid_request; a
// grant other than password gets HTTP 400 unsupported_grant_type. Other
// paths answer 404 and other methods 405, both with an empty body. The
// English descriptions are the emulator's own wording, since Hepsipay's
// page shows no failure.
//
// The built-in merchants (API key "sandbox-hepsipay-…", secret key
// "sandbox-hepsipay-secret-…") are, in order: the documented opaque token
// with expires_in 43199; an HS256 JWT with the scope "payment
// installment"; an RS256 JWT without expires_in, whose exp decides; an
// opaque token with token_type "Bearer" and expires_in as a string; and an
// opaque token without expires_in. All are obviously fake.
package hepsipaysim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TokenPath is the only path the emulator serves.
const TokenPath = "/oauth/token"

// ExpiresIn is the documented expires_in, in seconds: about 12 hours.
const ExpiresIn = 43199

// Lifetime is how long issued JWTs live unless a merchant says otherwise:
// the documented expires_in.
const Lifetime = ExpiresIn * time.Second

// Realm is the realm of the WWW-Authenticate challenge.
const Realm = "hepsipay"

// The built-in merchants' keys.
const (
	APIKey               = "sandbox-hepsipay-merchant"
	SecretKey            = "sandbox-hepsipay-secret-merchant"
	APIKeyScoped         = "sandbox-hepsipay-scoped"
	SecretKeyScoped      = "sandbox-hepsipay-secret-scoped"
	APIKeyJWTExpiry      = "sandbox-hepsipay-jwt-exp"
	SecretKeyJWTExpiry   = "sandbox-hepsipay-secret-jwt-exp"
	APIKeyBearer         = "sandbox-hepsipay-bearer"
	SecretKeyBearer      = "sandbox-hepsipay-secret-bearer"
	APIKeyNoExpiresIn    = "sandbox-hepsipay-no-expiry"
	SecretKeyNoExpiresIn = "sandbox-hepsipay-secret-no-expiry"
)

// JWTExpiryLifetime is the lifetime of the tokens of the merchant whose
// answers carry no expires_in: unlike the documented 12 hours, so a client
// that dates them otherwise than by exp shows.
const JWTExpiryLifetime = 90 * time.Minute

// The emulator's OAuth error codes (RFC 6749 §5.2) and descriptions.
const (
	CodeInvalidClient        = "invalid_client"
	CodeInvalidRequest       = "invalid_request"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeServerError          = "server_error"
	MessageInvalidClient     = "Client authentication failed."
	MessageContentType       = "The request body must be application/x-www-form-urlencoded."
	MessageUnreadableForm    = "The request body could not be read as a form."
	MessageGrantMissing      = "The grant_type parameter is missing."
	MessageGrantRepeated     = "The grant_type parameter is repeated."
	MessageGrantUnsupported  = "Only the password grant type is supported."
	MessageServerError       = "The token could not be issued."
)

// contentType is the Content-Type of every JSON answer.
const contentType = "application/json;charset=UTF-8"

// maxRequestBytes bounds the request body; the real one is 19 bytes.
const maxRequestBytes = 64 << 10

// TokenKind says what kind of access token a merchant gets.
type TokenKind string

// The kinds of access token.
const (
	// Opaque tokens are random text, like the documented sample.
	Opaque TokenKind = ""
	// HS256 tokens are JWTs signed with a key of the server's own.
	HS256 TokenKind = "HS256"
	// RS256 tokens are JWTs signed with the process's RSA key (PublicKey).
	RS256 TokenKind = "RS256"
)

// Merchant is one merchant account the emulator knows: its keys, and the
// shape of the answers it gets, so tests can reach every branch of a
// client through real HTTP.
type Merchant struct {
	// Label and Note describe the merchant in Credentials.
	Label string
	Note  string
	// APIKey and SecretKey are its Basic credentials.
	APIKey    string
	SecretKey string
	// Token is the kind of token it gets.
	Token TokenKind
	// TokenType is sent as token_type; "" leaves it out.
	TokenType string
	// ExpiresIn is sent as expires_in, marshalled as it is: a number, a
	// string or any other value that marshals to JSON; nil leaves it out.
	ExpiresIn any
	// Lifetime is a JWT's exp minus its iat; 0 means Lifetime.
	Lifetime time.Duration
	// Scope is sent as scope, and put in a JWT's scope claim; "" leaves it
	// out.
	Scope string
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock the Date header and JWTs' iat and exp are
// taken from.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithMerchant adds a merchant next to the built-in ones; its API key wins
// over a built-in merchant's equal one.
func WithMerchant(m Merchant) Option {
	return func(s *Server) { s.merchants = append(s.merchants, m) }
}

// Server is the emulator. It is safe for concurrent use.
type Server struct {
	now       func() time.Time
	merchants []Merchant
	byKey     map[string]*Merchant
	hsKey     []byte
	simkit.Base
}

var _ simkit.Emulator = (*Server)(nil)

// New returns an emulator with the built-in merchants and opts applied.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, merchants: builtins(), hsKey: []byte(rand.Text())}
	for _, o := range opts {
		o(s)
	}
	s.byKey = make(map[string]*Merchant, len(s.merchants))
	for i := range s.merchants {
		s.byKey[s.merchants[i].APIKey] = &s.merchants[i]
	}
	s.Handle(s.serve)
	return s
}

func builtins() []Merchant {
	return []Merchant{
		{
			Label: "documented", Note: "An opaque token with token_type bearer and expires_in 43199 (about 12 hours), " +
				"as Hepsipay's page shows; issued_at is the answer's Date.",
			APIKey: APIKey, SecretKey: SecretKey, TokenType: "bearer", ExpiresIn: ExpiresIn,
		},
		{
			Label: "jwt-scoped", Note: "An HS256 JWT with iat and exp, expires_in 43199 and the scope \"payment installment\", " +
				"so scopes is [\"payment\", \"installment\"].",
			APIKey: APIKeyScoped, SecretKey: SecretKeyScoped, Token: HS256, TokenType: "bearer", ExpiresIn: ExpiresIn,
			Scope: "payment installment",
		},
		{
			Label: "jwt-no-expires-in", Note: "An RS256 JWT valid 90 minutes and an answer without expires_in, " +
				"so the token's exp decides expires_at.",
			APIKey: APIKeyJWTExpiry, SecretKey: SecretKeyJWTExpiry, Token: RS256, TokenType: "bearer", Lifetime: JWTExpiryLifetime,
		},
		{
			Label: "bearer-capitalised", Note: "An opaque token with token_type \"Bearer\" and expires_in as the string \"3599\", " +
				"both of which OAuth 2.0 servers send.",
			APIKey: APIKeyBearer, SecretKey: SecretKeyBearer, TokenType: "Bearer", ExpiresIn: "3599",
		},
		{
			Label: "opaque-no-expires-in", Note: "An opaque token and an answer without expires_in, " +
				"so the token is taken to expire an hour after it was received.",
			APIKey: APIKeyNoExpiresIn, SecretKey: SecretKeyNoExpiresIn, TokenType: "bearer",
		},
	}
}

// Credentials lists every merchant, the documented one first.
func (s *Server) Credentials() []simkit.Credential {
	out := make([]simkit.Credential, 0, len(s.merchants))
	for _, m := range s.merchants {
		out = append(out, simkit.Credential{
			Label:    m.Label,
			Note:     m.Note,
			Settings: map[string]string{"api_key": m.APIKey, "secret_key": m.SecretKey},
		})
	}
	return out
}

// Refusal answers as the emulator refuses unknown credentials: HTTP 401
// invalid_client, with message as error_description.
func (s *Server) Refusal(message string) simkit.Fault {
	return simkit.Fault{Kind: simkit.Raw, Status: http.StatusUnauthorized, ContentType: contentType,
		Body: string(encode(oauthError{Error: CodeInvalidClient, ErrorDescription: message}))}
}

// PublicKey returns the public half of the key RS256 tokens are signed
// with, so tests can check their signatures as Hepsipay's APIs would. It
// is nil only if the system's random source failed.
func PublicKey() *rsa.PublicKey { return simkit.RSAPublicKey() }

// success is RFC 6749 §5.1's answer, fields in the documented order.
type success struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type,omitempty"`
	ExpiresIn   any    `json:"expires_in,omitempty"`
	Scope       string `json:"scope,omitempty"`
}

// oauthError is RFC 6749 §5.2's answer.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	if r.URL.Path != TokenPath {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	m := s.authenticate(r)
	if m == nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
		write(w, http.StatusUnauthorized, oauthError{Error: CodeInvalidClient, ErrorDescription: MessageInvalidClient})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		write(w, http.StatusBadRequest, oauthError{Error: CodeInvalidRequest, ErrorDescription: MessageContentType})
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	form, perr := url.ParseQuery(string(raw))
	switch grants := form["grant_type"]; {
	case err != nil || perr != nil:
		write(w, http.StatusBadRequest, oauthError{Error: CodeInvalidRequest, ErrorDescription: MessageUnreadableForm})
		return
	case len(grants) == 0:
		write(w, http.StatusBadRequest, oauthError{Error: CodeInvalidRequest, ErrorDescription: MessageGrantMissing})
		return
	case len(grants) > 1: // RFC 6749 §3.2: no parameter may be sent twice
		write(w, http.StatusBadRequest, oauthError{Error: CodeInvalidRequest, ErrorDescription: MessageGrantRepeated})
		return
	case grants[0] != "password":
		write(w, http.StatusBadRequest, oauthError{Error: CodeUnsupportedGrantType, ErrorDescription: MessageGrantUnsupported})
		return
	}

	token, err := s.issue(m)
	if err != nil {
		write(w, http.StatusInternalServerError, oauthError{Error: CodeServerError, ErrorDescription: MessageServerError})
		return
	}
	s.Record(token)
	write(w, http.StatusOK, success{AccessToken: token, TokenType: m.TokenType, ExpiresIn: m.ExpiresIn, Scope: m.Scope})
}

// authenticate returns the merchant whose Basic credentials r carries, or
// nil. Like net/http, it ends the API key at the first colon.
func (s *Server) authenticate(r *http.Request) *Merchant {
	apiKey, secretKey, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	m, known := s.byKey[apiKey]
	if !known || subtle.ConstantTimeCompare([]byte(secretKey), []byte(m.SecretKey)) != 1 {
		return nil
	}
	return m
}

// issue makes a token of m's kind.
func (s *Server) issue(m *Merchant) (string, error) {
	if m.Token == Opaque {
		return rand.Text(), nil
	}
	iat := s.now().Truncate(time.Second)
	lifetime := m.Lifetime
	if lifetime == 0 {
		lifetime = Lifetime
	}
	claims := jwt.MapClaims{
		"iss": "hepsipaysim",
		"sub": m.Label,
		"jti": rand.Text(), // so tokens issued in one second differ
		"iat": iat.Unix(),
		"exp": iat.Add(lifetime).Unix(),
	}
	if m.Scope != "" {
		claims["scope"] = m.Scope
	}
	if m.Token == RS256 {
		k, err := simkit.RSAKey()
		if err != nil {
			return "", err
		}
		return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(k)
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.hsKey)
}

// write sends v as JSON with the headers RFC 6749 §5.1 asks of every
// token endpoint answer.
func write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(encode(v))
}

// encode marshals the emulator's answers, which are strings and numbers
// and always marshal.
func encode(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return body
}
