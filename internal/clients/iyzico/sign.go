package iyzico

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Authorization returns the value of the Authorization header of iyzico's
// IYZWSv2 scheme, as all five official iyzipay clients compute it:
//
//	signature = lowercase_hex(HMAC-SHA256(secretKey, randomKey + uriPath + body))
//	IYZWSv2 base64("apiKey:" + apiKey + "&randomKey:" + randomKey + "&signature:" + signature)
//
// uriPath is the request's URL path as sent, without host or query; body is
// the exact bytes sent, since iyzico checks the signature over what it
// received rather than over a canonical form.
func Authorization(apiKey, secretKey, randomKey, uriPath string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(randomKey))
	mac.Write([]byte(uriPath))
	mac.Write(body)
	var sum [sha256.Size]byte
	signature := hex.EncodeToString(mac.Sum(sum[:0]))
	params := "apiKey:" + apiKey + "&randomKey:" + randomKey + "&signature:" + signature
	return authorizationVersion + " " + base64.StdEncoding.EncodeToString([]byte(params))
}

// RandomKey returns a fresh random key for one request. It is base32 from
// crypto/rand: letters and digits only, so it can never contain the & and :
// that separate the Authorization header's parameters.
func RandomKey() string {
	return rand.Text()
}
