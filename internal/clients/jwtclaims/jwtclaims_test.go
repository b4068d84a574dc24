package jwtclaims_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
)

// sipaySample is the token of Sipay's documented sample answer: RS256,
// claims aud, jti, iat, nbf, exp, sub and an empty scopes list.
const sipaySample = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImp0aSI6ImQxNDQ0ZTFkYTE0NGIyODE1Y2FhNGM4MWZjMGVjNTMxZWJkMzllZGE2" +
	"YjVlMDMyZTZhMTk1YmMzMjg4ZGEyYTU3ZmVjNjg1NGYzZTU4YjU0In0.eyJhdWQiOiI5IiwianRpIjoiZDE0NDRlMWRhMTQ0YjI4" +
	"MTVjYWE0YzgxZmMwZWM1MzFlYmQzOWVkYTZiNWUwMzJlNmExOTViYzMyODhkYTJhNTdmZWM2ODU0ZjNlNThiNTQiLCJpYXQiOjE2" +
	"MTE5MjA3NjEsIm5iZiI6MTYxMTkyMDc2MSwiZXhwIjoxNjExOTI3OTYxLCJzdWIiOiI4NiIsInNjb3BlcyI6W119.jdaTux27yOl" +
	"TMpe2hscpNWJhN0wj2WEizLXRb-iXaA0upS2S2jfwyupE44pKYF8COArBQlCp8Sz8TYQ_kuH-5fxwOcH1fHTlW7oCldRAtv1Un3U" +
	"fZbBnsjPg-zIMzjMQHIzNJPmzAZSwYKKU858zsABPhpEPPm32ePQrchn30D_xlHk-_mjNBghboHyCP5oQgiHK8R2dMe-wtzgvQqQ" +
	"_ofUNMVdKIoF04UJgWsPSy6W4w-oqw1v-gEsYiHlEPzjEZKQ37bzH5WiuT5cki2vBvOigk3c6kshWhQgNYBUhdaaukYo4CMf9mew" +
	"8SiW-CqfcjsyqwcofSFD-n53mBNzc4BwFy1XCdr92PYMEUTfhyhZ3HAJhmnC8jG0Zz-jGXxDCul46u-cWtTE0QKwUUhq7bMOYO-f" +
	"u_MBY17oQOLaoiH1vtkHY8F2DhC54iodtBNQHDmfrfvPG7mRIM3HkJ2H9jchrtyfE-443kt-tqrID7_Tpeo0T_X2NhVGnVIBmwaK" +
	"pNdsoc-r22OBATj20Dh3Gv7U-QhaaEEGaV4PEIK3BedGePUncgAdEsV-bLxmEFGwSuRa0H5ZccNjsx7dkjIkZFRACZtYQClzeO5s" +
	"wNn6wNa3wGDIduZUlkkLtZdmg8FWpwy9XKr_qlJLS4rMNyqcruLtVKQyVYKTuId392cUTNQQ"

// iyzicoSample is the token of iyzico's documented sample answer: HS256,
// claims user_name, scope, sessionToken, exp, authorities, jti and
// client_id, and no iat.
const iyzicoSample = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX25hbWUiOiItIiwic2NvcGUiOlsidGhpcmRQYXJ0eVNlc3Npb24iXSw" +
	"ic2Vzc2lvblRva2VuIjoiZDUzZWRiNzItNTNmMy00NmY0LTk5NWQtNDM1NzBhOTdiZDg4IiwiZXhwIjoxNzQ5MDI4MjIyLCJhdXR" +
	"ob3JpdGllcyI6WyJwd2lfdHBfc2Vzc2lvbl9jYXJkX2F1dGgiLCJwd2lfdHBfc2Vzc2lvbl9pbml0M2RzX2F1dGgiLCJwd2lfdHB" +
	"fc2Vzc2lvbl9sYXN0X3BheW1lbnRfcmV0cmlldmUiLCJwd2lfdHBfc2Vzc2lvbl9mdW5kX2F1dGgiXSwianRpIjoiMTUwODdmNTg" +
	"tZGE4Yy00OTFhLWFjN2QtYmYyODI2ODNmMGRlIiwiY2xpZW50X2lkIjoidGhpcmRQYXJ0eVNlc3Npb25DbGllbnQifQ.YC5McE1S" +
	"dXrPeCpljrMU1X3kzc3FV7I8DoZ5G0qcS30"

// token builds an unsigned-looking JWT with the given header and payload
// JSON; Read never checks the signature.
func token(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + "." + enc([]byte("signature"))
}

func hs256(payload string) string { return token(`{"alg":"HS256","typ":"JWT"}`, payload) }

// TestReadDocumentedSamples reads both gateways' sample tokens.
func TestReadDocumentedSamples(t *testing.T) {
	c, ok := jwtclaims.Read(sipaySample)
	if !ok {
		t.Fatal("the Sipay sample does not read as a JWT")
	}
	checkTime(t, "sipay exp", c.ExpiresAt, "2021-01-29T13:46:01Z")
	checkTime(t, "sipay iat", c.IssuedAt, "2021-01-29T11:46:01Z")
	checkStrings(t, c, "scopes", []string{}, true)
	checkStrings(t, c, "aud", []string{"9"}, true)
	checkStrings(t, c, "exp", nil, false)

	c, ok = jwtclaims.Read(iyzicoSample)
	if !ok {
		t.Fatal("the iyzico sample does not read as a JWT")
	}
	checkTime(t, "iyzico exp", c.ExpiresAt, "2025-06-04T09:10:22Z")
	if at, ok := c.IssuedAt(); ok {
		t.Errorf("iyzico sample has no iat, got %s", at)
	}
	checkStrings(t, c, "authorities", []string{
		"pwi_tp_session_card_auth", "pwi_tp_session_init3ds_auth",
		"pwi_tp_session_last_payment_retrieve", "pwi_tp_session_fund_auth",
	}, true)
	checkStrings(t, c, "scope", []string{"thirdPartySession"}, true)
	checkStrings(t, c, "client_id", []string{"thirdPartySessionClient"}, true)
	checkStrings(t, c, "missing", nil, false)
}

// TestReadNotJWT checks that opaque tokens and broken JWTs read as "not a
// JWT", so the gateways fall back to their own expiry fields.
func TestReadNotJWT(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for name, tok := range map[string]string{
		"empty":             "",
		"opaque":            "A9xQ3mZp7Lk2Vb8Nc4Rt6Yw1Hs5Dg0Jf3Ke7Uo9Pi2Ma6Sb8Qc1Xd4Ze7Wf0Vg3Th6Ri9Oj2Nk5Ml8",
		"uuid":              "d53edb72-53f3-46f4-995d-43570a97bd88",
		"one dot":           enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte(`{"exp":1700000000}`)),
		"three dots":        hs256(`{"exp":1700000000}`) + ".more",
		"not base64":        "!!!.###.$$$",
		"header not JSON":   enc([]byte("header")) + "." + enc([]byte(`{"exp":1700000000}`)) + ".c2ln",
		"payload array":     hs256(`[1700000000]`),
		"payload string":    hs256(`"exp"`),
		"payload broken":    hs256(`{"exp":`),
		"trailing data":     hs256(`{"exp":1700000000} {}`),
		"no alg":            token(`{"typ":"JWT"}`, `{"exp":1700000000}`),
		"signature broken":  enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte(`{"exp":1700000000}`)) + ".***",
		"signature cut off": sipaySample[:strings.LastIndex(sipaySample, ".")],
	} {
		if c, ok := jwtclaims.Read(tok); ok {
			at, _ := c.ExpiresAt()
			t.Errorf("%s: read as a JWT (exp %s)", name, at)
		}
	}
}

// TestReadDoesNotVerify checks that a token's claims are read whatever its
// signature, including none: the provider holds no gateway's key.
func TestReadDoesNotVerify(t *testing.T) {
	for name, tok := range map[string]string{
		"bogus signature": hs256(`{"exp":1700000000}`),
		"alg none":        token(`{"alg":"none"}`, `{"exp":1700000000}`)[:len(token(`{"alg":"none"}`, `{"exp":1700000000}`))-len("c2lnbmF0dXJl")],
		"RS256 with HMAC": token(`{"alg":"RS256"}`, `{"exp":1700000000}`),
	} {
		c, ok := jwtclaims.Read(tok)
		if !ok {
			t.Errorf("%s: not read", name)
			continue
		}
		checkTime(t, name, c.ExpiresAt, "2023-11-14T22:13:20Z")
	}
}

// TestNumericDates covers the shapes exp and iat come in: numbers are
// read, in UTC, fractions dropped; anything else, zero, and instants that
// RFC 3339 cannot write (before year 1, after year 9999) are not.
func TestNumericDates(t *testing.T) {
	cases := []struct {
		claim string
		want  string // "" means not readable
	}{
		{`1611927961`, "2021-01-29T13:46:01Z"},
		{`1611927961.75`, "2021-01-29T13:46:01Z"},
		{`1.7e9`, "2023-11-14T22:13:20Z"},
		{`-1`, "1969-12-31T23:59:59Z"},
		{`253402300799`, "9999-12-31T23:59:59Z"},
		{`-62135596800`, "0001-01-01T00:00:00Z"},
		{`0`, ""},
		{`"1611927961"`, ""},
		{`"2021-01-29T13:46:01Z"`, ""},
		{`true`, ""},
		{`null`, ""},
		{`[1611927961]`, ""},
		{`{"seconds":1611927961}`, ""},
		{`253402300800`, ""},
		{`-62135596801`, ""},
		{`9.3e18`, ""},
		{`-9.3e18`, ""},
		{`1e300`, ""},
	}
	for _, c := range cases {
		claims, ok := jwtclaims.Read(hs256(`{"exp":` + c.claim + `,"iat":` + c.claim + `}`))
		if !ok {
			t.Fatalf("exp %s: the token does not read", c.claim)
		}
		for name, get := range map[string]func() (time.Time, bool){"exp": claims.ExpiresAt, "iat": claims.IssuedAt} {
			at, ok := get()
			switch {
			case c.want == "" && ok:
				t.Errorf("%s %s read as %s; want unreadable", name, c.claim, at)
			case c.want != "" && !ok:
				t.Errorf("%s %s unreadable; want %s", name, c.claim, c.want)
			case c.want != "" && (at.Format(time.RFC3339) != c.want || at.Location() != time.UTC):
				t.Errorf("%s %s = %s (%s); want %s in UTC", name, c.claim, at.Format(time.RFC3339), at.Location(), c.want)
			}
		}
	}
	c, _ := jwtclaims.Read(hs256(`{}`))
	if _, ok := c.ExpiresAt(); ok {
		t.Error("a token without exp has an expiry")
	}
}

// TestStrings covers the shapes of list claims such as iyzico's
// authorities and Sipay's scopes.
func TestStrings(t *testing.T) {
	cases := []struct {
		claim string
		want  []string
		ok    bool
	}{
		{`["a","b"]`, []string{"a", "b"}, true},
		{`"pwi_tp_session_card_auth"`, []string{"pwi_tp_session_card_auth"}, true},
		{`""`, []string{""}, true},
		{`[]`, []string{}, true},
		{`["ödeme","müşteri-7"]`, []string{"ödeme", "müşteri-7"}, true},
		{`["a",1]`, nil, false},
		{`["a",null]`, nil, false},
		{`[["a"]]`, nil, false},
		{`{"a":"b"}`, nil, false},
		{`null`, nil, false},
		{`42`, nil, false},
		{`true`, nil, false},
	}
	for _, c := range cases {
		claims, ok := jwtclaims.Read(hs256(`{"authorities":` + c.claim + `}`))
		if !ok {
			t.Fatalf("authorities %s: the token does not read", c.claim)
		}
		checkStrings(t, claims, "authorities", c.want, c.ok)
	}
}

// TestZeroClaims checks that the zero Claims answers "absent" to
// everything instead of panicking.
func TestZeroClaims(t *testing.T) {
	var c jwtclaims.Claims
	if _, ok := c.ExpiresAt(); ok {
		t.Error("zero Claims has an expiry")
	}
	if _, ok := c.IssuedAt(); ok {
		t.Error("zero Claims has an issue time")
	}
	if _, ok := c.Strings("scopes"); ok {
		t.Error("zero Claims has scopes")
	}
}

func checkTime(t *testing.T, what string, get func() (time.Time, bool), want string) {
	t.Helper()
	at, ok := get()
	if !ok {
		t.Errorf("%s: not read; want %s", what, want)
		return
	}
	if at.Location() != time.UTC || at.Format(time.RFC3339) != want {
		t.Errorf("%s = %s (%s); want %s in UTC", what, at.Format(time.RFC3339), at.Location(), want)
	}
}

func checkStrings(t *testing.T, c jwtclaims.Claims, name string, want []string, wantOK bool) {
	t.Helper()
	got, ok := c.Strings(name)
	if ok != wantOK || !slices.Equal(got, want) || (ok && got == nil) {
		t.Errorf("Strings(%q) = %#v, %t; want %#v, %t", name, got, ok, want, wantOK)
	}
}
