package clients

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// CheckBaseURL checks that raw is an absolute https:// URL, or an http://
// URL whose host is a loopback address (127.0.0.0/8, ::1 or localhost), and
// has no query, fragment or credentials. The error says what to change.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("is not a valid URL; use an absolute URL such as https://api.example.com")
	}
	if !u.IsAbs() || u.Host == "" {
		return errors.New("must be an absolute URL with a scheme and a host, such as https://api.example.com")
	}
	if u.User != nil {
		return errors.New("must not contain credentials; set them in their own attributes")
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") {
		return errors.New("must not have a query string or fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("uses plain http:// on the non-loopback host %q; use https://, since http:// is only accepted for 127.0.0.0/8, ::1 and localhost", u.Hostname())
	default:
		return fmt.Errorf("has the scheme %q; use https://", u.Scheme)
	}
}

// ShowURL returns raw fit for a diagnostic, as redirect targets are shown:
// credentials, query and fragment are left out, since a base URL that
// carries them is refused for exactly that reason and they may be secret. A
// value that does not parse as a URL is not shown at all, since it may be
// one whose credentials cannot be told apart.
func ShowURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not shown)"
	}
	return strconv.Quote(showTarget(u))
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
