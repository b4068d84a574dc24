// Package clientstest holds checks shared by the gateway clients' tests.
package clientstest

import (
	"strings"

	"github.com/paytoken/terraform-provider-paytoken/internal/clients"
)

// ErrorShows reports whether err's text shows s beyond what its fixed prose
// would show anyway. Code, Message and Location quote a gateway's answer,
// so s found in any of them counts. Elsewhere in the text, s counts only if
// the error without those three does not already contain it: a fuzzed token
// such as "refused" or "success" is part of the prose by chance, not a
// leak. The cause counts as prose, since the clients build causes from
// fixed words, offsets and JSON types, never from a body's values.
func ErrorShows(err error, s string) bool {
	if err == nil || s == "" {
		return false
	}
	e, ok := clients.AsError(err)
	if !ok {
		return strings.Contains(err.Error(), s)
	}
	if strings.Contains(e.Code, s) || strings.Contains(e.Message, s) || strings.Contains(e.Location, s) {
		return true
	}
	prose := *e
	prose.Code, prose.Message, prose.Location = "", "", ""
	return strings.Contains(err.Error(), s) && !strings.Contains(prose.Error(), s)
}
