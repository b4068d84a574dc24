package clientstest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// PlatformParser is the parser of a gateway on Sipay's ccpayment platform
// (Sipay, QNBpay, PayBull, Vepara), as FuzzPlatform drives it.
type PlatformParser struct {
	// Gateway is the gateway's name, as its errors carry it.
	Gateway string
	// Parse and Classify are the gateway's.
	Parse    func(resp *clients.Response, receivedAt time.Time) (*clients.Token, error)
	Classify func(status int, body []byte) clients.Verdict
	// Success wraps data in the gateway's own success envelope, for the
	// control answer that tells a warning's prose from a leak.
	Success func(data map[string]any) any
	// ExpiryFields are the names under data that the gateway reads an
	// expiry from.
	ExpiryFields []string
	// CodelessRefusals allows a refusal without a code, such as Vepara's
	// validation envelope; the platform's own refusals always carry one.
	CodelessRefusals bool
}

// FuzzPlatform runs a FuzzParse target over parsers, which must read every
// answer alike: each answer is given to each parser as it is and, when it
// is a JSON object, as the only element of a JSON array, the platform's
// other form. Every result goes through CheckParse and the platform's
// rules (a capability flag set only with its siblings, unknown ones with a
// warning, never supports_installment), then check, when not nil, for the
// gateway's own.
func FuzzPlatform(f *testing.F, parsers []PlatformParser, check func(t *testing.T, body []byte, tok *clients.Token, e *clients.Error)) {
	f.Fuzz(func(t *testing.T, body []byte, status int, receivedUnix int64) {
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", 5*3600))
		bodies := [][]byte{body}
		if len(body) > 0 && body[0] == '{' && json.Valid(body) {
			bodies = append(bodies, append(append([]byte("["), body...), ']'))
		}
		first := ""
		for _, p := range parsers {
			for _, b := range bodies {
				var secret string
				_ = json.Unmarshal(platformFields(b, "token")["token"], &secret)
				tok, err := p.Parse(&clients.Response{StatusCode: status, Body: b, Attempts: 1}, received)
				tok, e := CheckParse(t, ParseCase{
					Gateway: p.Gateway, Status: status, Body: b, Token: tok, Err: err,
					Classify: p.Classify, Carried: secret, Received: received, IssuedOnReceipt: true,
					WarningProse: func() string { return p.controlWarnings(b, received) },
				})
				p.checkRules(t, tok, e)
				if check != nil {
					check(t, b, tok, e)
				}
				if got := outcome(tok, e); first == "" {
					first = got
				} else if got != first {
					t.Fatalf("%s reads %q as %s, where %s read %s", p.Gateway, b, got, parsers[0].Gateway, first)
				}
			}
		}
	})
}

// platformFields returns the named fields of the data object of a
// platform answer in either form, matched as encoding/json matches keys
// (in any letter case, the last duplicate winning), so they are the
// values Parse reads. Absent fields are absent from the map.
func platformFields(body []byte, names ...string) map[string]json.RawMessage {
	var elems []json.RawMessage
	if json.Unmarshal(body, &elems) == nil && len(elems) > 0 {
		body = elems[0]
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Data) == 0 || env.Data[0] != '{' {
		return nil
	}
	fields := make([]reflect.StructField, len(names))
	for i, n := range names {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[json.RawMessage](), Tag: reflect.StructTag(`json:"` + n + `"`)}
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	if json.Unmarshal(env.Data, v.Addr().Interface()) != nil {
		return nil
	}
	out := map[string]json.RawMessage{}
	for i, n := range names {
		if raw := v.Field(i).Bytes(); raw != nil {
			out[n] = raw
		}
	}
	return out
}

// checkRules checks what the platform's rules add to CheckParse.
func (p PlatformParser) checkRules(t *testing.T, tok *clients.Token, e *clients.Error) {
	t.Helper()
	if e != nil {
		if e.Kind == clients.KindRejected && (e.Code == "100" || (e.Code == "" && !p.CodelessRefusals)) {
			t.Fatalf("rejection with code %q", e.Code)
		}
		return
	}
	if strings.IndexFunc(tok.AccessToken, unicode.IsControl) >= 0 {
		t.Fatalf("access token %q holds control characters", tok.AccessToken)
	}
	if tok.ExpiresAt.IsZero() {
		t.Fatal("zero expiry")
	}
	c := tok.Capabilities
	if c.SupportsInstallment != nil {
		t.Fatal("supports_installment is set; the platform never says")
	}
	if c.SupportsBranded == nil && len(tok.Warnings) == 0 {
		t.Fatal("capabilities unknown without a warning")
	}
	if (c.SupportsBranded == nil) != (c.SupportsWhiteLabel == nil) || (c.SupportsBranded == nil) != (c.Requires3DChoice == nil) {
		t.Fatal("capabilities partly set")
	}
}

// controlWarnings returns the warnings p gives for body's is_3d and expiry
// fields with another token: what the warnings' prose and quoted values
// hold by chance, so a token such as "integration mode" that is part of
// that prose is not taken for a leak.
func (p PlatformParser) controlWarnings(body []byte, received time.Time) string {
	fields := map[string]any{"token": "control-token-0"}
	for k, v := range platformFields(body, append([]string{"is_3d"}, p.ExpiryFields...)...) {
		fields[k] = v
	}
	control, _ := json.Marshal(p.Success(fields)) // strings and raw JSON always marshal
	tok, err := p.Parse(&clients.Response{StatusCode: 200, Body: control, Attempts: 1}, received)
	if err != nil {
		return ""
	}
	return strings.Join(tok.Warnings, "\n")
}

// outcome sums up a result without the gateway's name and words.
func outcome(tok *clients.Token, e *clients.Error) string {
	if e != nil {
		return fmt.Sprintf("error %v HTTP %d code %q message %q", e.Kind, e.StatusCode, e.Code, e.Message)
	}
	return fmt.Sprintf("token %q expires %v issued %v flags %s scopes %q, %d warnings",
		tok.AccessToken, tok.ExpiresAt, tok.IssuedAt, Flags(tok.Capabilities), tok.Scopes, len(tok.Warnings))
}
