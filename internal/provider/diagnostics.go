package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
	"github.com/paytoken/terraform-provider-paytoken/internal/clients/gateways"
)

// errorDiagnostics turns a failed token request into a diagnostic whose
// summary names the gateway and whose detail says what happened and what to
// change. Every secret is redacted from it as a last fence.
func errorDiagnostics(spec *clients.Spec, m merchant, h *clients.HTTP, r tokenRequest, err error, secrets []string) diag.Diagnostics {
	var diags diag.Diagnostics
	add := func(p *path.Path, summary, detail string) {
		detail = redact(detail, secrets)
		if p != nil {
			diags.AddAttributeError(*p, summary, detail)
			return
		}
		diags.AddError(summary, detail)
	}

	var missing *clients.MissingSettingError
	var setting *clients.SettingError
	var gwErr *clients.Error
	switch {
	case errors.As(err, &missing):
		p, detail := missingDetail(spec, r, missing)
		add(p, "Missing "+spec.Title+" "+title(missing.Name), detail)
	case errors.As(err, &setting):
		if setting.Arg {
			p := path.Root(spec.Name).AtName(setting.Setting)
			add(&p, "Invalid "+spec.Title+" Token Argument",
				fmt.Sprintf("The %s.%s argument %s.", spec.Name, setting.Setting, setting.Reason))
			break
		}
		add(nil, "Invalid "+spec.Title+" Provider Setting",
			fmt.Sprintf("The provider's %s.%s setting %s. Fix it in the provider's %s block or in the environment variable %s.",
				spec.Name, setting.Setting, setting.Reason, spec.Name, clients.EnvVar(spec.Name, setting.Setting)))
	case errors.Is(err, context.Canceled):
		add(nil, spec.Title+" Token Request Cancelled",
			fmt.Sprintf("The %s token request was cancelled (for example by an interrupt) before the gateway answered. Nothing was changed.", spec.Title))
	case errors.As(err, &gwErr):
		add(nil, spec.Title+" Token Request Failed", requestFailedDetail(spec, m, h, r, gwErr))
	default:
		add(nil, spec.Title+" Token Request Failed",
			fmt.Sprintf("The %s token request failed: %s", spec.Title, clients.EndSentence(err.Error())))
	}
	return diags
}

// missingDetail says where a missing setting or argument can be set: on
// the token when it may carry it, in the provider's block when it is a
// setting or has one to fall back to, and in the environment.
func missingDetail(spec *clients.Spec, r tokenRequest, m *clients.MissingSettingError) (*path.Path, string) {
	field, setting := clients.Field{Name: m.Name}, m.Name
	onToken := false
	if m.Arg {
		for _, f := range spec.Args {
			if f.Name == m.Name {
				field = f
			}
		}
		onToken, setting = argInSchema(field, r.dataSource), field.Fallback
	} else {
		onToken = slices.ContainsFunc(tokenCredentials(spec, r.dataSource), func(f clients.Field) bool { return f.Name == m.Name })
	}
	var where []string
	var p *path.Path
	if onToken {
		where = append(where, fmt.Sprintf("set %s.%s on this paytoken_token", spec.Name, m.Name))
		pp := path.Root(spec.Name).AtName(m.Name)
		p = &pp
	}
	if setting != "" {
		where = append(where,
			fmt.Sprintf("set %s in the provider's %s block", setting, spec.Name),
			fmt.Sprintf("set the environment variable %s", clients.EnvVar(spec.Name, setting)))
	}
	needs := m.Name
	if !m.Arg {
		needs = "the provider setting " + spec.Name + "." + m.Name
		if onToken {
			needs = spec.Name + "." + m.Name
		}
	}
	detail := fmt.Sprintf("A token from %s needs %s, which is not set. To fix it, %s.", spec.Title, needs, joinOr(where))
	switch {
	case onToken || !r.dataSource:
	case m.Arg:
		detail += fmt.Sprintf(" The data source takes no %s argument, because data source arguments are written to state.", m.Name)
	default:
		detail += " The data source takes no credentials, because data source arguments are written to state: it reads with the provider's. " +
			"To read for several merchants, use one provider alias per merchant."
	}
	return p, detail
}

// requestFailedDetail explains a failed call: what the gateway said or what
// went wrong, and what to change.
func requestFailedDetail(spec *clients.Spec, m merchant, h *clients.HTTP, r tokenRequest, e *clients.Error) string {
	base, _ := m.cfg.BaseURLFor(spec, m.args)
	opts := h.Options()
	var b strings.Builder
	attempts := ""
	if e.Attempts > 1 {
		attempts = fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	status := ""
	if e.StatusCode != 0 {
		status = fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}

	switch e.Kind {
	case clients.KindRejected:
		refused := fmt.Sprintf("%s refused the token request (%s%s)", spec.Title, status, attempts)
		if e.Code != "" || e.Message != "" {
			refused += fmt.Sprintf(" with error code %s: %s", orDash(e.Code), orDash(e.Message))
		}
		b.WriteString(clients.EndSentence(refused) + " ")
		switch {
		case spec.Hint != nil && spec.Hint(e) != "":
			b.WriteString(spec.Hint(e))
		case e.Retryable():
			fmt.Fprintf(&b, "The gateway is limiting or failing requests. Wait and run again, or raise max_retries (now %d).", opts.MaxRetries)
		default:
			fmt.Fprintf(&b, "Check the %s credentials (%s) and that they belong to the host in use (%s): sandbox credentials work only with the sandbox. "+
				"To use the other host, set %s.sandbox (or %s), or %s.base_url (or %s).",
				spec.Title, settingList(spec, m), base,
				spec.Name, clients.EnvVar(spec.Name, "sandbox"), spec.Name, clients.EnvVar(spec.Name, "base_url"))
			b.WriteString(overridingArgs(spec, r.dataSource))
		}
	case clients.KindHTTPStatus:
		fmt.Fprintf(&b, "%s answered %s%s with a body that is not one of its error responses. ", spec.Title, status, attempts)
		if e.Retryable() {
			fmt.Fprintf(&b, "The gateway seems to be down or overloaded. Try again later, or raise max_retries (now %d).", opts.MaxRetries)
		} else {
			fmt.Fprintf(&b, "Check that %s is the %s API's base URL (set with %s.base_url or %s).", base, spec.Title, spec.Name, clients.EnvVar(spec.Name, "base_url"))
		}
	case clients.KindTransport:
		switch {
		case isTimeout(e.Err):
			fmt.Fprintf(&b, "%s did not answer at %s within request_timeout (%s)%s. Check network access to the host, or raise request_timeout or max_retries.",
				spec.Title, base, opts.Timeout, attempts)
		case e.StatusCode != 0:
			// The gateway was reached and began to answer: advice about
			// host names and proxies would mislead.
			tries := ""
			if e.Attempts > 1 {
				tries = fmt.Sprintf(", after %d attempts", e.Attempts)
			}
			fmt.Fprintf(&b, "%s answered %s at %s, but the connection broke before the whole answer arrived%s: %v. "+
				"This is usually a network problem between here and the gateway. Run again, or raise max_retries (now %d).",
				spec.Title, status, base, tries, cause(e.Err), opts.MaxRetries)
		case e.Attempts == 0:
			fmt.Fprintf(&b, "The %s token request could not be sent: %v. Nothing reached the gateway.", spec.Title, cause(e.Err))
		default:
			fmt.Fprintf(&b, "%s could not be reached at %s%s: %v. Check the host name, network access and any proxy settings (HTTPS_PROXY).",
				spec.Title, base, attempts, cause(e.Err))
		}
	case clients.KindMalformed:
		fmt.Fprintf(&b, "%s answered %s%s with a response this provider cannot read: %v. "+
			"This is usually a maintenance page or a proxy in front of the gateway, or %s that is not the API's.",
			spec.Title, status, attempts, cause(e.Err), baseURLRef(spec, base))
	case clients.KindNoToken:
		fmt.Fprintf(&b, "%s reported success (%s) but sent no access token. Run again; if it persists, contact %s support with the time of the request.",
			spec.Title, status, spec.Title)
	case clients.KindRedirect:
		fmt.Fprintf(&b, "%s answered %s with a redirect to %s, which was not followed: following it would send the credentials elsewhere. "+
			"Check that %s is the API's, not a web page.", spec.Title, status, e.Location, baseURLRef(spec, base))
	case clients.KindTooLarge:
		fmt.Fprintf(&b, "%s answered %s with a body larger than %s, which is refused. Check that %s is the API's.",
			spec.Title, status, clients.MaxBodySize, baseURLRef(spec, base))
	default:
		fmt.Fprintf(&b, "%s token request failed: %v.", spec.Title, e)
	}
	return b.String()
}

// baseURLRef names the base URL in use and where it is set.
func baseURLRef(spec *clients.Spec, base string) string {
	return fmt.Sprintf("the base URL (now %s; set with %s.base_url or %s)", base, spec.Name, clients.EnvVar(spec.Name, "base_url"))
}

// overridingArgs says which of the token's own arguments stand in for
// provider settings, such as iyzico.session_token or a merchant's
// credentials, as a sentence to append, or "" when there are none.
func overridingArgs(spec *clients.Spec, dataSource bool) string {
	var names []string
	for _, f := range tokenCredentials(spec, dataSource) {
		names = append(names, spec.Name+"."+f.Name)
	}
	for _, f := range spec.Args {
		if f.Fallback != "" && argInSchema(f, dataSource) {
			names = append(names, spec.Name+"."+f.Name)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" The token's own %s argument, when set, is used instead of the provider's.", names[0])
	}
	return fmt.Sprintf(" The token's own %s and %s arguments, when set, are used instead of the provider's.",
		strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

func cause(err error) string {
	if err == nil {
		return "no details"
	}
	return strings.TrimSuffix(err.Error(), ".")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// settingList names where each of the gateway's settings came from: the
// token's own credential, or the provider's setting and its environment
// variable.
func settingList(spec *clients.Spec, m merchant) string {
	var parts []string
	for _, f := range spec.Settings {
		if m.own.Get(f.Name) != "" {
			parts = append(parts, fmt.Sprintf("%s.%s on this paytoken_token", spec.Name, f.Name))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s.%s or %s", spec.Name, f.Name, clients.EnvVar(spec.Name, f.Name)))
	}
	return strings.Join(parts, "; ")
}

// redact replaces every secret in s. Secrets are never put in diagnostics;
// this catches a gateway message that echoes one.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, clients.Redacted)
		}
	}
	return s
}

func title(name string) string {
	words := strings.Split(name, "_")
	for i, w := range words {
		switch w {
		case "api", "id", "url":
			words[i] = strings.ToUpper(w)
		default:
			if w != "" {
				words[i] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
	}
	return strings.Join(words, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", or " + items[len(items)-1]
}

func quotedGatewayNames() string {
	names := gateways.Names()
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return joinOr(q)
}
