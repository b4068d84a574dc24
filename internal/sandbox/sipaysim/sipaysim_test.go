package sipaysim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// sampleNow is the moment Sipay issued its documented sample token (iat).
var sampleNow = time.Unix(1611920761, 0).UTC()

const (
	invalidCredentials = `{"status_code":30,"status_description":"Invalid credentials"}`
	appIDRequired      = `{"status_code":1,"status_description":"app id alanı gereklidir.","data":null}`
	appSecretRequired  = `{"status_code":1,"status_description":"app secret alanı gereklidir.","data":null}`
)

type answer struct {
	status int
	header http.Header
	body   []byte
}

func call(t *testing.T, ts *httptest.Server, method, path, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func stringField(t *testing.T, data map[string]json.RawMessage, name string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(data[name], &s); err != nil {
		t.Fatalf("data.%s = %s, want a string", name, data[name])
	}
	return s
}

// TestRequestChecks pins Sipay's own refusals of a request: status_code 1
// at HTTP 200 for an app_id or app_secret that is missing, null or empty,
// and invalid credentials for a field that is not a string. The platform's
// answers are in TestPlatformRequests.
func TestRequestChecks(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // the exact answer body, at HTTP 200
	}{
		{name: "missing app_id", body: `{"app_secret":"sandbox-secret-is3d-1"}`, want: appIDRequired},
		{name: "empty app_id", body: `{"app_id":"","app_secret":"sandbox-secret-is3d-1"}`, want: appIDRequired},
		{name: "null app_id", body: `{"app_id":null,"app_secret":"sandbox-secret-is3d-1"}`, want: appIDRequired},
		{name: "missing app_secret", body: `{"app_id":"sandbox-sipay-is3d-1"}`, want: appSecretRequired},
		{name: "empty app_secret", body: `{"app_id":"sandbox-sipay-is3d-1","app_secret":""}`, want: appSecretRequired},
		{name: "numeric app_id", body: `{"app_id":1,"app_secret":"sandbox-secret-is3d-1"}`, want: invalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emu, ts := sipayDialect.start(t)
			checkAnswer(t, post(t, ts, tt.body), http.StatusOK, tt.want, "")
			if n, calls := len(emu.Issued()), emu.Faults().Calls(); n != 0 || calls != 1 {
				t.Errorf("ledger holds %d tokens after %d calls, want none after 1", n, calls)
			}
		})
	}
}

// checkAnswer checks an answer's status, its exact body unless want is "",
// its Allow header, and that it is JSON, as every answer of the platform
// is.
func checkAnswer(t *testing.T, a answer, status int, want, allow string) {
	t.Helper()
	if a.status != status {
		t.Errorf("HTTP %d, want %d (body %s)", a.status, status, a.body)
	}
	if want != "" && string(a.body) != want {
		t.Errorf("body = %s, want %s", a.body, want)
	}
	if got := a.header.Get("Allow"); got != allow {
		t.Errorf("Allow = %q, want %q", got, allow)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
}

// TestCredentials pins Sipay's fixtures: one per is_3d value it documents
// (0, 1, 2 and 4) and 7, which the provider does not know, named by it.
// TestPlatformCredentials checks what every merchant's credentials say.
func TestCredentials(t *testing.T) {
	creds := sipaysim.New().Credentials()
	var got []string
	for _, c := range creds {
		got = append(got, c.Label+" "+c.Settings["app_id"]+" "+c.Settings["app_secret"])
	}
	want := []string{
		"is_3d=0 sandbox-sipay-is3d-0 sandbox-secret-is3d-0",
		"is_3d=1 sandbox-sipay-is3d-1 sandbox-secret-is3d-1",
		"is_3d=2 sandbox-sipay-is3d-2 sandbox-secret-is3d-2",
		"is_3d=4 sandbox-sipay-is3d-4 sandbox-secret-is3d-4",
		"is_3d=7 sandbox-sipay-is3d-7 sandbox-secret-is3d-7",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Credentials = %q, want %q", got, want)
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080":  "http://127.0.0.1:8080/ccpayment",
		"http://127.0.0.1:8080/": "http://127.0.0.1:8080/ccpayment",
	} {
		if got := sipaysim.BaseURL(in); got != want {
			t.Errorf("BaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}
