package simkit

import (
	"net/http"
	"sync"
)

// Emulator is what every gateway emulator offers, so the sandbox command,
// the tests and the benchmarks can drive them alike.
type Emulator interface {
	http.Handler
	// Faults returns the injector in front of the emulator: faults, latency
	// and the call counter.
	Faults() *Injector
	// Issued returns every access token the emulator has issued, in order.
	Issued() []string
	// Credentials returns the sandbox credentials it accepts, for people
	// and for the clients' shared suite, which gets a token with each.
	Credentials() []Credential
	// Refusal returns a fault that answers as the gateway refuses bad
	// credentials, its own failure body at its own HTTP status, with
	// message as the gateway's message. The clients' shared suite uses it
	// to check what every client shows of a refusal: the message when the
	// body carries no token, never when it does.
	Refusal(message string) Fault
}

// Credential is one set of sandbox credentials and what it demonstrates.
type Credential struct {
	// Label names it, e.g. "is_3d=1".
	Label string
	// Note says what a token made with it looks like.
	Note string
	// Settings are provider settings by attribute name, e.g. "app_id".
	Settings map[string]string
	// Args are token arguments by attribute name, e.g. "member_identifier".
	Args map[string]string
}

// Ledger records issued tokens. The zero value is ready to use.
type Ledger struct {
	mu     sync.Mutex
	tokens []string
}

// Add records a token.
func (l *Ledger) Add(token string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens = append(l.tokens, token)
}

// All returns a copy of every recorded token.
func (l *Ledger) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...)
}

// Base is what every emulator's server shares: the injector in front of its
// handler and the ledger of issued tokens. A server embeds it, calls Handle
// once with its own handler, and records each token it issues with Record;
// Base then provides ServeHTTP, Faults and Issued for Emulator.
type Base struct {
	faults  Injector
	ledger  Ledger
	handler http.Handler
}

// Handle puts h behind the injector.
func (b *Base) Handle(h http.HandlerFunc) { b.handler = b.faults.Wrap(h) }

// ServeHTTP answers a request, through the injector first.
func (b *Base) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.handler.ServeHTTP(w, r) }

// Faults returns the injector in front of the emulator.
func (b *Base) Faults() *Injector { return &b.faults }

// Issued returns every token the emulator issued, in order.
func (b *Base) Issued() []string { return b.ledger.All() }

// Record adds a token the emulator issued to its ledger.
func (b *Base) Record(token string) { b.ledger.Add(token) }
