package clients

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes a gateway's own words fit for a one-line error: runs of
// spaces, control characters and invalid UTF-8 become one space, the ends
// are trimmed, and the text is cut to limit runes, spaces included, marked
// with an ellipsis.
func CleanText(s string, limit int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return s
}

// RedactError replaces every secret in the gateway's code and message of
// err, when it is an *Error, and returns err. It is a fence for a gateway
// that ever echoes a credential it was sent.
func RedactError(err error, secrets ...string) error {
	e, ok := AsError(err)
	if !ok {
		return err
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		e.Code = redactCut(strings.ReplaceAll(e.Code, s, Redacted), s)
		e.Message = redactCut(strings.ReplaceAll(e.Message, s, Redacted), s)
	}
	return err
}

// redactCut redacts the start of secret where CleanText cut text short: a
// secret the limit fell inside would otherwise show all but its end.
// Prefixes shorter than four bytes are left, as they are more likely part
// of the text than of the secret.
func redactCut(text, secret string) string {
	body, cut := strings.CutSuffix(text, "…")
	if !cut {
		return text
	}
	for n := min(len(secret)-1, len(body)); n >= 4; n-- {
		if strings.HasSuffix(body, secret[:n]) {
			return body[:len(body)-n] + Redacted + "…"
		}
	}
	return text
}

// EndSentence returns s as the end of a sentence with exactly one mark: s
// itself when it already ends with ".", "!", "?" or CleanText's "…", else s
// and a period. A gateway's message such as "Session token bulunamadı." is
// then followed by the next sentence without a second period.
func EndSentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}
