package steps

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The bound keeps at most max frames however many come, spread evenly
// over the whole stream, and never drops a frame twice.
func TestFrameBoundKeepsAtMostMaxEvenly(t *testing.T) {
	for _, tc := range []struct {
		max, frames int
		want        []int
	}{
		{max: 4, frames: 3, want: []int{0, 1, 2}},
		{max: 4, frames: 4, want: []int{0, 1, 2, 3}},
		{max: 4, frames: 5, want: []int{0, 2, 4}},
		{max: 4, frames: 9, want: []int{0, 4, 8}},
		{max: 4, frames: 16, want: []int{0, 4, 8, 12}},
		{max: 4, frames: 17, want: []int{0, 8, 16}},
	} {
		b := frameBound{max: tc.max}
		kept := map[int]bool{}
		for n := 0; n < tc.frames; n++ {
			i, keep, drop := b.add()
			if i != n {
				t.Fatalf("frame %d numbered %d", n, i)
			}
			for _, d := range drop {
				if !kept[d] {
					t.Errorf("max %d: dropped frame %d, which was not kept", tc.max, d)
				}
				delete(kept, d)
			}
			if keep {
				kept[i] = true
			}
			if len(kept) > tc.max {
				t.Fatalf("max %d: %d frames kept after frame %d", tc.max, len(kept), n)
			}
		}
		var got []int
		for i := range kept {
			got = append(got, i)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || !slices.Equal(b.kept, tc.want) {
			t.Errorf("max %d, %d frames: kept %v (bound says %v); want %v", tc.max, tc.frames, got, b.kept, tc.want)
		}
	}
}

// startChromiumCtx starts a headless Chromium for a test and opens a
// tab; more open in the browser's context it returns.
func startChromiumCtx(t *testing.T, name string) (*Window, context.Context) {
	t.Helper()
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatalf("no chromium on PATH: make e2e installs it (make chromium): %v", err)
	}
	browserCtx, stop, err := StartBrowser(context.Background(), "", "", t.TempDir(), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	win, err := NewTab(browserCtx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(win.Close)
	return win, browserCtx
}

// A screencast of a page that changes gives frames, written as files with
// their times in order; a window whose page is loading a slow new
// document has its screenshot taken, or a reason given, within its
// deadline, and the recorder knows it is loading; a window whose page is
// stuck in a script gives no frame, and a reason, within the deadline.
func TestTraceFilmsAndScreenshotsInTime(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			fmt.Fprint(w, `<!DOCTYPE html><title>Busy</title><p>busy</p><script>setTimeout(() => { for (;;) {} }, 200);</script>`)
			return
		}
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		fmt.Fprint(w, `<!DOCTYPE html><title>Counting</title><h1 id="n">0</h1>
<script>let n = 0; setInterval(() => { document.getElementById("n").textContent = ++n; document.body.style.background = n % 2 ? "#fee" : "#eef"; }, 50);</script>`)
	}))
	defer srv.Close()
	defer close(release)
	win, browserCtx := startChromiumCtx(t, "product")
	if err := win.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}

	results := t.TempDir()
	dir := filepath.Join(results, "A_scenario")
	roll := newFilmRoll(dir, results, time.Now())
	roll.film(win)
	time.Sleep(1500 * time.Millisecond)

	if _, err := Eval[bool](win, `location.href = "/slow", true`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(StepTimeout)
	for loading, _, _ := win.rec.navigating(); !loading; loading, _, _ = win.rec.navigating() {
		if time.Now().After(deadline) {
			t.Fatal("the recorder never saw the window loading /slow")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t0 := time.Now()
	c := win.capture(false)
	if took := time.Since(t0); took > traceShotTimeout+htmlTimeout+500*time.Millisecond {
		t.Errorf("capture of a loading window took %s; want the screenshot within %s and the HTML within %s", took, traceShotTimeout, htmlTimeout)
	}
	t.Logf("capture of a loading window: %s, %d bytes of PNG, %d of HTML, reason %q", time.Since(t0), len(c.png), len(c.html), c.reason)
	if c.png == nil && !strings.Contains(c.reason, "no screenshot") {
		t.Errorf("no screenshot and no reason: %+v", c)
	}

	strips := roll.stop()
	if len(strips.Strips) != 1 {
		t.Fatalf("strips = %+v; want one", strips)
	}
	s := strips.Strips[0]
	if s.Window != "product" || len(s.Frames) < 2 || s.Received < len(s.Frames) || s.Note != "" {
		t.Fatalf("strip = %+v; want the product's window with at least 2 frames", s)
	}
	for i, f := range s.Frames {
		b, err := os.ReadFile(filepath.Join(results, filepath.FromSlash(f.File)))
		if err != nil || len(b) < 3 || b[0] != 0xFF || b[1] != 0xD8 {
			t.Errorf("frame %s is not a JPEG file: %v", f.File, err)
		}
		if !strings.HasPrefix(f.File, "A_scenario/film/product/") {
			t.Errorf("frame %s not under the scenario's film/product/", f.File)
		}
		if f.At < 0 || f.At > 30 || (i > 0 && f.At < s.Frames[i-1].At) {
			t.Errorf("frame %d at %.3fs: want times from the start, in order: %+v", i, f.At, s.Frames)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "film", "index.json")); err != nil {
		t.Errorf("film/index.json: %v", err)
	}
	// A second scenario of the same name (an outline's row) films apart.
	if got := claimDir(dir, "film"); got != filepath.Join(dir, "film-2") {
		t.Errorf("claimDir with film/ taken = %s; want film-2", got)
	}

	busy, err := NewTab(browserCtx, "salesforce-admin")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if err := busy.Navigate(srv.URL + "/busy"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	t0 = time.Now()
	c = busy.capture(false)
	if took := time.Since(t0); took > traceShotTimeout+500*time.Millisecond {
		t.Errorf("capture of a stuck window took %s; want it within %s", took, traceShotTimeout)
	}
	if c.png != nil || !strings.Contains(c.reason, "gave no frame within 2s") {
		t.Errorf("capture of a stuck window = %d bytes, reason %q; want none, and why", len(c.png), c.reason)
	}
}
