package sipay_test

import (
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/paybull"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/qnbpay"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

// FuzzParse feeds Parse arbitrary answers, as Sipay's and as those of the
// gateways that answer in Sipay's words (QNBpay, PayBull), which must read
// every answer alike, in the object and the array form. Seeds live in
// testdata/fuzz/FuzzParse: the documented sample, failures and odd shapes.
// clientstest.FuzzPlatform checks what every gateway's Parse must do and
// the platform's rules.
func FuzzParse(f *testing.F) {
	var parsers []clientstest.PlatformParser
	for _, d := range []sipay.Deployment{sipay.Sipay, qnbpay.QNBpay, paybull.PayBull} {
		parsers = append(parsers, clientstest.PlatformParser{
			Gateway: d.Name, Parse: d.Parse, Classify: sipay.Classify, ExpiryFields: []string{"expires_at"},
			Success: func(data map[string]any) any { return map[string]any{"status_code": 100, "data": data} },
		})
	}
	clientstest.FuzzPlatform(f, parsers, nil)
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
