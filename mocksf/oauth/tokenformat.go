package oauth

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The token endpoint's reply formats (reference §4.1): JSON by default,
// or form-encoded or XML when the format parameter or Accept asks.
const (
	tokenJSON       = "json"
	tokenURLEncoded = "urlencoded"
	tokenXML        = "xml"
)

// tokenFormat picks a token reply's format: the format parameter (body or
// query) wins, then the Accept header; an unknown format value, */* and no
// Accept at all mean JSON.
func tokenFormat(r *http.Request) string {
	form := r.Form
	if form == nil { // a body mocksf refused before parsing it
		form = r.URL.Query()
	}
	switch f := strings.ToLower(form.Get("format")); f {
	case tokenJSON, tokenURLEncoded, tokenXML:
		return f
	}
	return negotiate(r.Header.Get("Accept"), map[string]string{
		"application/json": tokenJSON, "*/*": tokenJSON, "application/*": tokenJSON,
		"application/x-www-form-urlencoded": tokenURLEncoded,
		"application/xml":                   tokenXML, "text/xml": tokenXML,
	}, tokenJSON)
}

// negotiate picks from an Accept header the format of the media type
// with the highest q that known names, the first of equals; q=0 refuses
// a type. No known type means def.
func negotiate(accept string, known map[string]string, def string) string {
	best, bestQ := def, 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		format, ok := known[mt]
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = format, q
		}
	}
	return best
}

// field is one name and value of a token reply, in the order sent.
type field struct{ name, value string }

// fields lists a token reply's fields as its JSON has them: read from the
// struct's json tags, so that the formats cannot drift apart, in order,
// leaving out the omitempty ones that are empty. Every field is a string.
func (t tokenResponse) fields() []field {
	v := reflect.ValueOf(t)
	out := make([]field, 0, v.NumField())
	for i := range v.NumField() {
		name, opts, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		value := v.Field(i).String()
		if opts == "omitempty" && value == "" {
			continue
		}
		out = append(out, field{name, value})
	}
	return out
}

// writeTokenAnswer writes a token reply or error in the format asked for.
// JSON is v itself; the other formats carry fs, the same fields in the
// same order: name=value pairs, or elements under an <OAuth> root (the
// root's name is mocksf's choice: unconfirmed, docs/mocksf-oauth.md).
func writeTokenAnswer(w http.ResponseWriter, r *http.Request, status int, v any, fields func() []field) {
	switch tokenFormat(r) {
	case tokenURLEncoded:
		var b strings.Builder
		for i, f := range fields() {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(f.name) + "=" + url.QueryEscape(f.value))
		}
		writeTokenBody(w, status, "application/x-www-form-urlencoded;charset=UTF-8", []byte(b.String()))
	case tokenXML:
		var b bytes.Buffer
		b.WriteString(xml.Header)
		b.WriteString("<OAuth>")
		for _, f := range fields() {
			b.WriteString("<" + f.name + ">")
			_ = xml.EscapeText(&b, []byte(f.value)) // writes to memory: cannot fail
			b.WriteString("</" + f.name + ">")
		}
		b.WriteString("</OAuth>")
		writeTokenBody(w, status, "application/xml;charset=UTF-8", b.Bytes())
	default:
		if t, ok := v.(tokenResponse); ok {
			buf := replyBuffers.Get().(*[]byte)
			b := t.appendJSON((*buf)[:0])
			writeTokenBody(w, status, "application/json;charset=UTF-8", b)
			// The ResponseWriter has copied b: it may be used again.
			*buf = b[:0]
			replyBuffers.Put(buf)
			return
		}
		writeJSON(w, status, v)
	}
}

// replyBuffers hold token replies' JSON while it is written: a reply is
// under 2 KiB (an ID token's is the largest), and one is written for each
// grant.
var replyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 2<<10)
	return &b
}}

// appendJSON appends the reply's JSON to b as writeJSON writes it
// (json.Encoder: the fields in the struct's order, the omitempty ones
// left out when empty, HTML characters escaped, a newline at the end),
// without its reflection, since every grant writes one. A value with a
// character encoding/json escapes is encoded by it, so that the bytes
// cannot differ; TestTokenReplyJSON holds it to the Encoder's.
func (t tokenResponse) appendJSON(b []byte) []byte {
	b = append(b, '{')
	add := func(name, value string, omitEmpty bool) {
		if omitEmpty && value == "" {
			return
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		b = appendJSONString(b, value)
	}
	add("access_token", t.AccessToken, false)
	add("refresh_token", t.RefreshToken, true)
	add("signature", t.Signature, true)
	add("scope", t.Scope, false)
	add("id_token", t.IDToken, true)
	add("instance_url", t.InstanceURL, false)
	add("api_instance_url", t.APIInstanceURL, true)
	add("id", t.ID, false)
	add("token_type", t.TokenType, false)
	add("issued_at", t.IssuedAt, true)
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string: as it is between quotes
// when encoding/json would escape none of it (printable ASCII but for
// the quote, the backslash and HTML's <, > and &), else as json.Marshal
// encodes it.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func writeTokenBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
