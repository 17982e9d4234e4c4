package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/cucumber/godog"
)

// With TRACE=1 every window of a scenario is filmed: Chromium sends its
// frames as CDP screencast frames (Page.startScreencast, each answered by
// Page.screencastFrameAck before it sends more,
// https://chromedevtools.github.io/devtools-protocol/tot/Page#method-startScreencast),
// and report.html shows them as a film strip per window, as Playwright's
// trace viewer shows the screencast it records with the screenshots option
// (https://playwright.dev/docs/trace-viewer, "Screenshots"). Small JPEGs
// at a low quality: the strip is for finding the moment, the step's
// screenshot for reading it.
const (
	filmQuality   = 40
	filmMaxWidth  = 640
	filmMaxHeight = 640
	// filmMaxFrames bounds what one window keeps per scenario, the last
	// frame aside (frameBound): 120 frames of ~20 kB.
	filmMaxFrames = 120
	// filmMinGap spaces the frames: the ack of a frame waits until this
	// long after the previous one, and Chromium sends no frame in between
	// (the default of 3 frames in flight aside), so a spinner makes at most
	// 5 frames a second. Chromium sends frames only when the page
	// repaints, so a still page makes none.
	filmMinGap = 200 * time.Millisecond
)

// FilmMediaType is the attachment of a scenario's film strips (FilmStrips
// as JSON), on its last step (godog runs the scenario's After hooks in
// that step), and film/index.json beside them.
const FilmMediaType = "application/vnd.sfharness.film+json"

// attachFilm attaches the scenario's film strips.
func attachFilm(ctx context.Context, strips FilmStrips) context.Context {
	b, err := json.Marshal(strips)
	if err != nil {
		return ctx
	}
	return godog.Attach(ctx, godog.Attachment{Body: b, FileName: "film", MediaType: FilmMediaType})
}

// FilmStrips is one scenario's film strips, one per window.
type FilmStrips struct {
	Strips []FilmStrip `json:"strips"`
}

// FilmStrip is one window's frames in time order.
type FilmStrip struct {
	Window string      `json:"window"`
	Frames []FilmFrame `json:"frames"`
	// Received counts the frames Chromium sent; more than len(Frames)
	// when frameBound dropped some.
	Received int `json:"received"`
	// Note says why the strip is empty or stopped early.
	Note string `json:"note,omitempty"`
}

// FilmFrame is one frame: its file, relative to the results folder, and
// when Chromium drew it, in seconds from the scenario's start.
type FilmFrame struct {
	File string  `json:"file"`
	At   float64 `json:"at"`
}

// frameBound keeps at most max frames of a stream of unknown length,
// spread evenly over it: frame i is kept when i is a multiple of the
// stride; when max frames are kept the stride doubles and the kept frames
// that are not multiples of it are dropped. So a scenario keeps between
// max/2 and max frames of each window, however long it runs.
type frameBound struct {
	max, stride, next int
	kept              []int
}

// add numbers the next frame, says whether to keep it and which kept
// frames to drop.
func (b *frameBound) add() (i int, keep bool, drop []int) {
	if b.stride == 0 {
		b.stride = 1
	}
	i = b.next
	b.next++
	if i%b.stride != 0 {
		return i, false, nil
	}
	if len(b.kept) >= b.max {
		b.stride *= 2
		var still []int
		for _, k := range b.kept {
			if k%b.stride == 0 {
				still = append(still, k)
			} else {
				drop = append(drop, k)
			}
		}
		b.kept = still
		if i%b.stride != 0 {
			return i, false, drop
		}
	}
	b.kept = append(b.kept, i)
	return i, true, drop
}

// filmRoll is a scenario's films. A nil *filmRoll films nothing (no
// TRACE).
type filmRoll struct {
	dir, results string // the scenario's folder, and the results folder links are relative to
	started      time.Time

	mu    sync.Mutex
	films []*film
	names map[string]int
	// filmDir is the roll's folder, film/ in dir, or film-2/ and so on
	// when another scenario of the same name (an outline's rows) took it.
	filmDir string
}

func newFilmRoll(dir, results string, started time.Time) *filmRoll {
	return &filmRoll{dir: dir, results: results, started: started, names: map[string]int{}}
}

// film starts filming the window, and its pop-ups when they open
// (Window.filmAlso). A window the roll cannot film gets a strip that says
// why; the scenario goes on.
func (r *filmRoll) film(win *Window) {
	if r == nil || win == nil {
		return
	}
	win.roll = r
	r.mu.Lock()
	if r.filmDir == "" {
		r.filmDir = claimDir(r.dir, "film")
	}
	// A second pop-up of the same name gets a folder of its own.
	name := unsafeChars.ReplaceAllString(win.Name, "_")
	r.names[name]++
	if n := r.names[name]; n > 1 {
		name = fmt.Sprintf("%s-%d", name, n)
	}
	f := &film{
		strip: FilmStrip{Window: name}, roll: r,
		dir: filepath.Join(r.filmDir, name), bound: frameBound{max: filmMaxFrames},
		frames: map[int]FilmFrame{}, ch: make(chan *page.EventScreencastFrame, 16),
		stopping: make(chan struct{}), done: make(chan struct{}),
	}
	r.films = append(r.films, f)
	r.mu.Unlock()
	if err := f.start(win); err != nil {
		f.strip.Note = err.Error()
		close(f.done)
	}
}

// claimDir makes the folder name, or name-2, name-3 … when it exists,
// in parent, and returns it; os.Mkdir fails on an existing folder, so
// two scenarios claiming at once get one each.
func claimDir(parent, name string) string {
	_ = os.MkdirAll(parent, 0o755)
	for n := 1; ; n++ {
		p := filepath.Join(parent, name)
		if n > 1 {
			p = fmt.Sprintf("%s-%d", p, n)
		}
		if err := os.Mkdir(p, 0o755); err == nil || !os.IsExist(err) || n >= 100 {
			return p
		}
	}
}

// filmAlso films the pop-up p of w when w is filmed, and returns p.
func (w *Window) filmAlso(p *Window) *Window {
	w.roll.film(p)
	return p
}

// stop ends the films, writes film/index.json and returns the strips.
func (r *filmRoll) stop() FilmStrips {
	if r == nil {
		return FilmStrips{}
	}
	r.mu.Lock()
	films := r.films
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, f := range films {
		wg.Go(f.stop)
	}
	wg.Wait()
	out := FilmStrips{Strips: []FilmStrip{}}
	for _, f := range films {
		out.Strips = append(out.Strips, f.strip)
	}
	if b, err := json.MarshalIndent(out, "", "  "); err == nil && len(films) > 0 {
		_ = os.WriteFile(filepath.Join(r.filmDir, "index.json"), b, 0o644)
	}
	return out
}

// film is one window's screencast.
type film struct {
	roll  *filmRoll
	dir   string
	win   *Window
	strip FilmStrip
	// cancel ends the screencast's listener.
	cancel context.CancelFunc

	mu       sync.Mutex
	stopped  bool
	ch       chan *page.EventScreencastFrame
	stopping chan struct{} // closed when stop starts: ack without waiting
	done     chan struct{} // closed when every frame is written

	// Owned by the goroutine of keep.
	bound  frameBound
	frames map[int]FilmFrame
}

func (f *film) start(win *Window) error {
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return fmt.Errorf("no film strip: %w", err)
	}
	f.win = win
	ctx, cancel := context.WithCancel(win.ctx)
	f.cancel = cancel
	// The listener runs in the tab's loop: hand the frame on, no commands.
	// ch never fills: Chromium has at most 3 frames in flight unacked.
	err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventScreencastFrame); ok {
			f.mu.Lock()
			defer f.mu.Unlock()
			if !f.stopped {
				select {
				case f.ch <- ev:
				default:
				}
			}
		}
	})
	if err != nil {
		cancel()
		return fmt.Errorf("no film strip: listen to the window: %w", err)
	}
	go f.keep()
	q := int64(filmQuality)
	callCtx, cancelCall := context.WithTimeout(win.ctx, traceShotTimeout)
	defer cancelCall()
	if _, err := chromedp.Call(callCtx, page.StartScreencast, page.StartScreencastParams{
		Format: page.StartScreencastFormatJpeg, Quality: &q, MaxWidth: filmMaxWidth, MaxHeight: filmMaxHeight, EveryNthFrame: 1,
	}); err != nil {
		f.stop()
		f.strip.Note = "no film strip: start the screencast: " + err.Error()
	}
	return nil
}

// keep writes the frames that frameBound keeps, and acks each.
func (f *film) keep() {
	defer close(f.done)
	var last *page.EventScreencastFrame // the newest frame, when not kept
	lastIndex := 0
	var lastAck time.Time
	for ev := range f.ch {
		f.strip.Received++
		i, keep, drop := f.bound.add()
		for _, d := range drop {
			_ = os.Remove(filepath.Join(f.dir, frameName(d)))
			delete(f.frames, d)
		}
		if keep {
			f.write(i, ev)
			last = nil
		} else {
			last, lastIndex = ev, i
		}
		select {
		case <-f.stopping:
		case <-time.After(time.Until(lastAck.Add(filmMinGap))):
		}
		lastAck = time.Now()
		if !f.win.Closed() {
			ctx, cancel := context.WithTimeout(f.win.ctx, traceShotTimeout)
			_, _ = chromedp.Call(ctx, page.ScreencastFrameAck, page.ScreencastFrameAckParams{SessionID: ev.SessionID})
			cancel()
		}
	}
	// The window as the scenario left it, though the bound dropped it.
	if last != nil {
		f.write(lastIndex, last)
	}
	var idx []int
	for i := range f.frames {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	f.strip.Frames = []FilmFrame{}
	for _, i := range idx {
		f.strip.Frames = append(f.strip.Frames, f.frames[i])
	}
	// Chromium may send a frame drawn before the one it sent last.
	sort.SliceStable(f.strip.Frames, func(i, j int) bool { return f.strip.Frames[i].At < f.strip.Frames[j].At })
}

func frameName(i int) string { return fmt.Sprintf("%05d.jpg", i) }

// write saves frame i, and when Chromium drew it.
func (f *film) write(i int, ev *page.EventScreencastFrame) {
	p := filepath.Join(f.dir, frameName(i))
	if os.WriteFile(p, ev.Data, 0o644) != nil {
		return
	}
	at := time.Since(f.roll.started).Seconds()
	if ev.Metadata != nil && ev.Metadata.Timestamp > 0 {
		at = ev.Metadata.Timestamp.Float64() - float64(f.roll.started.UnixNano())/1e9
	}
	rel, err := filepath.Rel(f.roll.results, p)
	if err != nil {
		return
	}
	f.frames[i] = FilmFrame{File: filepath.ToSlash(rel), At: at}
}

// stop ends the screencast and waits until its frames are written.
func (f *film) stop() {
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		<-f.done
		return
	}
	f.stopped = true
	close(f.stopping)
	close(f.ch)
	f.mu.Unlock()
	if f.win != nil && !f.win.Closed() {
		ctx, cancel := context.WithTimeout(f.win.ctx, time.Second)
		_, _ = chromedp.Call(ctx, page.StopScreencast, cdp.Empty{})
		cancel()
	}
	if f.cancel != nil {
		f.cancel()
	}
	<-f.done
}
