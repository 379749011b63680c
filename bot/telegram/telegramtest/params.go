package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
)

// maxBody bounds a request body; the Bot API takes uploads of up to 50 MB,
// tests send far less.
const maxBody = 50 << 20

// params are a request's parameters, flattened to strings: a JSON value
// that is not a string is kept as its compact JSON text, as it arrives in a
// form field.
type params map[string]string

// files are the contents of a multipart request's uploaded files, by field
// name.
type files map[string][]byte

// readParams collects a request's parameters from its query string and its
// body, which may be a URL-encoded form (what tgbotapi sends), a multipart
// form (tgbotapi's uploads) or a JSON object (what other clients send).
// An uploaded file is kept as "@" and its file name in the parameters, and
// its contents in the files.
func readParams(r *http.Request) (params, files, error) {
	p := params{}
	var f files
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, nil, fmt.Errorf("read the body: %w", err)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, nil, errors.New("can't parse JSON object")
		}
		for k, raw := range obj {
			if v, isNull := flatten(raw); !isNull {
				p[k] = v
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, nil, fmt.Errorf("can't parse multipart form: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = v[0]
		}
		for k, headers := range r.MultipartForm.File {
			p[k] = "@" + headers[0].Filename
			body, err := readUpload(headers[0])
			if err != nil {
				return nil, nil, err
			}
			if f == nil {
				f = files{}
			}
			f[k] = body
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, nil, fmt.Errorf("can't parse form: %v", err)
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	}
	return p, f, nil
}

// readUpload reads an uploaded file.
func readUpload(h *multipart.FileHeader) ([]byte, error) {
	file, err := h.Open()
	if err != nil {
		return nil, fmt.Errorf("can't read the file %q: %v", h.Filename, err)
	}
	defer file.Close()
	body, err := io.ReadAll(file)
	if err != nil {
		return nil, fmt.Errorf("can't read the file %q: %v", h.Filename, err)
	}
	return body, nil
}

// flatten turns a JSON value into a parameter: a string unquoted, anything
// else compacted. It reports a null, which the Bot API takes as absent.
func flatten(raw json.RawMessage) (v string, isNull bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, false
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw), false
	}
	return b.String(), b.String() == "null"
}

// int64 reads an integer parameter; an absent one is 0 and not present.
func (p params) int64(key string) (n int64, present bool, err error) {
	v, present := p[key]
	if !present || v == "" {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, true, fmt.Errorf("wrong parameter %s: %q is not an integer", key, v)
	}
	return n, true, nil
}

// int reads an integer parameter, or def when it is absent.
func (p params) int(key string, def int) (int, error) {
	n, present, err := p.int64(key)
	if err != nil || !present {
		return def, err
	}
	return int(n), nil
}

// bool reads a boolean parameter as the Bot API does: "true" or "1".
func (p params) bool(key string) bool {
	v := p[key]
	return v == "true" || v == "1" || v == "True"
}
