package web

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// ParseBoundedForm after PeekForm gives what http.MaxBytesReader and
// http.Request.ParseForm give without it: the same forms, and an error
// where they fail, a *http.MaxBytesError past the bound included.
func TestParseBoundedFormAfterPeekForm(t *testing.T) {
	t.Parallel()
	const limit = 64
	form := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name, method, target, contentType, body string
		// shared is whether the peeked parse is used.
		shared bool
	}{
		{"form", "POST", "/token", form, "grant_type=refresh_token&refresh_token=5Aep%2Bx", true},
		{"form and query", "POST", "/token?a=1&grant_type=q", form, "grant_type=b&a=2", true},
		{"charset", "POST", "/token", form + "; charset=UTF-8", "a=1", true},
		{"PUT", "PUT", "/token", form, "a=1", true},
		{"at the bound", "POST", "/token", form, "a=" + strings.Repeat("x", limit-2), true},
		{"past the bound", "POST", "/token", form, "a=" + strings.Repeat("x", limit-1), false},
		{"past what PeekForm reads", "POST", "/token", form, "a=" + strings.Repeat("x", MaxFormBytes), false},
		{"bad escape", "POST", "/token", form, "a=%zz&b=1", false},
		{"bad media type parameter", "POST", "/token", form + "; charset", "a=1", false},
		{"GET with a form body", "GET", "/token?q=1", form, "a=1", false},
		{"JSON", "POST", "/token", "application/json", `{"a":1}`, false},
		{"bad query", "POST", "/token?a=%zz", form, "a=1", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			newRequest := func() *http.Request {
				r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
				r.Header.Set("Content-Type", tc.contentType)
				return r
			}
			want := newRequest()
			want.Body = http.MaxBytesReader(httptest.NewRecorder(), want.Body, limit)
			wantErr := want.ParseForm()

			got := newRequest()
			peeked := PeekForm(got)
			gotErr := ParseBoundedForm(httptest.NewRecorder(), got, limit)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("error %v; want %v", gotErr, wantErr)
			}
			if _, isMax := errors.AsType[*http.MaxBytesError](wantErr); isMax {
				if _, ok := errors.AsType[*http.MaxBytesError](gotErr); !ok {
					t.Errorf("error %v; want a *http.MaxBytesError", gotErr)
				}
			}
			if !reflect.DeepEqual(got.PostForm, want.PostForm) || !reflect.DeepEqual(got.Form, want.Form) {
				t.Errorf("PostForm %v, Form %v; want %v, %v", got.PostForm, got.Form, want.PostForm, want.Form)
			}
			shared := peeked != nil && got.PostForm != nil && reflect.ValueOf(peeked).Pointer() == reflect.ValueOf(got.PostForm).Pointer()
			if shared != tc.shared {
				t.Errorf("the peeked parse used = %v; want %v", shared, tc.shared)
			}
		})
	}
}

// PeekForm leaves the body whole for the handler.
func TestPeekFormLeavesTheBody(t *testing.T) {
	t.Parallel()
	body := "a=1&b=" + strings.Repeat("y", MaxFormBytes)
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if got := PeekForm(r); got != nil {
		t.Errorf("PeekForm of a body past MaxFormBytes = %v; want nil", got)
	}
	if got, err := io.ReadAll(r.Body); err != nil || string(got) != body {
		t.Errorf("the body read after PeekForm has %d bytes, %v; want %d", len(got), err, len(body))
	}
}
