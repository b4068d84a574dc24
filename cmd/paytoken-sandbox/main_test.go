package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun starts the sandbox for a moment and checks what it prints and the
// environment file it writes: a base URL for each gateway on loopback and
// each gateway's credentials under the provider's variable names.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "sandbox.env")
	issuedFile := filepath.Join(dir, "issued.txt")
	var out bytes.Buffer
	if err := run([]string{"-duration", "50ms", "-env-file", envFile, "-issued-file", issuedFile}, &out); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"export PAYTOKEN_SIPAY_BASE_URL='http://127.0.0.1:", "/ccpayment'",
		"export PAYTOKEN_SIPAY_APP_ID='", "export PAYTOKEN_SIPAY_APP_SECRET='",
		"export PAYTOKEN_TAHSILAT_BASE_URL='http://127.0.0.1:", "export PAYTOKEN_TAHSILAT_SECRET_KEY='sk_test_",
		"export PAYTOKEN_IYZICO_BASE_URL='http://127.0.0.1:", "export PAYTOKEN_IYZICO_API_KEY='",
		"export PAYTOKEN_IYZICO_SECRET_KEY='", "export PAYTOKEN_IYZICO_SESSION_TOKEN='", "export PAYTOKEN_IYZICO_MEMBER_IDENTIFIER='",
		"export PAYTOKEN_VEPARA_BASE_URL='http://127.0.0.1:", "export PAYTOKEN_VEPARA_APP_ID='", "export PAYTOKEN_VEPARA_APP_SECRET='",
		"export PAYTOKEN_PAYNKOLAY_BASE_URL='http://127.0.0.1:", "export PAYTOKEN_PAYNKOLAY_USERNAME='",
		"export PAYTOKEN_PAYNKOLAY_PASSWORD='", "export PAYTOKEN_PAYNKOLAY_MERCHANT_NO='",
	} {
		if !bytes.Contains(env, []byte(want)) {
			t.Errorf("the environment file lacks %q:\n%s", want, env)
		}
	}
	if bytes.Contains(env, []byte("LOCALE")) || bytes.Contains(env, []byte("CONVERSATION_ID")) {
		t.Errorf("the environment file sets variables the provider does not read:\n%s", env)
	}
	printed := out.String()
	for _, want := range []string{"sipay", "tahsilat", "iyzico", "vepara", "paynkolay", "base_url = http://127.0.0.1:",
		"Stopped. Token calls served: iyzico 0, paynkolay 0, sipay 0, tahsilat 0, vepara 0."} {
		if !strings.Contains(printed, want) {
			t.Errorf("the output lacks %q:\n%s", want, printed)
		}
	}
	issued, err := os.ReadFile(issuedFile)
	if err != nil || len(issued) != 0 {
		t.Errorf("issued file: %q, %v; want it written and empty", issued, err)
	}
}

// TestRunRefusesNonLoopback keeps the sandbox off the network.
func TestRunRefusesNonLoopback(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-duration", "10ms", "-sipay-addr", "0.0.0.0:0"}, &out)
	if err == nil || !strings.Contains(err.Error(), "only on loopback") {
		t.Fatalf("run with 0.0.0.0 = %v, want a refusal", err)
	}
}

// TestRunBadFlag reports a flag error instead of starting.
func TestRunBadFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-latency", "soon"}, &out); err == nil {
		t.Fatal("a bad -latency was accepted")
	}
}
