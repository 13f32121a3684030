package main

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/metrics"
	"github.com/vigia-dev/vigia/internal/reading"
)

// receiver is a real remote-write receiver run on loopback for the test:
// it can be stopped and started again on the same address and data.
type receiver struct {
	name      string
	bin       string
	args      func(addr, dir string) []string
	readyPath string
	addr, dir string
	cmd       *exec.Cmd
	out       *syncBuffer
	// perGather is the samples of one gather of an agent pushing to it,
	// as the first subtest counted them.
	perGather float64
}

func prometheusReceiver(t *testing.T) *receiver {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	return &receiver{name: "prometheus", bin: bin, readyPath: "/-/ready", args: func(addr, dir string) []string {
		cfg := filepath.Join(dir, "prometheus.yml")
		if err := os.WriteFile(cfg, []byte("global: {}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{"--config.file=" + cfg, "--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr, "--web.enable-remote-write-receiver", "--log.level=warn"}
	}}
}

func victoriaMetricsReceiver(t *testing.T) *receiver {
	bin, err := exec.LookPath("victoria-metrics")
	if err != nil {
		t.Skip("victoria-metrics not installed (Debian package victoria-metrics)")
	}
	return &receiver{name: "victoria-metrics", bin: bin, readyPath: "/health", args: func(addr, dir string) []string {
		// latencyOffset 0 and no cache: a query sees what was just written.
		return []string{"-httpListenAddr=" + addr, "-storageDataPath=" + filepath.Join(dir, "data"),
			"-search.latencyOffset=0s", "-search.disableCache", "-loggerLevel=WARN"}
	}}
}

func (r *receiver) writeURL() string { return "http://" + r.addr + "/api/v1/write" }

func (r *receiver) start(t *testing.T) {
	t.Helper()
	if r.addr == "" {
		r.addr, r.dir = freeAddr(t), t.TempDir()
		t.Cleanup(func() {
			if r.cmd != nil {
				r.stop(t)
			}
		})
	}
	r.out = &syncBuffer{}
	r.cmd = exec.Command(r.bin, r.args(r.addr, r.dir)...)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	dieWithTest(r.cmd)
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", r.name, err)
	}
	waitUntil(t, 60*time.Second, r.name+" to be ready", func() bool {
		resp, err := http.Get("http://" + r.addr + r.readyPath)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func (r *receiver) stop(t *testing.T) {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { r.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		r.cmd.Process.Kill()
		<-done
	}
	if t.Failed() {
		t.Logf("%s output:\n%s", r.name, lastBytes([]byte(r.out.String()), 3000))
	}
	r.cmd = nil
}

// samples returns the times (in milliseconds) of the raw samples the
// receiver holds for selector over the last ten minutes: a range-vector
// query, which both receivers answer with raw samples.
func (r *receiver) samples(selector string) []int64 {
	resp, err := http.Get("http://" + r.addr + "/api/v1/query?query=" + url.QueryEscape(selector+"[10m]"))
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var ans struct {
		Data struct {
			Result []struct {
				Values [][2]any `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if json.NewDecoder(resp.Body).Decode(&ans) != nil || len(ans.Data.Result) == 0 {
		return nil
	}
	var out []int64
	for _, v := range ans.Data.Result[0].Values {
		if f, ok := v[0].(float64); ok {
			out = append(out, int64(f*1000+0.5))
		}
	}
	return out
}

// agent runs the built binary as `vigia serve` with args until stopped.
type agent struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	addr string
	done chan error
}

func startAgent(t *testing.T, args ...string) *agent {
	t.Helper()
	a := &agent{out: &syncBuffer{}, addr: freeAddr(t), done: make(chan error, 1)}
	a.cmd = exec.Command(vigiaBin, append([]string{"serve", "--listen", a.addr, "--no-record", "--interval", "500ms"}, args...)...)
	a.cmd.Env = cleanEnv(t)
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	dieWithTest(a.cmd)
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(15 * time.Second):
			a.cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("vigia output:\n%s", lastBytes([]byte(a.out.String()), 3000))
		}
	})
	return a
}

// stop sends SIGTERM and wants exit 0 within the flush bound and some.
func (a *agent) stop(t *testing.T) {
	t.Helper()
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-a.done:
		a.done <- err // for the cleanup
		if err != nil {
			t.Errorf("vigia serve after SIGTERM: %v\n%s", err, a.out.String())
		}
	case <-time.After(15 * time.Second):
		t.Errorf("vigia serve still running 15s after SIGTERM")
	}
}

// metric reads one series' value from the agent's own /metrics.
func (a *agent) metric(t *testing.T, series string) (float64, bool) {
	t.Helper()
	resp, err := http.Get("http://" + a.addr + "/metrics")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestRemoteWrite pushes from `vigia serve --remote-write` to a real
// Prometheus and a real VictoriaMetrics, each started once for its
// subtests: the series arrive with the agent's labels, SIGTERM pushes once
// more, and a receiver that goes away and comes back gets what the buffer
// held meanwhile while the dropped counter says what it did not.
func TestRemoteWrite(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		mk   func(*testing.T) *receiver
	}{{"prometheus", prometheusReceiver}, {"victoria-metrics", victoriaMetricsReceiver}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.mk(t)
			r.start(t)
			t.Run("labels and last push", func(t *testing.T) { testRemoteWriteArrives(t, r) })
			t.Run("receiver away and back", func(t *testing.T) { testRemoteWriteOutage(t, r) })
		})
	}
}

func testRemoteWriteArrives(t *testing.T, r *receiver) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	// A push at start and one at exit, nothing between: an hour apart.
	a := startAgent(t, "--remote-write", r.writeURL(), "--remote-write-interval", "1h")
	sel := fmt.Sprintf(`{job="vigia",instance=%q}`, host)
	waitUntil(t, 60*time.Second, "node_load1 and vigia_build_info from the agent", func() bool {
		return len(r.samples("node_load1"+sel)) > 0 && len(r.samples("vigia_build_info"+sel)) > 0
	})
	r.perGather = a.samplesPerGather(t)
	stopped := time.Now().UnixMilli()
	a.stop(t)
	waitUntil(t, 30*time.Second, "the push made at SIGTERM", func() bool {
		ts := r.samples("vigia_build_info" + sel)
		return len(ts) == 2 && ts[1] >= stopped-1000
	})
}

func testRemoteWriteOutage(t *testing.T, r *receiver) {
	dir := t.TempDir()
	// The buffer holds 12 gathers; the receiver is away for 15, and for a
	// few more while it starts and the agent's backoff (at most 5s) ends.
	if r.perGather == 0 {
		t.Skip("the first subtest did not count a gather's samples")
	}
	bound := int(12 * r.perGather)
	cfg := filepath.Join(dir, "vigia.yaml")
	instance := "outage-" + r.name
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("server:\n  remote_write:\n    - url: %s\n      interval: 1s\n      max_pending_samples: %d\n      labels: {instance: %s}\n", r.writeURL(), bound, instance)), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startAgent(t, "--config", cfg)
	sel := fmt.Sprintf(`vigia_build_info{job="vigia",instance=%q}`, instance)
	waitUntil(t, 60*time.Second, "the agent's first samples", func() bool { return len(r.samples(sel)) > 0 })

	down := time.Now().UnixMilli()
	r.stop(t)
	time.Sleep(15 * time.Second)
	r.start(t)
	up := time.Now().UnixMilli()

	url := r.writeURL()
	var dropped float64
	waitUntil(t, 90*time.Second, "the buffer to be delivered after the receiver came back", func() bool {
		pending, ok1 := a.metric(t, fmt.Sprintf(`vigia_remote_write_pending_samples{url=%q}`, url))
		last, ok2 := a.metric(t, fmt.Sprintf(`vigia_remote_write_last_success_timestamp_seconds{url=%q}`, url))
		var ok3 bool
		dropped, ok3 = a.metric(t, fmt.Sprintf(`vigia_remote_write_dropped_total{reason="buffer_full",url=%q}`, url))
		return ok1 && ok2 && ok3 && last*1000 > float64(up) && pending < float64(bound)
	})
	// Every batch stamped between the receiver's stop and its coming back
	// was in the buffer then, none delivered before.
	var during int
	var stamps []int64
	deadline := time.Now().Add(30 * time.Second)
	for during == 0 && time.Now().Before(deadline) {
		stamps = r.samples(sel)
		for _, ts := range stamps {
			if ts > down+500 && ts < up {
				during++
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if during == 0 {
		t.Fatalf("no samples stamped while the receiver was away (%d to %d); stamps held: %v", down, up, stamps)
	}
	perBatch := a.samplesPerGather(t)
	t.Logf("%s: %d gathers from the outage delivered, %g samples dropped, %g samples a gather", r.name, during, dropped, perBatch)
	if dropped < perBatch {
		t.Errorf("vigia_remote_write_dropped_total{reason=buffer_full} = %g after 15s away with a bound of %d samples (%g a gather)", dropped, bound, perBatch)
	}
	// The buffer holds at most the bound, or the newest batch alone; a
	// few series come and go between gathers, hence the slack.
	if most := int(float64(bound)/(perBatch-20)) + 1; during > most {
		t.Errorf("%d batches from the outage arrived, more than a bound of %d samples holds (%d of %g samples)", during, bound, most, perBatch)
	}
	a.stop(t)
}

// samplesPerGather counts the samples of one /metrics scrape: what one
// gather pushes.
func (a *agent) samplesPerGather(t *testing.T) float64 {
	t.Helper()
	resp, err := http.Get("http://" + a.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		if l := sc.Text(); l != "" && l[0] != '#' {
			n++
		}
	}
	return float64(n)
}

// The config's credentials and CA reach the wire: a TLS receiver signed by
// tls_ca gets the bearer token read from its file, and a stop pushes.
func TestRemoteWriteTLSAndToken(t *testing.T) {
	t.Parallel()
	got := make(chan http.Header, 16)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tok, []byte("rw-s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	coll := metrics.New(metrics.Options{Snapshot: func() []reading.Reading { return nil }, Version: "test"})
	rw, err := newRemoteWriting([]config.RemoteWrite{{URL: srv.URL + "/api/v1/write", TLSCA: ca, BearerTokenFile: tok, Interval: time.Hour}},
		coll, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	rw.start(ctx)
	h := <-got // the push at start
	waitUntil(t, 10*time.Second, "the push at start to be done", func() bool { return rw.writers[0].Stats().Sent > 0 })
	cancel()
	rw.wait()
	if a := h.Get("Authorization"); a != "Bearer rw-s3cret" {
		t.Errorf("Authorization = %q, want the token file's", a)
	}
	if n := len(got); n != 1 {
		t.Errorf("%d pushes at stop, want 1", n)
	}
}

// Bad flags and unreadable credentials stop serve before it starts, with a
// usage error that names the flag or the file's line.
func TestServeRemoteWriteUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := func(body string) string {
		p := filepath.Join(dir, fmt.Sprintf("c%d.yaml", len(body)))
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--remote-write", "ftp://x/"}, "remote_write url is not an http:// or https:// address"},
		{[]string{"--remote-write", "http://u:pw@x/w"}, "remote_write url holds a password"},
		{[]string{"--remote-write", "http://x/w", "--remote-write-interval", "10ms"}, "--remote-write-interval: 10ms is too short"},
		{[]string{"--config", cfg("server:\n  remote_write:\n    - url: http://127.0.0.1:1/w\n      interval: 0.5s\n")}, ".yaml:4: remote_write: interval"},
		{[]string{"--config", cfg("server:\n  remote_write:\n    - url: http://127.0.0.1:1/w\n      bearer_token_file: /nonexistent/token\n")}, "remote write to http://127.0.0.1:1/w: bearer_token_file: secret file"},
		{[]string{"--config", cfg("server:\n  remote_write:\n    - url: http://127.0.0.1:1/w\n      tls_ca: /nonexistent/ca.pem\n")}, "remote write to http://127.0.0.1:1/w: tls_ca:"},
	}
	for _, tt := range tests {
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
		err := runServe(t.Context(), e, append([]string{"--listen", "127.0.0.1:0", "--no-record"}, tt.args...))
		var u *usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %v = %v, want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}
