// Package paynkolaysim emulates Paynkolay's marketplace token call,
// POST /marketplace/v1/authenticate, for tests, benchmarks and the sandbox
// command.
//
// It answers as Paynkolay's "Authentication and Token Retrieval" page
// shows: a JSON body {"username","password","merchantNo"} that matches a
// merchant gets HTTP 200 with
// {"success":true,"responseCode":"200","responseMessage":"SUCCESS","data":{"token":"…"}},
// the token an HS512 JWT with sub (the username), iat and exp = iat + 30
// minutes, signed with a key made once per process (see SigningKey) and
// recorded in the ledger. Each token also carries a random jti, which the
// page's sample does not show, so that two tokens issued in the same second
// differ.
//
// The page shows no failure, so the refusals are the emulator's own, in
// the same envelope with "data": null: a body that is not a JSON object
// sent as application/json, or that lacks one of the three fields, is HTTP
// 400 with responseCode "400"; credentials it does not know are HTTP 401
// with responseCode "401" and "Kullanıcı adı veya şifre hatalı"; other
// paths are 404 and other methods 405.
//
// The built-in merchants (Fixtures) are obviously fake: the documented one
// with the page's merchantNo 400000904, a second merchant, and one whose
// JWT has no exp, so the client's 30-minute fallback shows. WithMerchant
// adds more.
package paynkolaysim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// TokenPath is the only path the emulator serves. Paynkolay's base URLs
// have no path of their own.
const TokenPath = "/marketplace/v1/authenticate"

// Lifetime is how long issued tokens are valid: exp − iat of the page's
// sample.
const Lifetime = 30 * time.Minute

// The documented merchant's credentials, the first of Fixtures.
const (
	Username   = "sandbox-paynkolay-marketplace"
	Password   = "sandbox-paynkolay-password-marketplace"
	MerchantNo = "400000904"
)

// The emulator's responseMessages. Only MessageSuccess is Paynkolay's own;
// the page shows no failure, so the others are the emulator's wording.
const (
	MessageSuccess            = "SUCCESS"
	MessageInvalidCredentials = "Kullanıcı adı veya şifre hatalı"
	MessageMissingField       = "username, password ve merchantNo alanları zorunludur"
	MessageNotJSON            = "İstek gövdesi application/json türünde bir JSON nesnesi olmalıdır"
	MessageNotFound           = "İstenen kaynak bulunamadı"
	MessageMethod             = "Bu uç nokta yalnızca POST isteklerini kabul eder"
)

// maxRequestBytes bounds the request body the emulator reads.
const maxRequestBytes = 64 << 10

// signingKey signs every token of this process. It is random, so no token
// of the emulator is ever valid anywhere else.
var signingKey = func() []byte {
	k := make([]byte, 64) // HS512 wants a key as long as its hash
	_, _ = rand.Read(k)   // crypto/rand.Read never fails
	return k
}()

// SigningKey returns a copy of the HS512 key tokens are signed with, so
// tests can check signatures as Paynkolay's API would.
func SigningKey() []byte { return append([]byte(nil), signingKey...) }

// Merchant is one set of credentials the emulator accepts, and how its
// tokens look.
type Merchant struct {
	// Label and Note describe the merchant in Credentials; empty ones are
	// filled in.
	Label string
	Note  string
	// Username, Password and MerchantNo are the credentials, all three
	// needed.
	Username   string
	Password   string
	MerchantNo string
	// OmitExp issues JWTs without exp.
	OmitExp bool
}

// Fixtures returns the built-in merchants, the documented one first.
func Fixtures() []Merchant {
	return []Merchant{
		{
			Label:    "documented",
			Note:     "Paynkolay's documented answer: an HS512 JWT with sub, iat and exp 30 minutes later. expires_at is its exp, issued_at its iat; every capability flag and scopes are null.",
			Username: Username, Password: Password, MerchantNo: MerchantNo,
		},
		{
			Label:    "second merchant",
			Note:     "Another merchant, for a configuration that serves many: a token like the documented one, never shared with the first merchant.",
			Username: "sandbox-paynkolay-second", Password: "sandbox-paynkolay-password-second", MerchantNo: "400000905",
		},
		{
			Label:    "JWT without exp",
			Note:     "A JWT with sub and iat but no exp: expires_at is 30 minutes after the token was received, Paynkolay's documented lifetime; issued_at is its iat.",
			Username: "sandbox-paynkolay-noexp", Password: "sandbox-paynkolay-password-noexp", MerchantNo: "400000906",
			OmitExp: true,
		},
	}
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the emulator read the time from now, so tests can fix
// iat and exp.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithMerchant adds a merchant, or replaces the one with the same username
// and merchantNo.
func WithMerchant(m Merchant) Option {
	return func(s *Server) {
		for i, old := range s.merchants {
			if old.Username == m.Username && old.MerchantNo == m.MerchantNo {
				s.merchants[i] = m
				return
			}
		}
		s.merchants = append(s.merchants, m)
	}
}

// Server is the Paynkolay emulator. It is safe for concurrent use once
// built by New.
type Server struct {
	now       func() time.Time
	merchants []Merchant
	simkit.Base
}

var _ simkit.Emulator = (*Server)(nil)

// New returns an emulator that knows the Fixtures and any merchants the
// options add.
func New(opts ...Option) *Server {
	s := &Server{now: time.Now, merchants: Fixtures()}
	for _, o := range opts {
		o(s)
	}
	s.Handle(s.serve)
	return s
}

// Credentials lists what each merchant logs in with, the built-in ones
// first.
func (s *Server) Credentials() []simkit.Credential {
	out := make([]simkit.Credential, 0, len(s.merchants))
	for _, m := range s.merchants {
		out = append(out, m.credential())
	}
	return out
}

// credential is m as people and the clients' shared suite see it, under
// the names of the provider's settings.
func (m Merchant) credential() simkit.Credential {
	c := simkit.Credential{Label: m.Label, Note: m.Note, Settings: map[string]string{
		"username":    m.Username,
		"password":    m.Password,
		"merchant_no": m.MerchantNo,
	}}
	if c.Label == "" {
		c.Label = "merchantNo " + m.MerchantNo
	}
	if c.Note == "" {
		c.Note = "A merchant added with WithMerchant."
	}
	return c
}

// Refusal answers as the emulator refuses credentials it does not know:
// HTTP 401 with responseCode "401" and message as responseMessage.
func (s *Server) Refusal(message string) simkit.Fault {
	return simkit.Fault{Kind: simkit.Raw, Status: http.StatusUnauthorized, ContentType: "application/json",
		Body: string(encode(failure(http.StatusUnauthorized, message)))}
}

// answer is Paynkolay's envelope, fields in the page's order. Data is nil,
// sent as null, on a failure.
type answer struct {
	Success         bool       `json:"success"`
	ResponseCode    string     `json:"responseCode"`
	ResponseMessage string     `json:"responseMessage"`
	Data            *tokenData `json:"data"`
}

type tokenData struct {
	Token string `json:"token"`
}

// failure is a refusal with the HTTP status as its responseCode.
func failure(status int, message string) answer {
	return answer{ResponseCode: strconv.Itoa(status), ResponseMessage: message}
}

// encode marshals an answer, which holds only strings and a boolean, so it
// always marshals.
func encode(a answer) []byte {
	body, _ := json.Marshal(a)
	return body
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != TokenPath {
		write(w, http.StatusNotFound, failure(http.StatusNotFound, MessageNotFound))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		write(w, http.StatusMethodNotAllowed, failure(http.StatusMethodNotAllowed, MessageMethod))
		return
	}
	req, refusal := readRequest(w, r)
	if refusal != "" {
		write(w, http.StatusBadRequest, failure(http.StatusBadRequest, refusal))
		return
	}
	m, ok := s.merchant(req)
	if !ok {
		write(w, http.StatusUnauthorized, failure(http.StatusUnauthorized, MessageInvalidCredentials))
		return
	}
	token, err := s.sign(m)
	if err != nil {
		write(w, http.StatusInternalServerError, failure(http.StatusInternalServerError, "Sunucu hatası"))
		return
	}
	s.Record(token)
	write(w, http.StatusOK, answer{Success: true, ResponseCode: "200", ResponseMessage: MessageSuccess, Data: &tokenData{Token: token}})
}

// credentials is a token request's body.
type credentials struct {
	Username, Password, MerchantNo string
}

// readRequest reads the three fields, each a non-empty JSON string, from a
// JSON object sent as application/json. When it cannot, refusal is the
// responseMessage of the HTTP 400 answer.
func readRequest(w http.ResponseWriter, r *http.Request) (c credentials, refusal string) {
	data, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	mt, _, ctErr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var fields map[string]json.RawMessage
	if readErr != nil || ctErr != nil || mt != "application/json" || json.Unmarshal(data, &fields) != nil || fields == nil {
		return credentials{}, MessageNotJSON
	}
	text := func(name string) string {
		var s string
		_ = json.Unmarshal(fields[name], &s) // anything but a string stays ""
		return s
	}
	c = credentials{Username: text("username"), Password: text("password"), MerchantNo: text("merchantNo")}
	if c.Username == "" || c.Password == "" || c.MerchantNo == "" {
		return credentials{}, MessageMissingField
	}
	return c, ""
}

// merchant finds the merchant req's credentials belong to, comparing the
// password in constant time.
func (s *Server) merchant(req credentials) (Merchant, bool) {
	for _, m := range s.merchants {
		if m.Username == req.Username && m.MerchantNo == req.MerchantNo &&
			subtle.ConstantTimeCompare([]byte(m.Password), []byte(req.Password)) == 1 {
			return m, true
		}
	}
	return Merchant{}, false
}

// sign issues m a token as of the emulator's clock, to the second as JWT
// times are.
func (s *Server) sign(m Merchant) (string, error) {
	iat := s.now().Truncate(time.Second)
	claims := jwt.RegisteredClaims{
		Subject:  m.Username,
		IssuedAt: jwt.NewNumericDate(iat),
		ID:       rand.Text(),
	}
	if !m.OmitExp {
		claims.ExpiresAt = jwt.NewNumericDate(iat.Add(Lifetime))
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString(signingKey)
}

func write(w http.ResponseWriter, status int, a answer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(encode(a))
}
