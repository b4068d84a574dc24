package sipaysim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Audience is the aud claim of issued tokens: the OAuth client of Sipay's
// Laravel Passport, "9" in Sipay's documented sample.
const Audience = "9"

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyErr  error
)

// signingKey makes the RSA key once per process: making a 2048-bit key
// takes long enough that every emulator sharing one keeps tests fast.
func signingKey() (*rsa.PrivateKey, error) {
	keyOnce.Do(func() {
		key, keyErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	return key, keyErr
}

// PublicKey returns the public half of the key tokens are signed with, so
// tests can check signatures as a Sipay API would. It is nil only if the
// system's random source failed.
func PublicKey() *rsa.PublicKey {
	k, err := signingKey()
	if err != nil {
		return nil
	}
	return &k.PublicKey
}

// signToken issues a token shaped like Sipay's: Laravel Passport's RS256
// JWT, with the token's id as jti in both header and claims.
func signToken(sub string, iat, exp time.Time) (string, error) {
	k, err := signingKey()
	if err != nil {
		return "", err
	}
	jti := randomHex(40)
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"aud":    Audience,
		"jti":    jti,
		"iat":    iat.Unix(),
		"nbf":    iat.Unix(),
		"exp":    exp.Unix(),
		"sub":    sub,
		"scopes": []string{},
	})
	t.Header["jti"] = jti
	return t.SignedString(k)
}

// opaqueToken returns a random token that is not a JWT.
func opaqueToken() string {
	return "sandbox_" + randomHex(32)
}

// randomHex returns n random bytes as hex. crypto/rand.Read never fails.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
