package sipaysim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/simkit"
)

// Audience is the aud claim of issued tokens: the OAuth client of Sipay's
// Laravel Passport, "9" in Sipay's documented sample.
const Audience = "9"

// PublicKey returns the public half of the key tokens are signed with, so
// tests can check signatures as a Sipay API would. It is nil only if the
// system's random source failed.
func PublicKey() *rsa.PublicKey { return simkit.RSAPublicKey() }

// signToken issues a token shaped like Sipay's: Laravel Passport's RS256
// JWT, with the token's id as jti in both header and claims.
func signToken(sub string, iat, exp time.Time) (string, error) {
	k, err := simkit.RSAKey()
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
