// Package tahsilatsim emulates Tahsilat's token endpoint,
// POST /v1/token/get-token, for tests, benchmarks and the sandbox command.
//
// It answers as Tahsilat's documentation shows: the caller authenticates
// with "Authorization: Bearer <secret_key or public_key>" and no body, and
// gets HTTP 200 with {"status":true,"message":"Token başarıyla
// oluşturuldu.","errors":[],"error_code":null,"data":{...}} holding an
// opaque 100-character base62 access token, the merchant's capability flags
// and expires_at ten minutes after the emulator's clock, written with the
// +03:00 offset Tahsilat uses. A token made with a public key says
// supports_2d false, since it is for 3D Secure payments only. Every issued
// token is recorded in the Ledger.
//
// Refusals use Tahsilat's error envelope
// {"status":false,"message":"…","errors":[] or {"field":["msg"]},"error_code":"…"}:
// a missing or unknown key is HTTP 401 "invalid_api_key", a request without
// Content-Type application/json is 415, a method other than POST is 405, any
// other path is 404, and a merchant configured with validation errors gets
// HTTP 422 with errors in the object form. The Turkish messages of the
// refusals are the emulator's own wording, not quoted from Tahsilat.
//
// Built-in fixtures (obviously fake, shaped like real keys):
//   - SecretKey / PublicKey: a merchant with every capability (2D, 3D,
//     white label, instalments).
//   - SecretKey3DOnly / PublicKey3DOnly: a 3D-only merchant, flagged exactly
//     like the documentation's sample (2D false, 3D true, white label true,
//     instalments false).
package tahsilatsim

import (
	"crypto/rand"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TokenPath is the only path the emulator serves.
const TokenPath = "/v1/token/get-token"

// Lifetime is how long issued tokens live, as documented.
const Lifetime = 10 * time.Minute

// TokenLength is the length of issued access tokens; the documentation's
// sample is about this long.
const TokenLength = 100

// The built-in merchants' keys.
const (
	SecretKey       = "sk_test_sandbox_4eC39HqLyjWDarjtT1zdp7dcTahsilat"
	PublicKey       = "pk_test_sandbox_TYooMQauvdEDq54NiTphI7jxTahsilat"
	SecretKey3DOnly = "sk_test_sandbox_3ds51NxQmPkX2vLr8bWc0aZyTahsilat"
	PublicKey3DOnly = "pk_test_sandbox_3ds9KeR4tUw7HcJd2FgSx6MvTahsilat"
)

// The emulator's messages and error codes.
const (
	MessageIssued          = "Token başarıyla oluşturuldu."
	MessageInvalidKey      = "Geçersiz API anahtarı."
	MessageValidation      = "Gönderilen veriler doğrulanamadı."
	MessageContentType     = "İstek Content-Type başlığı application/json olmalıdır."
	MessageMethod          = "Bu uç nokta yalnızca POST isteklerini kabul eder."
	MessageNotFound        = "İstenen kaynak bulunamadı."
	CodeInvalidKey         = "invalid_api_key"
	CodeValidation         = "validation_error"
	CodeUnsupportedContent = "unsupported_media_type"
	CodeMethodNotAllowed   = "method_not_allowed"
	CodeNotFound           = "not_found"
)

// istanbul is Turkey's fixed offset; Turkey has kept UTC+03:00 all year
// since 2016, and a fixed zone keeps the tz database out of it.
var istanbul = time.FixedZone("+03", 3*60*60)

// Merchant is one merchant account the emulator knows: its keys, the
// capability flags its tokens carry, and how its answers deviate from the
// normal ones, so tests can reach every branch of a client.
type Merchant struct {
	// Label and Note describe the merchant in Credentials.
	Label string
	Note  string
	// SecretKey and PublicKey authenticate; either may be empty.
	SecretKey string
	PublicKey string
	// The capability flags; a nil flag is left out of data.
	Supports2D          *bool
	Supports3D          *bool
	SupportsWhiteLabel  *bool
	SupportsInstallment *bool
	// OmitExpiresAt leaves expires_at out of data.
	OmitExpiresAt bool
	// ExpiresAt, when not empty, is sent verbatim as expires_at.
	ExpiresAt string
	// OmitToken leaves access_token out of data (nothing is issued).
	OmitToken bool
	// ValidationErrors, when not nil, makes every token call fail with HTTP
	// 422 and these errors, in the object form.
	ValidationErrors map[string][]string
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock expires_at is computed from.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithMerchant adds a merchant next to the built-in ones; its keys win
// over a built-in merchant's equal keys.
func WithMerchant(m Merchant) Option {
	return func(s *Server) { s.merchants = append(s.merchants, m) }
}

// Server is the emulator. It is safe for concurrent use.
type Server struct {
	now       func() time.Time
	merchants []Merchant
	keys      map[string]grant
	simkit.Base
}

// grant is what a key unlocks.
type grant struct {
	merchant *Merchant
	public   bool
}

var _ simkit.Emulator = (*Server)(nil)

// New returns an emulator with the built-in merchants and opts applied.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, merchants: builtins()}
	for _, o := range opts {
		o(s)
	}
	s.keys = make(map[string]grant, 2*len(s.merchants))
	for i := range s.merchants {
		m := &s.merchants[i]
		if m.SecretKey != "" {
			s.keys[m.SecretKey] = grant{merchant: m}
		}
		if m.PublicKey != "" {
			s.keys[m.PublicKey] = grant{merchant: m, public: true}
		}
	}
	s.Handle(s.serve)
	return s
}

func builtins() []Merchant {
	yes, no := true, false
	return []Merchant{
		{
			Label:     "full",
			Note:      "every capability: 2D, 3D Secure, white label and instalments",
			SecretKey: SecretKey, PublicKey: PublicKey,
			Supports2D: &yes, Supports3D: &yes, SupportsWhiteLabel: &yes, SupportsInstallment: &yes,
		},
		{
			Label:     "3d-only",
			Note:      "3D Secure only, flagged like the documentation's sample: no 2D, no instalments",
			SecretKey: SecretKey3DOnly, PublicKey: PublicKey3DOnly,
			Supports2D: &no, Supports3D: &yes, SupportsWhiteLabel: &yes, SupportsInstallment: &no,
		},
	}
}

// Credentials lists each merchant twice: asking with the secret key, and
// with the public key alone.
func (s *Server) Credentials() []simkit.Credential {
	var out []simkit.Credential
	for _, m := range s.merchants {
		if m.SecretKey != "" {
			settings := map[string]string{"secret_key": m.SecretKey}
			if m.PublicKey != "" {
				settings["public_key"] = m.PublicKey
			}
			out = append(out, simkit.Credential{
				Label:    m.Label + " (secret key)",
				Note:     m.Note + ".",
				Settings: settings,
				Args:     map[string]string{"key": "secret"},
			})
		}
		if m.PublicKey != "" {
			out = append(out, simkit.Credential{
				Label:    m.Label + " (public key)",
				Note:     m.Note + "; a public-key token is for 3D Secure only, so supports_2d is false.",
				Settings: map[string]string{"public_key": m.PublicKey},
				Args:     map[string]string{"key": "public"},
			})
		}
	}
	return out
}

// Refusal answers as the emulator refuses an unknown key: HTTP 401 with
// error_code invalid_api_key, with message as the envelope's message.
func (s *Server) Refusal(message string) simkit.Fault {
	body, _ := json.Marshal(answer{Message: message, Errors: []string{}, ErrorCode: CodeInvalidKey}) // strings always marshal
	return simkit.Fault{Kind: simkit.Raw, Status: http.StatusUnauthorized, ContentType: "application/json", Body: string(body)}
}

// answer is Tahsilat's envelope, fields in the documentation's order.
type answer struct {
	Status    bool   `json:"status"`
	Message   string `json:"message"`
	Errors    any    `json:"errors"`
	ErrorCode any    `json:"error_code"`
	Data      *data  `json:"data,omitempty"`
}

type data struct {
	AccessToken         *string `json:"access_token,omitempty"`
	Supports3D          *bool   `json:"supports_3d,omitempty"`
	Supports2D          *bool   `json:"supports_2d,omitempty"`
	SupportsWhiteLabel  *bool   `json:"supports_white_label,omitempty"`
	SupportsInstallment *bool   `json:"supports_installment,omitempty"`
	ExpiresAt           *string `json:"expires_at,omitempty"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != TokenPath {
		fail(w, http.StatusNotFound, MessageNotFound, CodeNotFound, []string{})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		fail(w, http.StatusMethodNotAllowed, MessageMethod, CodeMethodNotAllowed, []string{})
		return
	}
	g, ok := s.keys[bearer(r.Header.Get("Authorization"))]
	if !ok {
		fail(w, http.StatusUnauthorized, MessageInvalidKey, CodeInvalidKey, []string{})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		fail(w, http.StatusUnsupportedMediaType, MessageContentType, CodeUnsupportedContent, []string{})
		return
	}
	m := g.merchant
	if m.ValidationErrors != nil {
		fail(w, http.StatusUnprocessableEntity, MessageValidation, CodeValidation, m.ValidationErrors)
		return
	}

	d := &data{
		Supports3D:          m.Supports3D,
		Supports2D:          m.Supports2D,
		SupportsWhiteLabel:  m.SupportsWhiteLabel,
		SupportsInstallment: m.SupportsInstallment,
	}
	if g.public {
		no := false
		d.Supports2D = &no
	}
	switch {
	case m.OmitExpiresAt:
	case m.ExpiresAt != "":
		d.ExpiresAt = &m.ExpiresAt
	default:
		at := s.now().Add(Lifetime).In(istanbul).Format(time.RFC3339)
		d.ExpiresAt = &at
	}
	if !m.OmitToken {
		token := newToken()
		s.Record(token)
		d.AccessToken = &token
	}
	write(w, http.StatusOK, answer{Status: true, Message: MessageIssued, Errors: []string{}, Data: d})
}

// bearer returns the credentials of a Bearer Authorization header, or ""
// for any other.
func bearer(h string) string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(cred)
}

func fail(w http.ResponseWriter, status int, message, code string, errs any) {
	write(w, status, answer{Message: message, Errors: errs, ErrorCode: code})
}

func write(w http.ResponseWriter, status int, a answer) {
	body, err := json.Marshal(a)
	if err != nil {
		http.Error(w, "tahsilatsim: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newToken returns TokenLength random base62 characters, drawn without
// modulo bias.
func newToken() string {
	out := make([]byte, 0, TokenLength)
	buf := make([]byte, TokenLength+TokenLength/4)
	for len(out) < TokenLength {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails
		for _, b := range buf {
			if b < 248 && len(out) < TokenLength { // 248 = 4*62
				out = append(out, base62[b%62])
			}
		}
	}
	return string(out)
}
