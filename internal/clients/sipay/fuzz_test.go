package sipay_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// FuzzParse feeds Parse arbitrary answers. Seeds live in
// testdata/fuzz/FuzzParse: the documented sample, failures and odd shapes.
func FuzzParse(f *testing.F) {
	digits := regexp.MustCompile(`^[0-9]+$`)
	f.Fuzz(func(t *testing.T, body []byte, status int, receivedUnix int64) {
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", 5*3600))
		resp := &clients.Response{StatusCode: status, Body: body, Attempts: 1}
		tok, err := sipay.Parse(resp, received)
		if sipay.Classify(status, body) == clients.Final {
			// What is never retried must be a refusal Parse agrees on.
			if e, ok := clients.AsError(err); !ok || e.Kind != clients.KindRejected {
				t.Fatalf("Classify() = final but Parse gave %v, %v", tok, err)
			}
		}

		// The token the body carries, if any, must never leak into an
		// error or a warning. Short or all-digit tokens are skipped: they
		// can occur in a status code by chance. An error's or warning's own
		// prose is discounted (clientstest.ErrorShows, controlWarnings).
		var carried struct {
			Data struct {
				Token any `json:"token"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &carried)
		secret, _ := carried.Data.Token.(string)
		checkable := len(secret) >= 12 && !digits.MatchString(secret)

		if err != nil {
			if tok != nil {
				t.Fatalf("Parse returned both a token and %v", err)
			}
			var e *clients.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %T is not a *clients.Error", err)
			}
			switch e.Kind {
			case clients.KindRejected:
				if e.Code == "" || e.Code == "100" {
					t.Fatalf("rejection with code %q", e.Code)
				}
			case clients.KindMalformed, clients.KindHTTPStatus, clients.KindNoToken:
				if e.Code != "" || e.Message != "" {
					t.Fatalf("%v error carries code %q message %q", e.Kind, e.Code, e.Message)
				}
			default:
				t.Fatalf("unexpected error kind %v", e.Kind)
			}
			if e.Gateway != "sipay" || e.StatusCode != status {
				t.Fatalf("error gateway %q status %d, want sipay %d", e.Gateway, e.StatusCode, status)
			}
			if strings.IndexFunc(e.Message, func(r rune) bool { return r == '\n' || unicode.IsControl(r) }) >= 0 {
				t.Fatalf("message %q is not one line", e.Message)
			}
			if checkable && clientstest.ErrorShows(err, secret) {
				t.Fatalf("error %q carries the token", err)
			}
			if s, ok := clientstest.QuotedToken(err, body); ok {
				t.Fatalf("error %q quotes the body's token %q", err, s)
			}
			return
		}
		if tok == nil {
			t.Fatal("Parse returned neither a token nor an error")
		}
		if strings.TrimSpace(tok.AccessToken) == "" || strings.IndexFunc(tok.AccessToken, unicode.IsControl) >= 0 {
			t.Fatalf("unusable access token %q", tok.AccessToken)
		}
		if tok.AccessToken != secret {
			t.Fatalf("access token %q is not data.token %q", tok.AccessToken, secret)
		}
		if tok.ExpiresAt.Location() != time.UTC || tok.IssuedAt.Location() != time.UTC {
			t.Fatalf("times not in UTC: expires %v, issued %v", tok.ExpiresAt.Location(), tok.IssuedAt.Location())
		}
		if claims, isJWT := jwtclaims.Read(tok.AccessToken); isJWT {
			if iat, ok := claims.IssuedAt(); ok && !tok.IssuedAt.Equal(iat) {
				t.Fatalf("issued %v, want the JWT's iat %v", tok.IssuedAt, iat)
			}
		} else if !tok.IssuedAt.Equal(received) {
			t.Fatalf("issued %v for an opaque token, want the receipt time %v", tok.IssuedAt, received)
		}
		c := tok.Capabilities
		if c.SupportsInstallment != nil {
			t.Fatal("supports_installment is set; Sipay never says")
		}
		if c.SupportsBranded == nil && len(tok.Warnings) == 0 {
			t.Fatal("capabilities unknown without a warning")
		}
		if (c.SupportsBranded == nil) != (c.SupportsWhiteLabel == nil) || (c.SupportsBranded == nil) != (c.Requires3DChoice == nil) {
			t.Fatal("capabilities partly set")
		}
		for _, w := range tok.Warnings {
			if checkable && strings.Contains(w, secret) && !strings.Contains(controlWarnings(body, received), secret) {
				t.Fatalf("warning %q carries the token", w)
			}
		}
	})
}

// controlWarnings returns the warnings Parse gives for body's is_3d and
// expires_at with another token: what the warnings' prose and quoted values
// hold by chance, so a token such as "integration mode" that is part of
// that prose is not taken for a leak. It reads the body as Parse does.
func controlWarnings(body []byte, received time.Time) string {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	var data struct {
		Is3D      json.RawMessage `json:"is_3d"`
		ExpiresAt json.RawMessage `json:"expires_at"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Data) > 0 && env.Data[0] == '{' {
		_ = json.Unmarshal(env.Data, &data)
	}
	fields := map[string]any{"token": "control-token-0"}
	if data.Is3D != nil {
		fields["is_3d"] = data.Is3D
	}
	if data.ExpiresAt != nil {
		fields["expires_at"] = data.ExpiresAt
	}
	control, _ := json.Marshal(map[string]any{"status_code": 100, "data": fields})
	tok, err := sipay.Parse(&clients.Response{StatusCode: 200, Body: control, Attempts: 1}, received)
	if err != nil {
		return ""
	}
	return strings.Join(tok.Warnings, "\n")
}

// FuzzParseTurkeyTime checks that any time it accepts is in UTC, three
// hours behind the wall clock it read, and survives a round trip.
// testdata/fuzz/FuzzParseTurkeyTime/double-space-unpadded-hour is a
// regression it found: time.Parse reads "0000-01-01  0:00:00".
func FuzzParseTurkeyTime(f *testing.F) {
	const errTurkeyTime = "not a YYYY-MM-DD hh:mm:ss time"
	trt := time.FixedZone("TRT", 3*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := sipay.ParseTurkeyTime(s)
		if err != nil {
			// One fixed message whatever the input, so it never quotes
			// it. (Asking whether the message contains s would fail on
			// inputs such as "time" that are part of the message.)
			if err.Error() != errTurkeyTime {
				t.Fatalf("ParseTurkeyTime(%q) error = %q, want the fixed %q", s, err, errTurkeyTime)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("ParseTurkeyTime(%q) is in %v, want UTC", s, got.Location())
		}
		// Only the zero-padded form, plus a fraction, is accepted.
		wall := got.In(trt).Format(sipay.TimeLayout)
		if len(s) < len(wall) || s[:len(wall)] != wall {
			t.Fatalf("ParseTurkeyTime(%q) = %v, which reads back as %q", s, got, wall)
		}
		again, err := sipay.ParseTurkeyTime(wall)
		if err != nil || !again.Equal(got.Truncate(time.Second)) {
			t.Fatalf("round trip of %q via %q = %v, %v; want %v", s, wall, again, err, got.Truncate(time.Second))
		}
	})
}
