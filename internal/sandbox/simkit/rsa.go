package simkit

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
)

// RSAKey returns the RSA key the emulators sign RS256 tokens with, made
// once per process on first use: making a 2048-bit key takes long enough
// that every emulator sharing one keeps tests fast.
var RSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// RSAPublicKey returns the public half of RSAKey, so tests can check
// signatures as a gateway's API would. It is nil only if the system's
// random source failed.
func RSAPublicKey() *rsa.PublicKey {
	k, err := RSAKey()
	if err != nil {
		return nil
	}
	return &k.PublicKey
}
