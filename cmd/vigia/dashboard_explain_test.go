package main

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/text"
)

// chromiumBin is a headless Chromium to drive, or skips the test.
func chromiumBin(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed (Debian package chromium)")
	return ""
}

// navigate loads url in the page and waits until ready (a script) is true
// in the new document: an evaluation started while the old one is being
// replaced sees no document or loses its context.
func navigate(t *testing.T, cdp *cdpConn, url, ready string) {
	t.Helper()
	if err := cdp.call("Page.navigate", map[string]any{"url": url}, nil); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		var res struct {
			Result struct {
				Value bool `json:"value"`
			} `json:"result"`
		}
		err := cdp.call("Runtime.evaluate", map[string]any{"expression": ready, "returnByValue": true}, &res)
		if err == nil && res.Result.Value {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not load in 30 s (last error: %v)", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// drag presses the left button at x0, moves to x1 and lets go there, as a
// mouse does: the page sees pointer events.
func drag(t *testing.T, cdp *cdpConn, x0, x1, y float64) {
	t.Helper()
	for _, ev := range []map[string]any{
		{"type": "mouseMoved", "x": x0, "y": y},
		{"type": "mousePressed", "x": x0, "y": y, "button": "left", "buttons": 1, "clickCount": 1},
		{"type": "mouseMoved", "x": (x0 + x1) / 2, "y": y, "button": "left", "buttons": 1},
		{"type": "mouseMoved", "x": x1, "y": y, "button": "left", "buttons": 1},
		{"type": "mouseReleased", "x": x1, "y": y, "button": "left", "buttons": 0, "clickCount": 1},
	} {
		if err := cdp.call("Input.dispatchMouseEvent", ev, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDashboardExplainsASelection records while a child with a name of
// its own burns the processors for three seconds, then drags across those
// seconds on the dashboard's CPU chart, and clicks at their end: each
// time the explainer panel ranks the CPU rise with shares and lists the
// child. An agent that records nothing says so, in the page's language.
func TestDashboardExplainsASelection(t *testing.T) {
	t.Parallel()
	bin := chromiumBin(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t)
	quiet, _ := startServe(t, "--no-record")
	spinner := filepath.Join(t.TempDir(), "vigiadragspin")
	if err := os.Symlink(self, spinner); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // a baseline
	from := time.Now()
	child := exec.Command(spinner)
	child.Env = append(os.Environ(), spinEnv+"=3s")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill() })
	if err := child.Wait(); err != nil {
		t.Fatalf("spinner: %v", err)
	}
	to := time.Now()
	t.Logf("the spinner ran %s → %s and used %s of CPU", from.Format(time.TimeOnly+".000"), to.Format(time.TimeOnly+".000"),
		child.ProcessState.UserTime()+child.ProcessState.SystemTime())

	cdp := startChromium(t, bin)
	// The chart is drawn past the spike before the drag aims at it.
	navigate(t, cdp, base+"/", `document.readyState === "complete" && !!window.vigia && !!vigia.charts.cpu.frame && vigia.charts.cpu.frame.tmax > `+msString(to))
	// aim is where the spike is on the CPU chart as freshly drawn, a second
	// either side: the chart may move on by a reading before the drag.
	aim := func() (x0, x1, y float64) {
		var at struct{ X0, X1, Y float64 }
		cdp.eval(t, `(async () => { const c = vigia.charts.cpu; c.c.scrollIntoView(); c.dirty = true; scheduleDraw();
			await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
			const r = c.c.getBoundingClientRect();
			return {x0: r.left + vigia.xAt(c, `+msString(from)+` - 1000), x1: r.left + vigia.xAt(c, `+msString(to)+` + 1000),
				y: r.top + r.height / 2}; })()`, &at)
		return at.X0, at.X1, at.Y
	}
	panel := func(what string) string {
		var got struct {
			Title, Body string
			Timeout     bool
		}
		cdp.eval(t, `(async () => { const b = document.querySelector("#explain-body");
			for (let i = 0; i < 100 && !/vigiadragspin|%/.test(b.textContent); i++) await new Promise((r) => setTimeout(r, 100));
			return {title: document.querySelector("#explain-title").textContent, body: b.innerText, timeout: !/%/.test(b.textContent)}; })()`, &got)
		if got.Timeout {
			t.Errorf("%s: the explainer panel lists nothing ranked:\n%s\n%s", what, got.Title, got.Body)
		}
		// On a machine busy with other work the child may not make the ten
		// largest rises, but it ended in the window, which lists it.
		if !strings.Contains(got.Body, "vigiadragspin (") || !strings.Contains(got.Body, "% of the rise") || !strings.Contains(got.Body, "CPU time rose") {
			t.Errorf("%s: the explainer panel does not list vigiadragspin and the CPU rise with shares:\n%s\n%s", what, got.Title, got.Body)
		}
		t.Logf("%s:\n%s\n%s", what, got.Title, got.Body)
		return got.Body
	}
	x0, x1, y := aim()
	drag(t, cdp, x0, x1, y)
	// The spinner's cgroup is recorded, and the spinner ended in the span.
	if body := panel("a drag across the spike"); !strings.Contains(body, "By cgroup") || !strings.Contains(body, "Ended in the window") ||
		!strings.Contains(body[strings.Index(body, "Ended in the window"):], "vigiadragspin (") {
		t.Errorf("the explainer panel lacks the cgroups, or vigiadragspin among the processes that ended:\n%s", body)
	}
	cdp.eval(t, `(() => { window.scrollTo(0, document.querySelector("#explain").getBoundingClientRect().top + window.scrollY - 60); return true; })()`, new(bool))
	shot(t, cdp, "dashboard-explain.png")

	// A click explains the minute up to where it lands. A question asked
	// shows its loading line at once. On a loaded machine an alert (a
	// pressure warning) comes and goes, and with it the alerts list above
	// the charts, which moves them by its height: a click aimed just before
	// asks nothing. So a click that asked nothing is aimed and made again,
	// up to three times, saying what was under it.
	for try := 1; ; try++ {
		cdp.eval(t, `(() => { document.querySelector("#explain-body").replaceChildren(); return true; })()`, new(bool))
		_, x1, y = aim() // the panel opened above the chart
		drag(t, cdp, x1, x1, y)
		var asked struct {
			Asked bool
			Under string
		}
		cdp.eval(t, `(async () => { const b = document.querySelector("#explain-body");
			for (let i = 0; i < 20 && b.childElementCount === 0; i++) await new Promise((r) => setTimeout(r, 100));
			const e = document.elementFromPoint(`+strconv.FormatFloat(x1, 'f', 1, 64)+`, `+strconv.FormatFloat(y, 'f', 1, 64)+`);
			return {asked: b.childElementCount > 0, under: e ? e.tagName + "." + e.className : "nothing"}; })()`, &asked)
		if asked.Asked {
			break
		}
		t.Logf("click %d at (%.0f, %.0f) asked nothing; under it now: %s", try, x1, y, asked.Under)
		if try == 3 {
			t.Fatal("three clicks on the CPU chart asked the explainer nothing")
		}
	}
	panel("a click after the spike")

	// An agent run with --no-record has nothing to explain, and says so.
	navigate(t, cdp, quiet+"/?lang=es", `location.search === "?lang=es" && document.readyState === "complete" && !!window.vigia && document.documentElement.lang === "es"`)
	var msg string
	cdp.eval(t, `(async () => { await vigia.explainAt(new Date()); return document.querySelector("#explain-body").textContent; })()`, &msg)
	if want := text.For(text.Spanish).Page()["explain.norecord"]; msg != want {
		t.Errorf("explaining on an agent that records nothing: %q, want %q", msg, want)
	}
}

// msString is t in the page's milliseconds, for a script.
func msString(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// shot keeps a screenshot of the page as a test artifact, and in docs/
// with -update-screenshot.
func shot(t *testing.T, cdp *cdpConn, name string) {
	t.Helper()
	var res struct {
		Data string `json:"data"`
	}
	if err := cdp.call("Page.captureScreenshot", map[string]any{"format": "png"}, &res); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	os.WriteFile(p, png, 0o644)
	t.Logf("screenshot: %s", p)
	if *updateScreenshot {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
}
