package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strconv"
)

// DecodeJSON decodes the body into v. Its error describes what is wrong
// without quoting the body, which may hold a token.
func (r *Response) DecodeJSON(v any) error {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return errors.New("the response body is empty")
	}
	err := json.Unmarshal(r.Body, v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax) && syntax.Offset >= int64(len(r.Body)):
		// encoding/json reports a body cut off in the middle as a syntax
		// error at its very end.
		return fmt.Errorf("the response body is truncated JSON (%d bytes)", len(r.Body))
	case errors.As(err, &syntax):
		return fmt.Errorf("the response body is not valid JSON (at byte %d of %d, Content-Type %s)", syntax.Offset, len(r.Body), mediaType(r.Header.Get("Content-Type")))
	case errors.As(err, &typ):
		return fmt.Errorf("the response field %q is a JSON %s where %s was expected", typ.Field, typ.Value, typ.Type)
	}
	return errors.New("the response body could not be decoded as JSON")
}

// mediaType names a Content-Type by its media type alone: parameters are
// the gateway's words and could carry anything.
func mediaType(contentType string) string {
	if contentType == "" {
		return "(none)"
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || len(mt) > 64 {
		return "(unreadable)"
	}
	return strconv.Quote(mt)
}
