package sipay_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/clientstest"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/sipay"
)

func response(status int, body string) *clients.Response {
	return &clients.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Attempts: 1}
}

func TestParseTurkeyTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 UTC; "" for an error
	}{
		{"2021-01-29 16:46:01", "2021-01-29T13:46:01Z"},
		{"2021-01-01 01:00:00", "2020-12-31T22:00:00Z"},
		{"2024-02-29 03:00:00", "2024-02-29T00:00:00Z"},
		// Summer and winter alike: Turkey has kept +03:00 since 2016.
		{"2026-07-01 12:00:00", "2026-07-01T09:00:00Z"},
		{"2026-12-01 12:00:00", "2026-12-01T09:00:00Z"},
		{"2021-01-29 16:46:01.250", "2021-01-29T13:46:01.25Z"},
		{"", ""},
		{"2021-01-29T16:46:01", ""},
		{"2021-01-29 16:46:01+03:00", ""},
		{"2021-01-29 16:46", ""},
		{"29.01.2021 16:46:01", ""},
		{"2021-02-30 10:00:00", ""},
		{"2021-01-29 24:00:00", ""},
		{" 2021-01-29 16:46:01", ""},
		{"2021-01-29 6:46:01", ""},
		{"2021-01-29  16:46:01", ""},
		{"0000-01-01  0:00:00", ""},
		{"2021-01-29 16:46:01.", ""},
		{"1611927961", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := sipay.ParseTurkeyTime(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseTurkeyTime = %v, want an error", got)
				}
				if tt.in != "" && strings.Contains(err.Error(), tt.in) {
					t.Errorf("the error %q quotes the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTurkeyTime: %v", err)
			}
			if got.Location() != time.UTC || got.Format(time.RFC3339Nano) != tt.want {
				t.Errorf("ParseTurkeyTime = %s (%v), want %s in UTC", got.Format(time.RFC3339Nano), got.Location(), tt.want)
			}
		})
	}
}

// TestParse covers what the HTTP tests cannot easily send: JWT claims of
// every shape and odd expires_at values. TestPlatformSuccess covers the
// envelope.
func TestParse(t *testing.T) {
	received := time.Date(2026, 3, 14, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	receivedUTC := received.UTC()
	iat := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	exp := iat.Add(90 * time.Minute)
	full := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix(), "scopes": []string{"payment", "refund"}})
	noExp := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "sub": "86"})
	bare := clientstest.SignedJWT(t, jwt.MapClaims{"sub": "86"})
	oddScopes := clientstest.SignedJWT(t, jwt.MapClaims{"iat": iat.Unix(), "exp": exp.Unix(), "scopes": 5})
	success := func(token, rest string) string {
		return fmt.Sprintf(`{"status_code":100,"status_description":"Successfully Generated token","data":{"token":%q%s}}`, token, rest)
	}
	tests := []struct {
		name     string
		body     string
		token    string
		expires  time.Time
		issued   time.Time
		scopes   []string // nil: nil
		flags    string
		warnings int
	}{
		{name: "scopes claim", body: success(full, `,"is_3d":2`), token: full, expires: exp, issued: iat,
			scopes: []string{"payment", "refund"}, flags: "fttfnf"},
		{name: "expires_at wins over exp", body: success(full, `,"is_3d":2,"expires_at":"2026-03-14 14:00:00"`), token: full,
			expires: time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC), issued: iat, scopes: []string{"payment", "refund"}, flags: "fttfnf"},
		{name: "JWT without exp: iat plus 2h", body: success(noExp, `,"is_3d":0`), token: noExp,
			expires: iat.Add(2 * time.Hour), issued: iat, flags: "tftfnf"},
		{name: "JWT without iat or exp: receipt plus 2h", body: success(bare, `,"is_3d":4`), token: bare,
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "nnftnf"},
		{name: "scopes of another shape: nil", body: success(oddScopes, `,"is_3d":1`), token: oddScopes,
			expires: exp, issued: iat, flags: "tttfnt"},
		{name: "expires_at null counts as absent", body: success("opaque-4", `,"is_3d":1,"expires_at":null`), token: "opaque-4",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt"},
		{name: "expires_at empty", body: success("opaque-5", `,"is_3d":1,"expires_at":""`), token: "opaque-5",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "tttfnt", warnings: 1},
		{name: "expires_at a number", body: success(full, `,"is_3d":1,"expires_at":1773496800`), token: full,
			expires: exp, issued: iat, scopes: []string{"payment", "refund"}, flags: "tttfnt", warnings: 1},
		{name: "unknown is_3d and unreadable expires_at", body: success("opaque-6", `,"is_3d":9,"expires_at":"soon"`), token: "opaque-6",
			expires: receivedUTC.Add(2 * time.Hour), issued: receivedUTC, flags: "nnnnnn", warnings: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := sipay.Parse(response(http.StatusOK, tt.body), received)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.AccessToken != tt.token {
				t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.token)
			}
			clientstest.CheckToken(t, tok, clientstest.TokenWant{ExpiresAt: tt.expires, IssuedAt: tt.issued, Scopes: tt.scopes, Warnings: tt.warnings})
			if got := clientstest.Flags(tok.Capabilities); got != tt.flags {
				t.Errorf("flags = %s, want %s", got, tt.flags)
			}
		})
	}
}
