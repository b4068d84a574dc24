package clients

import "encoding/json"

// JSONString reports whether raw, a field the gateways' readers keep raw,
// is a JSON string, and its value.
func JSONString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// JSONNull reports whether a raw field is absent or JSON null.
func JSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
