// Package sipaysim emulates Sipay's token call, POST /ccpayment/api/token,
// for tests, benchmarks and the sandbox command.
//
// It answers as Sipay's Laravel back end does: HTTP 200 whatever happened,
// with the outcome in status_code. 100 carries an RS256 JWT (claims aud,
// jti, iat, nbf, exp = iat + 2h, sub, scopes: []) with the merchant's
// is_3d and expires_at in Turkey time ("2006-01-02 15:04:05", UTC+03:00);
// 30 means invalid credentials, as in Sipay's PHP SDK; 1 is a validation
// failure ("app id alanı gereklidir."), which is also what a body that is
// not JSON, or not sent as application/json, gets, because Laravel then sees
// no fields. Other paths answer 404 and other methods 405. Tokens are
// signed with an RSA key made once per process (see PublicKey) and
// recorded in the ledger.
//
// The built-in merchants (Fixtures) are one per documented is_3d value
// (0, 1, 2 and 4) and one with is_3d 7, which the provider does not know:
// app_id "sandbox-sipay-is3d-N" with app_secret "sandbox-secret-is3d-N".
// WithMerchant adds merchants whose answers can be bent (is_3d as any JSON
// value, an opaque token, no token, no or a custom expires_at) so client
// tests can drive every case through real HTTP.
//
// Other gateways on Sipay's ccpayment platform, such as Vepara, answer the
// same call in their own words: NewPlatform builds their emulators from
// this one with their Dialect.
//
// Users point the provider at it with base_url
// "http://127.0.0.1:PORT/ccpayment" (see BaseURL).
package sipaysim

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// BasePath is Sipay's documented base path; users' base_url ends with it.
const BasePath = "/ccpayment"

// TokenPath is the only path the emulator serves.
const TokenPath = BasePath + "/api/token"

// Lifetime is how long issued tokens are valid, as with Sipay.
const Lifetime = 2 * time.Hour

// TimeLayout is the layout of expires_at, in Turkey time.
const TimeLayout = "2006-01-02 15:04:05"

// maxRequestBytes bounds the request body the emulator reads.
const maxRequestBytes = 64 << 10

// turkey is UTC+03:00, fixed, as Sipay's clock is.
var turkey = time.FixedZone("TRT", 3*60*60)

// BaseURL returns the base_url to give the provider for an emulator served
// at serverURL (such as an httptest.Server's URL).
func BaseURL(serverURL string) string {
	return strings.TrimRight(serverURL, "/") + BasePath
}

// Merchant is one set of credentials the emulator accepts, and how its
// answers look.
type Merchant struct {
	// AppID and AppSecret are the credentials.
	AppID     string
	AppSecret string
	// Label and Note describe the merchant in Credentials; empty ones are
	// filled in.
	Label string
	Note  string
	// Is3D is sent as is_3d verbatim, so a test can send any JSON value
	// (1, "1", "x", true, null); nil leaves is_3d out of the answer.
	Is3D json.RawMessage
	// Sub is the JWT's sub claim (Sipay's merchant number); empty means
	// one derived from the merchant's position.
	Sub string
	// OpaqueToken issues a random string that is not a JWT.
	OpaqueToken bool
	// OmitToken answers success without data.token.
	OmitToken bool
	// OmitExpiresAt leaves expires_at out of the answer.
	OmitExpiresAt bool
	// ExpiresAt, when not empty, is sent as expires_at (or the dialect's
	// spelling of it) verbatim instead of the real expiry.
	ExpiresAt string
}

// Fixtures returns the built-in merchants, one per is_3d value.
func Fixtures() []Merchant {
	return fixtures("Sipay", func(is3D int) (string, string) {
		return fmt.Sprintf("sandbox-sipay-is3d-%d", is3D), fmt.Sprintf("sandbox-secret-is3d-%d", is3D)
	})
}

// NamedFixtures returns the built-in merchants of a gateway that answers in
// Sipay's words under its own name, such as QNBpay: one per is_3d value, as
// Sipay's, with app_id "sandbox-NAME-is3d-N" and app_secret
// "sandbox-NAME-secret-is3d-N", described in the words of the gateway
// called title.
func NamedFixtures(name, title string) []Merchant {
	return fixtures(title, func(is3D int) (string, string) {
		return fmt.Sprintf("sandbox-%s-is3d-%d", name, is3D), fmt.Sprintf("sandbox-%s-secret-is3d-%d", name, is3D)
	})
}

// fixtures returns one merchant per is_3d value, with the credentials creds
// gives.
func fixtures(title string, creds func(is3D int) (appID, appSecret string)) []Merchant {
	notes := []struct {
		is3D int
		note string
	}{
		{0, "White-label 2D only: supports_2d and supports_white_label true; supports_3d, supports_branded and requires_3d_choice false."},
		{1, "White-label 2D or 3D, as in " + title + "'s documented sample: the merchant's page must let the buyer choose (requires_3d_choice true); supports_2d, supports_3d and supports_white_label true."},
		{2, "White-label 3D only: supports_3d and supports_white_label true; supports_2d, supports_branded and requires_3d_choice false."},
		{4, title + "'s branded payment page: supports_branded true, supports_white_label and requires_3d_choice false, supports_2d and supports_3d null."},
		{7, "An is_3d value the provider does not know: every capability flag is null and the token comes with a warning; it is still usable."},
	}
	out := make([]Merchant, len(notes))
	for i, n := range notes {
		id, secret := creds(n.is3D)
		out[i] = Merchant{
			AppID:     id,
			AppSecret: secret,
			Label:     fmt.Sprintf("is_3d=%d", n.is3D),
			Note:      n.note,
			Is3D:      json.RawMessage(fmt.Sprint(n.is3D)),
			Sub:       fmt.Sprint(86 + n.is3D),
		}
	}
	return out
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the emulator read the time from now, so tests can fix
// iat, exp and expires_at.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithMerchant adds a merchant, or replaces the one with the same AppID.
func WithMerchant(m Merchant) Option {
	return func(s *Server) {
		if i, ok := s.byID[m.AppID]; ok {
			if m.Sub == "" {
				m.Sub = s.merchants[i].Sub
			}
			s.merchants[i] = m
			return
		}
		if m.Sub == "" {
			m.Sub = fmt.Sprint(1000 + len(s.merchants))
		}
		s.byID[m.AppID] = len(s.merchants)
		s.merchants = append(s.merchants, m)
	}
}

// Server is the Sipay emulator, or another platform gateway's. It is safe
// for concurrent use; build it with New or NewPlatform.
type Server struct {
	dialect Dialect
	simkit.Base
	now       func() time.Time
	merchants []Merchant
	byID      map[string]int
}

var _ simkit.Emulator = (*Server)(nil)

// New returns an emulator that knows the Fixtures and any merchants the
// options add.
func New(opts ...Option) *Server {
	return NewPlatform(SipayWords, Fixtures(), opts...)
}

// Dialect is how a gateway on Sipay's platform words its answers to the
// token call; the platform's emulator does the rest (merchants, tokens,
// expiry, faults). Each method returns an HTTP status and a body to send
// as JSON.
type Dialect interface {
	// Refuse checks a request's fields (nil when Laravel sees none) before
	// the credentials are looked at, and reports whether it refuses them.
	Refuse(fields map[string]json.RawMessage) (status int, body any, refused bool)
	// Deny answers credentials the gateway does not know, with message as
	// its description, or the gateway's own when message is empty.
	Deny(message string) (status int, body any)
	// Success is a successful answer; token and expiresAt are nil when the
	// merchant leaves them out.
	Success(token *string, is3D json.RawMessage, expiresAt *string) (status int, body any)
}

// NewPlatform returns an emulator of a gateway on Sipay's platform that
// answers in dialect and knows fixtures and any merchants the options add.
func NewPlatform(dialect Dialect, fixtures []Merchant, opts ...Option) *Server {
	s := &Server{dialect: dialect, now: time.Now, byID: map[string]int{}}
	for _, m := range fixtures {
		WithMerchant(m)(s)
	}
	for _, o := range opts {
		o(s)
	}
	s.Handle(s.serve)
	return s
}

// Credentials returns every merchant's credentials, fixtures first.
func (s *Server) Credentials() []simkit.Credential {
	out := make([]simkit.Credential, len(s.merchants))
	for i, m := range s.merchants {
		label, note := m.Label, m.Note
		if label == "" {
			label = "app_id=" + m.AppID
		}
		if note == "" {
			note = "A merchant added by the emulator's user."
		}
		out[i] = simkit.Credential{
			Label:    label,
			Note:     note,
			Settings: map[string]string{"app_id": m.AppID, "app_secret": m.AppSecret},
		}
	}
	return out
}

// Refusal answers as the emulator refuses bad credentials, in its
// dialect's words (Sipay's status_code 30, Vepara's 2, QNBpay's 2 in an
// array at HTTP 400), with message as the description.
func (s *Server) Refusal(message string) simkit.Fault {
	status, deny := s.dialect.Deny(message)
	body, _ := json.Marshal(deny) // the dialects' bodies always marshal
	return simkit.Fault{Kind: simkit.Raw, Status: status, ContentType: "application/json", Body: string(body)}
}

// failure is Sipay's failure body. Data is a pointer so validation
// failures can send "data": null as the PHP SDK shows, while invalid
// credentials send no data at all, as the doc page shows.
type failure struct {
	StatusCode        int              `json:"status_code"`
	StatusDescription string           `json:"status_description"`
	Data              *json.RawMessage `json:"data,omitempty"`
}

type success struct {
	StatusCode        int         `json:"status_code"`
	StatusDescription string      `json:"status_description"`
	Data              successData `json:"data"`
}

type successData struct {
	Token     *string         `json:"token,omitempty"`
	Is3D      json.RawMessage `json:"is_3d,omitempty"`
	ExpiresAt *string         `json:"expires_at,omitempty"`
}

// The status codes and descriptions the emulator sends.
const (
	StatusSuccess            = 100
	StatusValidation         = 1
	StatusInvalidCredentials = 30

	descSuccess            = "Successfully Generated token"
	descInvalidCredentials = "Invalid credentials"
	descAppIDRequired      = "app id alanı gereklidir."
	descAppSecretRequired  = "app secret alanı gereklidir."
)

var jsonNull = json.RawMessage("null")

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != TokenPath {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{
			"message": fmt.Sprintf("The %s method is not supported for this route. Supported methods: POST.", r.Method),
		})
		return
	}
	fields, tooLarge := readFields(w, r)
	if tooLarge {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"message": "Request body too large."})
		return
	}
	if status, body, refused := s.dialect.Refuse(fields); refused {
		writeJSON(w, status, body)
		return
	}
	appID, appSecret := fieldText(fields["app_id"]), fieldText(fields["app_secret"])
	i, known := s.byID[appID]
	if !known || subtle.ConstantTimeCompare([]byte(appSecret), []byte(s.merchants[i].AppSecret)) != 1 {
		status, body := s.dialect.Deny("")
		writeJSON(w, status, body)
		return
	}
	s.issue(w, s.merchants[i])
}

// Words is the dialect of Sipay and of the gateways that answer in Sipay's
// words under their own hosts, such as QNBpay: status_code 100 with
// expires_at on success, 1 for a missing field, InvalidCredentials for
// credentials it does not know. Refusals come with RefusalStatus, as the
// failure object alone or, with ArrayRefusals, as the only element of a
// JSON array.
type Words struct {
	RefusalStatus      int
	InvalidCredentials int
	ArrayRefusals      bool
}

// SipayWords is Sipay's own dialect: HTTP 200 for every outcome, told apart
// by status_code, with 30 for invalid credentials as Sipay's PHP SDK knows
// it.
var SipayWords = Words{RefusalStatus: http.StatusOK, InvalidCredentials: StatusInvalidCredentials}

var _ Dialect = Words{}

// refusal is a failure answer in w's form.
func (w Words) refusal(f failure) (int, any) {
	if w.ArrayRefusals {
		return w.RefusalStatus, []failure{f}
	}
	return w.RefusalStatus, f
}

// Refuse answers an app_id or app_secret that is missing, null or empty
// with status_code 1, the platform's validation failure.
func (w Words) Refuse(fields map[string]json.RawMessage) (int, any, bool) {
	var status int
	var body any
	switch {
	case fieldText(fields["app_id"]) == "":
		status, body = w.refusal(failure{StatusCode: StatusValidation, StatusDescription: descAppIDRequired, Data: &jsonNull})
	case fieldText(fields["app_secret"]) == "":
		status, body = w.refusal(failure{StatusCode: StatusValidation, StatusDescription: descAppSecretRequired, Data: &jsonNull})
	default:
		return 0, nil, false
	}
	return status, body, true
}

// Deny answers w.InvalidCredentials, with message as the description.
func (w Words) Deny(message string) (int, any) {
	if message == "" {
		message = descInvalidCredentials
	}
	return w.refusal(failure{StatusCode: w.InvalidCredentials, StatusDescription: message})
}

// Success answers status_code 100 with expires_at.
func (Words) Success(token *string, is3D json.RawMessage, expiresAt *string) (int, any) {
	return http.StatusOK, success{StatusCode: StatusSuccess, StatusDescription: descSuccess,
		Data: successData{Token: token, Is3D: is3D, ExpiresAt: expiresAt}}
}

// readFields reads a request's fields as Laravel would: from a JSON object
// sent as application/json, and none otherwise.
func readFields(w http.ResponseWriter, r *http.Request) (fields map[string]json.RawMessage, tooLarge bool) {
	data, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	var maxErr *http.MaxBytesError
	if errors.As(readErr, &maxErr) {
		return nil, true
	}
	mt, _, ctErr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if readErr != nil || ctErr != nil || mt != "application/json" || json.Unmarshal(data, &fields) != nil {
		return nil, false
	}
	return fields, false
}

// fieldText is a field's string, "" when it is absent or null, and its
// JSON text when it is not a string, so it never matches a credential.
func fieldText(raw json.RawMessage) string {
	var s string
	switch {
	case raw == nil || string(raw) == "null":
		return ""
	case json.Unmarshal(raw, &s) == nil:
		return s
	}
	return string(raw)
}

// issue answers a merchant's successful call and records the token.
func (s *Server) issue(w http.ResponseWriter, m Merchant) {
	now := s.now().Truncate(time.Second)
	exp := now.Add(Lifetime)
	var token string
	var err error
	if m.OpaqueToken {
		token = opaqueToken()
	} else {
		token, err = signToken(m.Sub, now, exp)
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Server Error"})
		return
	}
	var sent, expiresAt *string
	if !m.OmitToken {
		sent = &token
	}
	if !m.OmitExpiresAt {
		at := exp.In(turkey).Format(TimeLayout)
		if m.ExpiresAt != "" {
			at = m.ExpiresAt
		}
		expiresAt = &at
	}
	status, answer := s.dialect.Success(sent, m.Is3D, expiresAt)
	body, err := json.Marshal(answer)
	if err != nil {
		// Only a merchant whose Is3D is not valid JSON gets here.
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "Server Error"})
		return
	}
	if !m.OmitToken {
		s.Record(token)
	}
	writeBody(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"Server Error"}`)
	}
	writeBody(w, status, body)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
