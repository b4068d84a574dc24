package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients/jwtclaims"
	"github.com/paytoken/terraform-provider-paytoken/internal/sandbox/sipaysim"
)

// Timings of the expiry runs: a token that lives about expiryLife, used by
// a provisioner that takes expirySleep, well past it.
const (
	expiryLife  = 3 * time.Second
	expirySleep = 5
)

// TestTokenEphemeral_expiryThroughCLI runs the CLI under test itself, as a
// user does, with the provider binary built from this tree, and reads its
// human output, which the testing framework does not show: an apply whose
// provisioner outlives the Sipay token it uses gets one warning that names
// Sipay, the expiry and what to do, whichever of Renew and Close the CLI
// shows it from; an apply as long with a token that outlives it gets none,
// and no renewal.
func TestTokenEphemeral_expiryThroughCLI(t *testing.T) {
	skipWithout(t, ephemeralResources)

	for _, c := range []struct {
		name     string
		outlived bool
	}{{"outlived", true}, {"in_time", false}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var opts []sipaysim.Option
			if c.outlived {
				// The emulator's clock runs so far behind that its two-hour
				// tokens expire expiryLife after they are issued.
				opts = append(opts, sipaysim.WithClock(func() time.Time { return time.Now().Add(expiryLife - sipaysim.Lifetime) }))
			}
			emu := sipaysim.New(opts...)
			cred := emu.Credentials()[0].Settings
			w := newCLIConfig(t, map[string]string{
				"main.tf": expiryConfig(sipaysim.BaseURL(serveEmulator(t, emu).URL), cred["app_id"], cred["app_secret"]),
			}, "TF_LOG=")
			w.mustRun(t, "init", "-input=false", "-no-color")
			plan := w.mustRun(t, "plan", "-input=false", "-no-color", "-out=tfplan")
			apply := w.mustRun(t, "apply", "-input=false", "-no-color", "tfplan")
			t.Logf("%s apply:\n%s", cli.Kind, apply)

			issued := emu.Issued()
			if len(issued) != 2 {
				t.Fatalf("the emulator issued %d tokens; want 2, one at plan and one at apply", len(issued))
			}
			for _, tok := range issued {
				if strings.Contains(plan+apply, tok) {
					t.Error("the CLI's output shows a token")
				}
			}

			const summary = "Warning: Sipay Token Expired During the Run"
			if !c.outlived {
				if strings.Contains(plan+apply, summary) {
					t.Errorf("a run shorter than its token's life got an expiry warning")
				}
				// The renewal is asked for at the expiry only.
				if strings.Contains(plan+apply, "Renewing") {
					t.Errorf("a run shorter than its token's life renewed it")
				}
				return
			}
			// The plan's own token lives as long, but the plan is done with
			// it sooner, except on a very slow machine.
			if n := strings.Count(plan, summary); n > 0 {
				t.Logf("the plan outlived its token too (%d warning)", n)
			}
			if n := strings.Count(apply, summary); n != 1 {
				t.Fatalf("the apply shows %q %d times, want once", summary, n)
			}
			claims, ok := jwtclaims.Read(issued[1])
			expiresAt, hasExp := claims.ExpiresAt()
			if !ok || !hasExp {
				t.Fatal("the apply's token has no exp claim")
			}
			detail := diagnosticText(apply, summary)
			for _, want := range []string{
				"The Sipay token expired at " + expiresAt.UTC().Format(time.RFC3339) + ", while this run still held it.",
				"was refused by Sipay: run again to get a fresh token.",
				"raise min_valid_for to at least how long the run uses the token",
				"split the work into shorter runs.",
			} {
				if !strings.Contains(detail, want) {
					t.Errorf("the warning lacks %q:\n%s", want, detail)
				}
			}
		})
	}
}

// expiryConfig is a configuration whose provisioner uses a Sipay token
// that may be close to expiry, then runs for expirySleep seconds.
func expiryConfig(baseURL, appID, appSecret string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    paytoken = {
      source = "paytoken/paytoken"
    }
  }
}

provider "paytoken" {
  sipay = {
    base_url   = %s
    app_id     = %s
    app_secret = %s
  }
}

ephemeral "paytoken_token" "t" {
  gateway       = "sipay"
  min_valid_for = "0s"
}

resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "test -n \"$SIPAY_TOKEN\" && sleep %d"
    environment = {
      SIPAY_TOKEN = ephemeral.paytoken_token.t.access_token
    }
  }
}
`, hclString(baseURL), hclString(appID), hclString(appSecret), expirySleep)
}

var diagnosticFrame = regexp.MustCompile(`(?m)^[│╷╵]\s?`)

// diagnosticText returns the text of the first diagnostic in out that
// starts with heading, unframed and unwrapped, its words separated by
// single spaces. It ends where the frame does, or, unframed (the CLI's
// output is no terminal), at the next diagnostic or the run's summary.
func diagnosticText(out, heading string) string {
	_, rest, ok := strings.Cut(out, heading)
	if !ok {
		return ""
	}
	for _, end := range []string{"╵", "\nWarning: ", "\nError: ", "\nApply complete!"} {
		if i := strings.Index(rest, end); i >= 0 {
			rest = rest[:i]
		}
	}
	return strings.Join(strings.Fields(diagnosticFrame.ReplaceAllString(rest, "")), " ")
}
