package veparasim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/veparasim"
)

// These tests pin Vepara's wording of the platform's answers and its
// fixtures. What the platform does with them (routes, request reading,
// tokens, expiry, merchants, faults) is tested once for every gateway on it,
// Vepara included, by sipaysim's platform tests.

// TestFixtures pins the built-in merchants: one per is_3d value Vepara
// documents, Sipay's branded 4, an opaque token and no expired_at.
func TestFixtures(t *testing.T) {
	tests := []struct {
		label, name string
		is3D        string
		opaque      bool
		noExpiry    bool
	}{
		{"is_3d=0", "is3d-0", "0", false, false},
		{"is_3d=1", "is3d-1", "1", false, false},
		{"is_3d=2", "is3d-2", "2", false, false},
		{"is_3d=3", "is3d-3", "3", false, false},
		{"is_3d=4", "is3d-4", "4", false, false},
		{"opaque token", "opaque", "1", true, false},
		{"no expired_at", "no-expired-at", "2", false, true},
	}
	fixtures := veparasim.Fixtures()
	if len(fixtures) != len(tests) {
		t.Fatalf("Fixtures has %d merchants, want %d", len(fixtures), len(tests))
	}
	for i, tt := range tests {
		m := fixtures[i]
		if m.Label != tt.label || m.AppID != "sandbox-vepara-"+tt.name || m.AppSecret != "sandbox-vepara-secret-"+tt.name ||
			string(m.Is3D) != tt.is3D || m.OpaqueToken != tt.opaque || m.OmitExpiresAt != tt.noExpiry ||
			m.OmitToken || m.ExpiresAt != "" || !strings.HasSuffix(m.Note, ".") {
			t.Errorf("Fixtures[%d] = %+v; want %s: app_id sandbox-vepara-%s, is_3d %s, opaque %t, no expiry %t, a note in a sentence",
				i, m, tt.label, tt.name, tt.is3D, tt.opaque, tt.noExpiry)
		}
	}
	if creds := veparasim.New().Credentials(); len(creds) != len(tests) || creds[0].Label != tests[0].label {
		t.Errorf("the emulator's Credentials are not the fixtures: %d entries", len(creds))
	}
}

// TestRefuse pins Laravel's 422 for every validation rule Vepara's
// documented answer shows, with the messages in checking order.
func TestRefuse(t *testing.T) {
	long := `"` + strings.Repeat("a", 256) + `"`
	tests := []struct {
		name   string
		fields map[string]string // raw JSON values; nil when Laravel sees no fields
		want   string            // the exact body; "" when the request passes
	}{
		{name: "documented 422: null app_secret", fields: map[string]string{"app_id": `"sandbox-vepara-is3d-1"`, "app_secret": `null`},
			want: `{"message":"The app secret field must be a string. (and 1 more error)",` +
				`"errors":{"app_secret":["The app secret field must be a string.","The app secret field is required."]}}`},
		{name: "empty app_id", fields: map[string]string{"app_id": `""`, "app_secret": `"x"`},
			want: `{"message":"The app id field must be a string. (and 1 more error)",` +
				`"errors":{"app_id":["The app id field must be a string.","The app id field is required."]}}`},
		{name: "missing app_secret", fields: map[string]string{"app_id": `"sandbox-vepara-is3d-1"`},
			want: `{"message":"The app secret field is required.","errors":{"app_secret":["The app secret field is required."]}}`},
		{name: "numeric app_id", fields: map[string]string{"app_id": `1`, "app_secret": `"x"`},
			want: `{"message":"The app id field must be a string.","errors":{"app_id":["The app id field must be a string."]}}`},
		{name: "both too long", fields: map[string]string{"app_id": long, "app_secret": long},
			want: `{"message":"The app id field must not be greater than 255 characters. (and 1 more error)",` +
				`"errors":{"app_id":["The app id field must not be greater than 255 characters."],` +
				`"app_secret":["The app secret field must not be greater than 255 characters."]}}`},
		{name: "no fields",
			want: `{"message":"The app id field is required. (and 1 more error)",` +
				`"errors":{"app_id":["The app id field is required."],"app_secret":["The app secret field is required."]}}`},
		{name: "255 characters pass", fields: map[string]string{"app_id": `"` + strings.Repeat("a", 255) + `"`, "app_secret": `"x"`}},
		{name: "strings pass", fields: map[string]string{"app_id": `"sandbox-vepara-is3d-1"`, "app_secret": `"wrong"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fields map[string]json.RawMessage
			if tt.fields != nil {
				fields = map[string]json.RawMessage{}
				for k, v := range tt.fields {
					fields[k] = json.RawMessage(v)
				}
			}
			status, body, refused := veparasim.Dialect{}.Refuse(fields)
			if tt.want == "" {
				if refused {
					t.Errorf("Refuse = HTTP %d %v, want the request to pass", status, body)
				}
				return
			}
			if got := marshal(t, body); !refused || status != http.StatusUnprocessableEntity || got != tt.want {
				t.Errorf("Refuse = %t, HTTP %d %s; want HTTP 422 %s", refused, status, got, tt.want)
			}
		})
	}
}

// TestAnswers pins the token page's success, with expired_at, and the
// platform's refusal of unknown credentials, which Vepara's token page does
// not show.
func TestAnswers(t *testing.T) {
	token, is3D, expiredAt := "tok-1", json.RawMessage(`1`), "2026-03-14 17:30:00"
	var d veparasim.Dialect
	for _, tt := range []struct {
		name   string
		answer func() (int, any)
		want   string
	}{
		{"success", func() (int, any) { return d.Success(&token, is3D, &expiredAt) },
			`{"status":"success","message":"Token başarıyla alındı.","data":{"token":"tok-1","is_3d":1,"expired_at":"2026-03-14 17:30:00"}}`},
		{"success without token, is_3d or expired_at", func() (int, any) { return d.Success(nil, nil, nil) },
			`{"status":"success","message":"Token başarıyla alındı.","data":{}}`},
		{"unknown credentials", func() (int, any) { return d.Deny("") }, `{"status_code":2,"status_description":"Invalid credentials"}`},
		{"a refusal's own words", func() (int, any) { return d.Deny("Geçersiz anahtar") }, `{"status_code":2,"status_description":"Geçersiz anahtar"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.answer()
			if got := marshal(t, body); status != http.StatusOK || got != tt.want {
				t.Errorf("HTTP %d %s, want HTTP 200 %s", status, got, tt.want)
			}
		})
	}
}

// marshal renders an answer's body as the platform sends it.
func marshal(t *testing.T, body any) string {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
