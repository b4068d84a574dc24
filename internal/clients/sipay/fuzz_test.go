package sipay_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paybull"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/qnbpay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// FuzzParse feeds Parse arbitrary answers, as Sipay's and as those of the
// gateways that answer in Sipay's words (QNBpay, PayBull), each also
// wrapped in a JSON array, the platform's other form. Seeds live in
// testdata/fuzz/FuzzParse: the documented sample, failures and odd shapes.
// clientstest.CheckParse checks what every gateway's Parse must do; the
// platform's own rules follow.
func FuzzParse(f *testing.F) {
	deployments := []sipay.Deployment{sipay.Sipay, qnbpay.QNBpay, paybull.PayBull}
	f.Fuzz(func(t *testing.T, body []byte, status int, receivedUnix int64) {
		received := time.Unix(receivedUnix, 0).In(time.FixedZone("X", 5*3600))
		var carried struct {
			Data struct {
				Token any `json:"token"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &carried)
		secret, _ := carried.Data.Token.(string)
		var first string
		for _, d := range deployments {
			bodies := [][]byte{body}
			if len(body) > 0 && body[0] == '{' && json.Valid(body) {
				bodies = append(bodies, append(append([]byte("["), body...), ']'))
			}
			for _, b := range bodies {
				tok, err := d.Parse(&clients.Response{StatusCode: status, Body: b, Attempts: 1}, received)
				tok, e := clientstest.CheckParse(t, clientstest.ParseCase{
					Gateway: d.Name, Status: status, Body: b, Token: tok, Err: err,
					Classify: sipay.Classify, Carried: secret, Received: received, IssuedOnReceipt: true,
					WarningProse: func() string { return controlWarnings(d, body, received) },
				})
				checkPlatformRules(t, tok, e)
				// Every deployment, in either form, reads the answer alike.
				if got := outcome(tok, e); first == "" {
					first = got
				} else if got != first {
					t.Fatalf("%s reads %q as %s, Sipay as %s", d.Name, b, got, first)
				}
			}
		}
	})
}

// outcome sums up a result without the gateway's name and words.
func outcome(tok *clients.Token, e *clients.Error) string {
	if e != nil {
		return fmt.Sprintf("error %v HTTP %d code %q message %q", e.Kind, e.StatusCode, e.Code, e.Message)
	}
	return fmt.Sprintf("token %q expires %v issued %v flags %s scopes %q, %d warnings",
		tok.AccessToken, tok.ExpiresAt, tok.IssuedAt, clientstest.Flags(tok.Capabilities), tok.Scopes, len(tok.Warnings))
}

// checkPlatformRules checks what the platform's rules add to CheckParse.
func checkPlatformRules(t *testing.T, tok *clients.Token, e *clients.Error) {
	t.Helper()
	if e != nil {
		if e.Kind == clients.KindRejected && (e.Code == "" || e.Code == "100") {
			t.Fatalf("rejection with code %q", e.Code)
		}
		return
	}
	if strings.IndexFunc(tok.AccessToken, unicode.IsControl) >= 0 {
		t.Fatalf("access token %q holds control characters", tok.AccessToken)
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

// controlWarnings returns the warnings Parse gives for body's is_3d and
// expires_at with another token: what the warnings' prose and quoted values
// hold by chance, so a token such as "integration mode" that is part of
// that prose is not taken for a leak. It reads the body as Parse does.
func controlWarnings(d sipay.Deployment, body []byte, received time.Time) string {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	var data struct {
		Is3D      json.RawMessage `json:"is_3d"`
		ExpiresAt json.RawMessage `json:"expires_at"`
	}
	if json.Unmarshal(sipay.Object(body), &env) == nil && len(env.Data) > 0 && env.Data[0] == '{' {
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
	tok, err := d.Parse(&clients.Response{StatusCode: 200, Body: control, Attempts: 1}, received)
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
