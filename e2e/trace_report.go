package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"path"
	"strings"

	"github.com/sfharness/sfharness/internal/steps"
)

// The trace's parts of report.html: each step's screenshots beside it
// (shotsOf) and each window's film strip under the scenario (filmOf),
// linked relative to report.html, which sits in the results folder the
// attachments' paths are relative to.

// decodeAttachment decodes the JSON attachment em into v when it has
// the media type.
func decodeAttachment(em cukeEmbedding, mediaType string, v any) bool {
	if em.MimeType != mediaType {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(em.Data)
	return err == nil && json.Unmarshal(b, v) == nil
}

// stepShotsOf is the step's screenshots attachment, if it has one.
func stepShotsOf(st cukeStep) (steps.StepShots, bool) {
	for _, em := range st.Embeddings {
		var s steps.StepShots
		if decodeAttachment(em, steps.ShotsMediaType, &s) {
			return s, true
		}
	}
	return steps.StepShots{}, false
}

// shotView is one window's screenshot beside a step, or why there is none.
type shotView struct {
	Window, Href, Reason string
	// Data is the screenshot embedded in the Cucumber JSON (a failed
	// step's), shown in place of Href so that the report shows it alone.
	Data template.URL
	// Frame, for a window without a screenshot, is its film strip's last
	// frame before the step's end, shown in its place, drawn FrameAt.
	Frame, FrameAt string
}

// shotsOf is what report.html shows beside the step st of the scenario
// e: each window's screenshot or reason, and the note of a step with no
// window.
func shotsOf(e cukeElement, st cukeStep) []shotView {
	s, ok := stepShotsOf(st)
	if !ok {
		return nil
	}
	var strips steps.FilmStrips
	for _, st := range e.Steps {
		for _, em := range st.Embeddings {
			decodeAttachment(em, steps.FilmMediaType, &strips)
		}
	}
	var out []shotView
	for _, w := range s.Windows {
		v := shotView{Window: w.Window, Href: w.Screenshot, Reason: w.Reason}
		if w.Screenshot == "" && w.Reason == "" {
			v.Reason = "no screenshot"
		}
		if w.Screenshot == "" {
			v.Frame, v.FrameAt = lastFrame(strips, w.Window, s.At)
		}
		for _, em := range st.Embeddings {
			if w.Screenshot != "" && strings.HasPrefix(em.MimeType, "image/") && em.Name == path.Base(w.Screenshot) {
				v.Data = template.URL("data:" + em.MimeType + ";base64," + em.Data)
			}
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		note := s.Note
		if note == "" {
			note = "no window"
		}
		out = append(out, shotView{Reason: note})
	}
	return out
}

// lastFrame is the window's last film frame drawn by at, and when.
func lastFrame(strips steps.FilmStrips, window string, at float64) (href, when string) {
	for _, s := range strips.Strips {
		if s.Window != window {
			continue
		}
		for _, f := range s.Frames {
			if f.At <= at {
				href, when = f.File, fmt.Sprintf("+%.1fs", f.At)
			}
		}
		return href, when
	}
	return "", ""
}

// hasShots reports whether the step lists its screenshots, which then
// replace its embedded images in the report.
func hasShots(st cukeStep) bool {
	_, ok := stepShotsOf(st)
	return ok
}

// stripView is one window's film strip in the report.
type stripView struct {
	Window         string
	Frames         []frameView
	Received, Kept int
	Note           string
}

// frameView is one frame: its link, its time, and the step it was drawn in.
type frameView struct {
	Href, At, Step string
}

// filmOf is the scenario's film strips, each frame labelled with the step
// it was drawn in: the first step that ended after it.
func filmOf(e cukeElement) []stripView {
	var strips steps.FilmStrips
	found := false
	type end struct {
		at   float64
		step string
	}
	var ends []end
	for _, st := range e.Steps {
		for _, em := range st.Embeddings {
			if !found && decodeAttachment(em, steps.FilmMediaType, &strips) {
				found = true
			}
		}
		if s, ok := stepShotsOf(st); ok {
			ends = append(ends, end{s.At, st.Keyword + st.Name})
		}
	}
	if !found {
		return nil
	}
	var out []stripView
	for _, s := range strips.Strips {
		v := stripView{Window: s.Window, Received: s.Received, Kept: len(s.Frames), Note: s.Note}
		for _, f := range s.Frames {
			during := "after the last step"
			for _, e := range ends {
				if f.At <= e.at {
					during = "during: " + e.step
					break
				}
			}
			v.Frames = append(v.Frames, frameView{Href: f.File, At: fmt.Sprintf("+%.1fs", f.At), Step: during})
		}
		out = append(out, v)
	}
	return out
}

// relinkTrace points the links of a screenshots or film attachment at
// dir/ (a shard's copy in a merged report); other attachments stay.
func relinkTrace(em *cukeEmbedding, dir string) {
	var b []byte
	var err error
	var shots steps.StepShots
	var strips steps.FilmStrips
	switch {
	case decodeAttachment(*em, steps.ShotsMediaType, &shots):
		for i, w := range shots.Windows {
			if w.Screenshot != "" {
				shots.Windows[i].Screenshot = dir + "/" + w.Screenshot
			}
		}
		b, err = json.Marshal(shots)
	case decodeAttachment(*em, steps.FilmMediaType, &strips):
		for i := range strips.Strips {
			for j, f := range strips.Strips[i].Frames {
				strips.Strips[i].Frames[j].File = dir + "/" + f.File
			}
		}
		b, err = json.Marshal(strips)
	default:
		return
	}
	if err == nil {
		em.Data = base64.StdEncoding.EncodeToString(b)
	}
}

// traceStyle and traceScript are the trace view's styles and script,
// inside report.html: no CDN, the report opens offline.
const traceStyle = `
td.shots{width:1%;white-space:nowrap} .shots figure{display:inline-block;margin:0 6px 4px 0;vertical-align:top;max-width:180px;white-space:normal}
.shots img{width:160px;max-width:160px;margin:0} figcaption{font-size:80%;color:#555}
.shots .missing{width:160px;border:1px dashed #c9a0a0;border-radius:4px;padding:4px;color:#8a1c1c;font-size:80%}
.film{margin:8px 0} .film h4{margin:6px 0;font-size:14px} .strip{display:flex;gap:6px;overflow-x:auto;padding-bottom:6px}
.strip figure{margin:0;flex:none;width:128px} .strip img{width:128px;margin:0} .strip figcaption{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#lightbox{position:fixed;inset:0;background:rgba(0,0,0,.85);display:flex;flex-direction:column;align-items:center;justify-content:center;z-index:10}
#lightbox[hidden]{display:none} #lightbox img{max-width:95vw;max-height:85vh;background:#fff;border:0} #lightbox p{color:#fff;margin:8px}
`

const traceScript = `
// Click a screenshot or a frame to enlarge it; arrows or ←/→ step through
// its group (a step's windows, or a window's film strip), Esc closes.
(function () {
  const box = document.getElementById("lightbox"), img = box.querySelector("img"), cap = box.querySelector("p");
  let group = [], at = 0;
  function show(i) {
    at = (i + group.length) % group.length;
    const a = group[at];
    img.src = a.getAttribute("href");
    cap.textContent = a.dataset.cap + " (" + (at + 1) + " of " + group.length + ")";
    box.hidden = false;
  }
  document.addEventListener("click", function (ev) {
    const a = ev.target.closest("a.zoom");
    if (a) {
      ev.preventDefault();
      group = Array.from(document.querySelectorAll('a.zoom[data-group="' + a.dataset.group + '"]'));
      show(group.indexOf(a));
    } else if (!box.hidden && ev.target.tagName !== "BUTTON") {
      box.hidden = true;
    }
  });
  box.querySelector(".prev").addEventListener("click", function () { show(at - 1); });
  box.querySelector(".next").addEventListener("click", function () { show(at + 1); });
  document.addEventListener("keydown", function (ev) {
    if (box.hidden) return;
    if (ev.key === "Escape") box.hidden = true;
    if (ev.key === "ArrowLeft") show(at - 1);
    if (ev.key === "ArrowRight") show(at + 1);
  });
})();
`
