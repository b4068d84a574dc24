package iyzico_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/iyzico"
)

// independentAuthorization computes the header another way than the
// package does: one concatenated message, fmt's hex, then the header text.
func independentAuthorization(apiKey, secretKey, randomKey, uriPath string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(randomKey + uriPath + string(body)))
	sig := fmt.Sprintf("%x", mac.Sum(nil))
	return "IYZWSv2 " + base64.StdEncoding.EncodeToString([]byte(
		fmt.Sprintf("apiKey:%s&randomKey:%s&signature:%s", apiKey, randomKey, sig)))
}

func TestAuthorization(t *testing.T) {
	nonASCII, err := json.Marshal(map[string]string{
		"sessionToken":     "sandbox-session-1",
		"memberIdentifier": "müşteri-42 ğüşiöç",
		"locale":           "tr",
		"conversationId":   "sipariş/€-42",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(nonASCII, []byte("ğüşiöç")) || !bytes.Contains(nonASCII, []byte("/€-42")) {
		t.Fatalf("the test body should carry raw UTF-8 and an unescaped slash: %s", nonASCII)
	}

	tests := []struct {
		name                         string
		apiKey, secret, rnd, uriPath string
		body                         []byte
		want                         string
	}{
		{
			// The current iyzipay-java test: its generator signs the path
			// string it is given, query included.
			name:   "official java vector",
			apiKey: "apiKey", secret: "secretKey", rnd: "random", uriPath: "/v2/uri?test=true",
			want: "IYZWSv2 YXBpS2V5OmFwaUtleSZyYW5kb21LZXk6cmFuZG9tJnNpZ25hdHVyZTpiN2EyZjYzNGRlOWNkNTkzYWNjZDlhNTNhZjI4Zjc4YjgyZWM3NmRjMjYyN2Y2NTdmNjY0M2NmNjYyYzI2Njdh",
		},
		{
			// The earlier iyzipay-java test, whose generator cut the query
			// off before signing "/v2/uri?test=true".
			name:   "earlier java vector without the query",
			apiKey: "apiKey", secret: "secretKey", rnd: "random", uriPath: "/v2/uri",
			want: "IYZWSv2 YXBpS2V5OmFwaUtleSZyYW5kb21LZXk6cmFuZG9tJnNpZ25hdHVyZTpjOWU1OTI2NjE4ODNlY2NkYjEzYmEwOGFhYTdhNTJiMDhmZTFkNDhkZTU2OGZmNDgxZDZmOGM3ZWFkMjkzN2Uy",
		},
		{
			name:   "earlier java vector with a Gson body",
			apiKey: "apiKey", secret: "secretKey", rnd: "random", uriPath: "/v2/uri",
			body: []byte(`"[data\u003dvalue]"`),
			want: "IYZWSv2 YXBpS2V5OmFwaUtleSZyYW5kb21LZXk6cmFuZG9tJnNpZ25hdHVyZTphOTBlYzFhZWNkNjhlMzdjYzMwOTQyZjg1Y2U2YjBkNTM0MzVhNGNhNDVlMDQ3NjliNDZlM2MzNWQ4MWJmNmZl",
		},
		{
			name:   "non-ASCII body",
			apiKey: "sandbox-iyzico-api-key", secret: "sandbox-iyzico-secret-key", rnd: "K7Q2ZJX4MNA3",
			uriPath: iyzico.TokenPath, body: nonASCII,
			want: independentAuthorization("sandbox-iyzico-api-key", "sandbox-iyzico-secret-key", "K7Q2ZJX4MNA3", iyzico.TokenPath, nonASCII),
		},
		{
			name:   "path prefix and escaped characters",
			apiKey: "k", secret: "s€cret", rnd: "r",
			uriPath: "/pre%20fix/a%2Fb" + iyzico.TokenPath, body: []byte(`{"a":"ü"}`),
			want: independentAuthorization("k", "s€cret", "r", "/pre%20fix/a%2Fb"+iyzico.TokenPath, []byte(`{"a":"ü"}`)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := iyzico.Authorization(tt.apiKey, tt.secret, tt.rnd, tt.uriPath, tt.body)
			if got != tt.want {
				t.Errorf("Authorization() = %q, want %q", got, tt.want)
			}
		})
	}

	// A change to any input must change the header.
	base := iyzico.Authorization("k", "s", "r", "/p", []byte("b"))
	for name, other := range map[string]string{
		"secret": iyzico.Authorization("k", "t", "r", "/p", []byte("b")),
		"random": iyzico.Authorization("k", "s", "R", "/p", []byte("b")),
		"path":   iyzico.Authorization("k", "s", "r", "/P", []byte("b")),
		"body":   iyzico.Authorization("k", "s", "r", "/p", []byte("B")),
	} {
		if other == base {
			t.Errorf("changing the %s did not change the header", name)
		}
	}
}

func TestRandomKey(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		k := iyzico.RandomKey()
		if len(k) < 16 {
			t.Fatalf("RandomKey() = %q, want at least 16 characters", k)
		}
		if strings.ContainsAny(k, "&:") || strings.IndexFunc(k, func(r rune) bool {
			return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (r < '0' || r > '9')
		}) >= 0 {
			t.Fatalf("RandomKey() = %q, want letters and digits only", k)
		}
		if seen[k] {
			t.Fatalf("RandomKey() repeated %q", k)
		}
		seen[k] = true
	}
}
