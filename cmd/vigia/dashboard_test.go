package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/dashboard.png from the headless Chromium test")

// TestDashboardInChromium loads the web dashboard in headless Chromium,
// driven over the DevTools protocol: the page loads, the charts receive
// points from the event stream, the process table renders, sorts and
// filters. A screenshot is kept as a test artifact (and in docs/ with
// -update-screenshot).
func TestDashboardInChromium(t *testing.T) {
	t.Parallel()
	bin := chromiumBin(t)
	base, _ := startServe(t)
	cdp := startChromium(t, bin)
	if err := cdp.call("Page.navigate", map[string]any{"url": base + "/"}, nil); err != nil {
		t.Fatal(err)
	}
	// Until the page has loaded, evaluations may hit the old document.
	waitUntil(t, 30*time.Second, "the dashboard to load", func() bool {
		var ok bool
		var res struct {
			Result struct {
				Value bool `json:"value"`
			} `json:"result"`
		}
		if cdp.call("Runtime.evaluate", map[string]any{"expression": `document.readyState === "complete" && !!window.vigia`, "returnByValue": true}, &res) == nil {
			ok = res.Result.Value
		}
		return ok
	})

	// Wait in the page until every live chart has a few points and the
	// table has rows.
	var state struct {
		Points  map[string]int `json:"points"`
		Rows    int            `json:"rows"`
		Conn    string         `json:"conn"`
		Timeout bool           `json:"timeout"`
	}
	cdp.eval(t, `(async () => {
		const snap = () => ({points: window.vigia ? vigia.points() : {}, rows: document.querySelectorAll("#procs tbody tr").length,
			conn: document.querySelector("#conn")?.textContent});
		for (let i = 0; i < 150; i++) {
			const s = snap();
			if (s.points.cpu >= 3 && s.points.cores >= 3 && s.points.mem >= 3 && s.points.net >= 3 && s.points.disk >= 3 && s.rows > 5 && s.conn === "live") return s;
			await new Promise((r) => setTimeout(r, 200));
		}
		return Object.assign(snap(), {timeout: true});
	})()`, &state)
	if state.Timeout {
		t.Fatalf("dashboard did not fill in 30s: %+v", state)
	}
	// Points beyond the seeded history prove the stream feeds the charts.
	before := state.Points["net"]
	cdp.eval(t, `(async () => { const n = vigia.points().net; for (let i = 0; i < 100 && vigia.points().net === n; i++) await new Promise((r) => setTimeout(r, 100)); return vigia.points(); })()`, &state.Points)
	if state.Points["net"] <= before {
		t.Errorf("network chart got no new point from the stream in 10s (%d points)", before)
	}

	// One formatter writes the rate axes, in one unit system; the per-core
	// bars name their core as the charts do.
	var labels struct {
		Axis  []string `json:"axis"`
		Net   []string `json:"net"`
		Disk  []string `json:"disk"`
		Cores []string `json:"cores"`
	}
	cdp.eval(t, `(() => ({axis: [2000, 1500, 1000, 500, 0, 2500000].map(vigia.axis), net: vigia.charts.net.labels, disk: vigia.charts.disk.labels,
		cores: [...document.querySelectorAll("#cores .core span")].map((s) => s.textContent)}))()`, &labels)
	if diff := cmp.Diff([]string{"2K", "1.5K", "1K", "500", "0", "2.5M"}, labels.Axis); diff != "" {
		t.Errorf("axis labels (-want +got):\n%s", diff)
	}
	axisLabel := regexp.MustCompile(`^(0|[1-9]\d{0,2}(\.\d{1,2})?[KMGTP]?|0\.\d{1,2})$`)
	for _, l := range append(labels.Net, labels.Disk...) {
		if !axisLabel.MatchString(l) {
			t.Errorf("network and disk axes read %v and %v: %q is not in the axis's units", labels.Net, labels.Disk, l)
		}
	}
	if len(labels.Net) == 0 {
		t.Error("the network chart drew no axis labels")
	}
	coreBar := regexp.MustCompile(`^cpu\d+ \d+%$`)
	if len(labels.Cores) == 0 || !strings.HasPrefix(labels.Cores[0], "cpu0 ") || !coreBar.MatchString(labels.Cores[0]) {
		t.Errorf("per-core bars read %q, want cpu0 N%%, …", labels.Cores)
	}

	// Sort by PID (ascending on first click), then descending.
	var pids []int
	cdp.eval(t, `(() => { document.querySelector('th[data-sort="pid"]').click();
		return [...document.querySelectorAll("#procs tbody tr")].map((r) => +r.dataset.pid); })()`, &pids)
	if len(pids) < 5 || !sortedInts(pids, false) {
		t.Errorf("after sorting by PID the rows are %v", pids)
	}
	cdp.eval(t, `(() => { document.querySelector('th[data-sort="pid"]').click();
		return [...document.querySelectorAll("#procs tbody tr")].map((r) => +r.dataset.pid); })()`, &pids)
	if len(pids) < 5 || !sortedInts(pids, true) {
		t.Errorf("after sorting by PID again the rows are %v, want descending", pids)
	}
	var memSorted bool
	cdp.eval(t, `(() => { document.querySelector('th[data-sort="mem"]').click();
		const rss = [...document.querySelectorAll("#procs tbody tr")].map((r) => vigia.state.procs.find((p) => p.pid === +r.dataset.pid)?.rss_bytes ?? 0);
		return rss.every((v, i) => i === 0 || rss[i - 1] >= v); })()`, &memSorted)
	if !memSorted {
		t.Error("sorting by memory did not order the rows by RSS, largest first")
	}
	// Filter on this test process's PID: its row stays, and every row left
	// matches the text somewhere (another process may carry the number in
	// its command line, as a child told its parent's PID does).
	var filtered struct {
		PIDs     []int `json:"pids"`
		AllMatch bool  `json:"allMatch"`
	}
	self := strconv.Itoa(os.Getpid())
	cdp.eval(t, `(() => { const f = document.querySelector("#filter"); f.value = "`+self+`"; f.dispatchEvent(new Event("input"));
		const pids = [...document.querySelectorAll("#procs tbody tr")].map((r) => +r.dataset.pid);
		const allMatch = pids.every((pid) => { const p = vigia.state.procs.find((q) => q.pid === pid);
			return p && [String(p.pid), p.comm, p.cmdline, p.user].some((s) => (s || "").includes("`+self+`")); });
		return {pids, allMatch}; })()`, &filtered)
	if !slices.Contains(filtered.PIDs, os.Getpid()) || !filtered.AllMatch || len(filtered.PIDs) > 3 {
		t.Errorf("filtering on PID %s left rows %v (all matching: %v)", self, filtered.PIDs, filtered.AllMatch)
	}
	// Clicking the row opens the process's detail, read by the agent.
	var detail struct {
		Open  bool   `json:"open"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	cdp.eval(t, `(async () => { document.querySelector('#procs tbody tr[data-pid="`+self+`"]').click();
		for (let i = 0; i < 50 && !document.querySelector("#detail-title").textContent.includes("(`+self+`)"); i++) await new Promise((r) => setTimeout(r, 100));
		const d = document.querySelector("#detail");
		return {open: d.open, title: document.querySelector("#detail-title").textContent, text: document.querySelector("#detail-body").textContent}; })()`, &detail)
	if !detail.Open || !strings.Contains(detail.Title, "("+self+")") || !strings.Contains(detail.Text, "Executable") {
		t.Errorf("process detail after a click: %+v", detail)
	}
	cdp.eval(t, `(() => { document.querySelector("#detail").close(); const f = document.querySelector("#filter"); f.value = ""; f.dispatchEvent(new Event("input")); document.querySelector('th[data-sort="cpu"]').click(); return true; })()`, new(bool))

	// The services and containers section lists the machine's cgroups;
	// a click on the root group scopes the process table to it, which
	// holds every process whose cgroup was read, vigia among them.
	var cgs struct {
		Rows, Procs int
		Scope       string
		Shown       bool
		Self        bool
	}
	cdp.eval(t, `(async () => {
		for (let i = 0; i < 100 && !document.querySelector('#cgroups tbody tr[data-cgroup="/"]'); i++) await new Promise((r) => setTimeout(r, 100));
		const row = document.querySelector('#cgroups tbody tr[data-cgroup="/"]');
		if (row) row.click();
		const pids = [...document.querySelectorAll("#procs tbody tr")].map((r) => +r.dataset.pid);
		const out = {rows: document.querySelectorAll("#cgroups tbody tr").length, procs: pids.length, scope: vigia.state.cgroup,
			shown: !document.querySelector("#cg-scope").hidden,
			self: pids.length > 0 && pids.every((pid) => vigia.state.procs.find((p) => p.pid === pid)?.cgroup)};
		document.querySelector("#cg-scope-clear").click();
		return out; })()`, &cgs)
	if cgs.Rows == 0 || cgs.Scope != "/" || !cgs.Shown || cgs.Procs == 0 || !cgs.Self {
		t.Errorf("cgroups section after a click on the root group: %+v", cgs)
	}

	// A longer span than memory holds is answered from the recorded history.
	var cpuPoints int
	cdp.eval(t, `(async () => { document.querySelector("#range").value = "1h"; await vigia.showRange("1h");
		return vigia.charts.cpu.points; })()`, &cpuPoints)
	if cpuPoints == 0 {
		t.Error("the 1-hour range shows no CPU points")
	}
	cdp.eval(t, `(async () => { await vigia.showRange("5m"); document.querySelector("#range").value = "5m"; return true; })()`, new(bool))
	// The page asks only for what the machine has: no 404 for the swap
	// history of a machine without swap, nor any other failed answer.
	var failed []string
	cdp.eval(t, `vigia.state.failed`, &failed)
	if len(failed) > 0 {
		t.Errorf("the dashboard's API requests that failed: %q", failed)
	}

	// A phone-sized viewport keeps the page usable: no horizontal scroll.
	var res struct {
		Data string `json:"data"`
	}
	if err := cdp.call("Page.captureScreenshot", map[string]any{"format": "png"}, &res); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil || len(png) < 10000 {
		t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	shot := filepath.Join(t.TempDir(), "dashboard.png")
	os.WriteFile(shot, png, 0o644)
	t.Logf("screenshot: %s", shot)
	if *updateScreenshot {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "dashboard.png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	if err := cdp.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}, nil); err != nil {
		t.Fatal(err)
	}
	var overflow int
	cdp.eval(t, `new Promise((r) => setTimeout(() => r(document.documentElement.scrollWidth - document.documentElement.clientWidth), 500))`, &overflow)
	if overflow > 0 {
		t.Errorf("on a 390 px wide phone the page scrolls sideways by %d px", overflow)
	}

	// ?lang=es draws the page in Spanish, with the catalogue's words.
	navigate(t, cdp, base+"/?lang=es", `location.search === "?lang=es" && document.readyState === "complete"`)
	var es struct {
		Lang, Alerts, Memory, Filter, Conn string
		Timeout                            bool
	}
	cdp.eval(t, `(async () => {
		const snap = () => ({Lang: document.documentElement?.lang, Alerts: document.querySelector("#alerts h2")?.textContent,
			Memory: document.querySelector('[data-t="memory"]')?.textContent, Filter: document.querySelector("#filter")?.placeholder,
			Conn: document.querySelector("#conn")?.textContent});
		for (let i = 0; i < 150; i++) {
			const s = snap();
			if (s.Lang === "es" && s.Conn === "en vivo") return s;
			await new Promise((r) => setTimeout(r, 200));
		}
		return Object.assign(snap(), {Timeout: true});
	})()`, &es)
	want := struct {
		Lang, Alerts, Memory, Filter, Conn string
		Timeout                            bool
	}{"es", "Alertas activas", "Memoria", "filtrar por nombre, orden, usuario o PID", "en vivo", false}
	if es != want {
		t.Errorf("the page at ?lang=es: %+v, want %+v", es, want)
	}
}

func sortedInts(v []int, desc bool) bool {
	for i := 1; i < len(v); i++ {
		if (!desc && v[i-1] > v[i]) || (desc && v[i-1] < v[i]) {
			return false
		}
	}
	return true
}

// cdpConn is the least of a DevTools protocol client: one websocket, one
// call at a time, events ignored.
type cdpConn struct {
	conn net.Conn
	r    *bufio.Reader
	id   int
}

// startChromium runs bin (a headless Chromium) on a blank page until the
// test ends, and connects to that page over the DevTools protocol.
func startChromium(t *testing.T, bin string) *cdpConn {
	t.Helper()
	profile := t.TempDir()
	startProcess(t, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--window-size=1280,1100", "about:blank")

	// Chromium writes the port it chose into the profile.
	var port string
	waitUntil(t, 30*time.Second, "Chromium's DevTools port", func() bool {
		b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		if err != nil {
			return false
		}
		port, _, _ = strings.Cut(string(b), "\n")
		return port != ""
	})
	var wsURL string
	waitUntil(t, 30*time.Second, "Chromium's page target", func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var targets []struct{ Type, URL, WebSocketDebuggerURL string }
		if json.NewDecoder(resp.Body).Decode(&targets) != nil {
			return false
		}
		for _, tg := range targets {
			if tg.Type == "page" {
				wsURL = tg.WebSocketDebuggerURL
				return true
			}
		}
		return false
	})
	cdp, err := dialCDP(wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cdp.Close() })
	return cdp
}

func dialCDP(wsURL string) (*cdpConn, error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return nil, err
	}
	key := make([]byte, 16)
	rand.Read(key)
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
		u.RequestURI(), u.Host, base64.StdEncoding.EncodeToString(key))
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("websocket handshake: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("websocket handshake: %s", resp.Status)
	}
	return &cdpConn{conn: conn, r: r}, nil
}

func (c *cdpConn) Close() error { return c.conn.Close() }

// call sends one method and waits for its answer, skipping events.
func (c *cdpConn) call(method string, params any, result any) error {
	c.id++
	msg, err := json.Marshal(map[string]any{"id": c.id, "method": method, "params": params})
	if err != nil {
		return err
	}
	c.conn.SetDeadline(time.Now().Add(60 * time.Second))
	if err := c.writeFrame(msg); err != nil {
		return err
	}
	for {
		b, err := c.readMessage()
		if err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		var ans struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &ans) != nil || ans.ID != c.id {
			continue
		}
		if ans.Error != nil {
			return fmt.Errorf("%s: %s", method, ans.Error.Message)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(ans.Result, result)
	}
}

// eval runs a JS expression in the page (awaiting a promise) and decodes its
// value into out.
func (c *cdpConn) eval(t *testing.T, expr string, out any) {
	t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := c.call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &res); err != nil {
		t.Fatal(err)
	}
	if res.ExceptionDetails != nil {
		t.Fatalf("page script threw: %s %s", res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
	}
	if err := json.Unmarshal(res.Result.Value, out); err != nil {
		t.Fatalf("decoding %s: %v", res.Result.Value, err)
	}
}

// writeFrame sends one masked text frame, as a client must.
func (c *cdpConn) writeFrame(p []byte) error {
	hdr := []byte{0x81}
	switch n := len(p); {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n < 1<<16:
		hdr = append(hdr, 0x80|126, byte(n>>8), byte(n))
	default:
		hdr = append(hdr, 0x80|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	mask := make([]byte, 4)
	rand.Read(mask)
	hdr = append(hdr, mask...)
	body := make([]byte, len(p))
	for i := range p {
		body[i] = p[i] ^ mask[i%4]
	}
	_, err := c.conn.Write(append(hdr, body...))
	return err
}

// readMessage reads one whole message, joining continuation frames and
// skipping control frames.
func (c *cdpConn) readMessage() ([]byte, error) {
	var msg []byte
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.r, h[:]); err != nil {
			return nil, err
		}
		fin, op := h[0]&0x80 != 0, h[0]&0x0f
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(c.r, b[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(c.r, b[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		if n > 64<<20 {
			return nil, fmt.Errorf("websocket frame of %d bytes", n)
		}
		var mask []byte
		if h[1]&0x80 != 0 {
			mask = make([]byte, 4)
			if _, err := io.ReadFull(c.r, mask); err != nil {
				return nil, err
			}
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(c.r, payload); err != nil {
			return nil, err
		}
		if mask != nil {
			for i := range payload {
				payload[i] ^= mask[i%4]
			}
		}
		switch op {
		case 0x8:
			return nil, io.EOF
		case 0x9, 0xA:
			continue
		}
		msg = append(msg, payload...)
		if fin {
			return msg, nil
		}
	}
}
