package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BodyCarriesToken reports whether a gateway's answer may hold a token, so
// that none of its words may be quoted in a diagnostic. It is the one test
// every gateway uses before quoting a failure message. It reports true when:
//
//   - body is not a single valid JSON value: what cannot be read might hide
//     anything;
//   - any object, at any depth, has a key ending in "token" with letters
//     compared as encoding/json folds keys (token, accessToken,
//     access_token, sessionToken, TOKEN, tok\u0065n, a Kelvin sign for k),
//     whose value is anything but null or the empty string "" (which hold
//     nothing): a string, number, boolean, object or array;
//   - "eyJ", the start of every JWT, occurs in the raw body or in any key
//     or string value once its escapes are decoded.
//
// Every key is seen, duplicates included, because body is read token by
// token rather than decoded: {"data":{"token":"x"},"data":null} carries a
// token although decoding keeps only the null. A string value that merely
// ends in the word, such as "Session token bulunamadı.", carries nothing.
func BodyCarriesToken(body []byte) bool {
	if bytes.Contains(body, []byte("eyJ")) || !json.Valid(body) {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// stack holds one frame per open object or array.
	type frame struct{ object, wantKey bool }
	var stack []frame
	tokenKey := false // the value being read belongs to a token key
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
		tokenKey = false
	}
	for {
		t, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			return true
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			if t == json.Delim('}') {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			key, _ := t.(string)
			if strings.Contains(key, "eyJ") {
				return true
			}
			stack[n-1].wantKey = false
			tokenKey = endsInToken(key)
			continue
		}
		switch v := t.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if tokenKey {
					return true
				}
				stack = append(stack, frame{object: v == '{', wantKey: v == '{'})
				continue
			case ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if (tokenKey && v != "") || strings.Contains(v, "eyJ") {
				return true
			}
		case nil:
		default: // a boolean or a json.Number
			if tokenKey {
				return true
			}
		}
		valueDone()
	}
}

// endsInToken reports whether key ends in "token" once folded as
// encoding/json folds keys: ASCII letters to upper case, any other rune to
// the smallest rune of its case-folding set, so the Kelvin sign reads as K.
func endsInToken(key string) bool {
	const want = "TOKEN"
	i := len(want)
	for len(key) > 0 && i > 0 {
		r, size := utf8.DecodeLastRuneInString(key)
		key = key[:len(key)-size]
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
		} else {
			r = foldRune(r)
		}
		i--
		if r != rune(want[i]) {
			return false
		}
	}
	return i == 0
}

// foldRune is encoding/json's: the smallest rune of r's case-folding set.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
