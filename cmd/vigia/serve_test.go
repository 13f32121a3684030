package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	for range 1000 {
		port := 20000 + rand.IntN(12000)
		if _, taken := handedOut.LoadOrStore(port, true); taken {
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	t.Fatal("no free loopback port between 20000 and 32000")
	return ""
}

// handedOut are the ports freeAddr gave this test binary: each only once.
// They are drawn below the kernel's ephemeral range (32768 and up), which
// every outgoing connection of the parallel tests also draws from: a port
// the kernel hands to ":0" is soon handed again, and a server started on
// it a moment later (Prometheus, node_exporter) finds it taken.
var handedOut sync.Map

// startServe runs `vigia serve` in-process on a free loopback port until the
// test ends, and waits until /readyz answers 200.
func startServe(t *testing.T, extra ...string) (base string, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr, getenv: func(k string) string {
		if k == "HOME" {
			return t.TempDir()
		}
		return ""
	}}
	args := append([]string{"--listen", addr, "--interval", "500ms"}, extra...)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, e, args) }()
	var stopped bool
	var stopErr error
	stop = func() error {
		if stopped {
			return stopErr
		}
		stopped = true
		cancel()
		select {
		case stopErr = <-done:
		case <-time.After(5 * time.Second):
			stopErr = errors.New("serve did not stop within 5s")
		}
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base = "http://" + addr
	// Ready means every sensor has delivered a reading. The wait is long
	// because under the race detector on a loaded machine a sensor's first
	// reading can take many seconds; the answer says which ones are late.
	const wait = 45 * time.Second
	deadline := time.Now().Add(wait)
	for {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		default:
		}
		resp, err := http.Get(base + "/readyz")
		last := ""
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, stop
			}
			last = resp.Status + " " + string(body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after %v: %v %s", wait, err, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer the serving goroutine writes while the test
// may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func fetch(t *testing.T, target string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestServeOnThisMachine(t *testing.T) {
	t.Parallel()
	base, stop := startServe(t)
	code, body := fetch(t, base+"/api/v1/snapshot")
	if code != 200 {
		t.Fatalf("snapshot = %d: %s", code, body)
	}
	var snap struct {
		Readings []struct {
			Sensor  string `json:"sensor"`
			Error   string `json:"error"`
			Metrics []struct {
				Name  string  `json:"name"`
				Value float64 `json:"value"`
			} `json:"metrics"`
		} `json:"readings"`
	}
	if err := json.Unmarshal(body, &snap); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range snap.Readings {
		seen[r.Sensor] = true
	}
	for _, s := range []string{"cpu", "memory", "load", "disk", "network", "processes"} {
		if !seen[s] {
			t.Errorf("snapshot lacks sensor %s", s)
		}
	}
	code, body = fetch(t, base+"/api/v1/processes?sort=pid&limit=5")
	if code != 200 || !strings.Contains(string(body), `"pid":1,`) {
		t.Errorf("processes sorted by PID = %d, want PID 1 first: %.300s", code, body)
	}
	code, body = fetch(t, base+"/api/v1/processes/"+strconv.Itoa(os.Getpid()))
	// Without a token, the fields only a process's owner may read are
	// withheld.
	if code != 200 || !strings.Contains(string(body), `"needs_token":["exe",`) || strings.Contains(string(body), `"exe":`) {
		t.Errorf("detail of this process = %d, want exe withheld: %.300s", code, body)
	}
	code, _ = fetch(t, base+"/api/v1/processes/2147483647")
	if code != 404 {
		t.Errorf("detail of a missing process = %d, want 404", code)
	}
	code, body = fetch(t, base+"/api/v1/history/cpu/cpu.usage?since=1m")
	if code != 200 || !strings.Contains(string(body), `"points":[{`) {
		t.Errorf("history = %d: %.300s", code, body)
	}
	code, body = fetch(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{"node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", "node_memory_MemTotal_bytes ", "node_load1 ", `vigia_sensor_up{sensor="cpu"} 1`, "vigia_readings_total "} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil {
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				// node_exporter's meminfo, netstat and sockstat names keep
				// the kernel's case, and its entropy names count bits;
				// promtool remarks on both.
				kernelCase := strings.HasPrefix(line, "node_memory_") || strings.HasPrefix(line, "node_netstat_") || strings.HasPrefix(line, "node_sockstat_")
				if !(kernelCase && strings.Contains(line, "camelCase")) &&
					!(strings.HasPrefix(line, "node_entropy_") && strings.Contains(line, `instead of "bits"`)) {
					t.Errorf("promtool check metrics: %s", line)
				}
			}
		}
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

func TestServeRefusesOffLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }}
	err := runServe(t.Context(), e, []string{"--listen", "0.0.0.0:0"})
	var u *usageError
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "--token-file") || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("serve --listen 0.0.0.0:0 = %v, want a usage error naming --token-file", err)
	}
}

func TestServeWithToken(t *testing.T) {
	t.Parallel()
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("correct-horse-battery-staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, e, []string{"--listen", addr, "--token-file", tok, "--open-metrics", "--sensors", "cpu"})
	}()
	base := "http://" + addr
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if resp, err = http.Get(base + "/api/v1/status"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("status without token = %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/status", nil)
	req.Header.Set("Authorization", "Bearer correct-horse-battery-staple")
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("status with token: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
	if code, _ := fetch(t, base+"/metrics"); code != 200 {
		t.Errorf("/metrics with --open-metrics = %d, want 200", code)
	}
	// With the token, the detail has what only the owner may read.
	req, _ = http.NewRequest("GET", base+"/api/v1/processes/"+strconv.Itoa(os.Getpid()), nil)
	req.Header.Set("Authorization", "Bearer correct-horse-battery-staple")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"exe":`) || strings.Contains(string(b), "needs_token") {
		t.Errorf("detail of this process with the token = %d: %.300s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// promSample is one line of the text exposition format.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

type promFamily struct {
	help, typ string
	samples   []promSample
}

// parseExposition reads the Prometheus text format well enough to compare
// two exporters: HELP, TYPE and samples with quoted label values.
func parseExposition(t *testing.T, body []byte) map[string]*promFamily {
	t.Helper()
	fams := map[string]*promFamily{}
	fam := func(name string) *promFamily {
		f := fams[name]
		if f == nil {
			f = &promFamily{}
			fams[name] = f
		}
		return f
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
			name, help, _ := strings.Cut(line[7:], " ")
			fam(name).help = help
		case strings.HasPrefix(line, "# TYPE "):
			name, typ, _ := strings.Cut(line[7:], " ")
			fam(name).typ = typ
		case line == "" || line[0] == '#':
		default:
			s := promSample{labels: map[string]string{}}
			rest := line
			if i := strings.IndexAny(line, "{ "); i >= 0 && line[i] == '{' {
				s.name = line[:i]
				rest = line[i+1:]
				for !strings.HasPrefix(rest, "}") {
					k, v, ok := strings.Cut(rest, "=\"")
					if !ok {
						t.Fatalf("bad sample line %q", line)
					}
					var val strings.Builder
					j := 0
					for ; j < len(v) && v[j] != '"'; j++ {
						if v[j] == '\\' && j+1 < len(v) {
							j++
						}
						val.WriteByte(v[j])
					}
					s.labels[strings.TrimPrefix(k, ",")] = val.String()
					rest = v[j+1:]
					rest = strings.TrimPrefix(rest, ",")
				}
				rest = strings.TrimSpace(rest[1:])
			} else {
				s.name, rest, _ = strings.Cut(line, " ")
			}
			valStr, _, _ := strings.Cut(rest, " ")
			v, err := strconv.ParseFloat(valStr, 64)
			if err != nil {
				t.Fatalf("bad value in %q: %v", line, err)
			}
			s.value = v
			base := s.name
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if _, ok := fams[base]; !ok && strings.HasSuffix(base, suf) {
					base = strings.TrimSuffix(base, suf)
				}
			}
			fam(base).samples = append(fam(base).samples, s)
		}
	}
	return fams
}

func labelKey(l map[string]string) string {
	b, _ := json.Marshal(l) // sorted keys
	return string(b)
}

// startProcess starts a helper binary and stops it, by its PID, when the
// test ends.
func startProcess(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), lastBytes(out.Bytes(), 3000))
		}
	})
	return cmd
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestPrometheusScrapesAgent runs a real Prometheus against the agent and
// asks its query API for a vigia series and a node_exporter-named one.
func TestPrometheusScrapesAgent(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian package prometheus)")
	}
	base, _ := startServe(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	target := strings.TrimPrefix(base, "http://")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: vigia\n    static_configs:\n      - targets: ['%s']\n", target)), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	startProcess(t, bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	query := func(q string) (float64, bool) {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, false
		}
		defer resp.Body.Close()
		var ans struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&ans) != nil || ans.Status != "success" || len(ans.Data.Result) == 0 {
			return 0, false
		}
		s, _ := ans.Data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	var up, memTotal, cpuRate, sensorUp float64
	waitUntil(t, 60*time.Second, "Prometheus to scrape vigia six times", func() bool {
		n, ok := query(`count_over_time(vigia_readings_total{job="vigia"}[1m])`)
		return ok && n >= 8
	})
	var ok1, ok2, ok3, ok4 bool
	up, ok1 = query(`up{job="vigia"}`)
	memTotal, ok2 = query(`node_memory_MemTotal_bytes{job="vigia"}`)
	sensorUp, ok3 = query(`vigia_sensor_up{job="vigia",sensor="cpu"}`)
	// The window must lie inside the data, or rate() divides a partial
	// increase by the whole window.
	cpuRate, ok4 = query(`sum(rate(node_cpu_seconds_total{job="vigia"}[5s]))`)
	if !ok1 || !ok2 || !ok3 || !ok4 || up != 1 {
		t.Fatalf("Prometheus answers: up %v (%g), MemTotal %v, sensor_up %v, cpu rate %v", ok1, up, ok2, ok3, ok4)
	}
	if want := memTotalBytes(t); memTotal != want {
		t.Errorf("node_memory_MemTotal_bytes in Prometheus = %g, /proc/meminfo says %g", memTotal, want)
	}
	if sensorUp != 1 {
		t.Errorf("vigia_sensor_up{sensor=cpu} = %g, want 1", sensorUp)
	}
	// All CPUs together spend one second per second per CPU.
	if n := float64(nproc(t)); cpuRate < 0.5*n || cpuRate > 1.5*n {
		t.Errorf("rate of node_cpu_seconds_total over all modes = %g, want about %g (CPUs)", cpuRate, n)
	}
}

func memTotalBytes(t *testing.T) float64 {
	t.Helper()
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	t.Fatal("no MemTotal in /proc/meminfo")
	return 0
}

// The config file's server section is merged with flags before the auth
// check: an address off loopback in the file needs a token from somewhere.
func TestServeConfigListenOffLoopback(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfg, []byte("server:\n  listen: 0.0.0.0:0\n  top_processes: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	err := runServe(t.Context(), e, []string{"--config", cfg})
	if err == nil || !strings.Contains(err.Error(), "0.0.0.0:0") || !strings.Contains(err.Error(), "--token-file") {
		t.Errorf("serve with listen 0.0.0.0:0 in the file = %v, want a refusal naming --token-file", err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("server:\n  top_processes: 9999\n"), 0o600)
	err = runServe(t.Context(), e, []string{"--config", bad})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:2:") {
		t.Errorf("serve with a bad server section = %v, want an error naming bad.yaml:2", err)
	}
}

func TestServeHelpAndUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, ""},
		{[]string{"extra"}, `serve takes no arguments, got "extra"`},
		{[]string{"--listen", "nowhere"}, `--listen: listen address "nowhere" is not host:port`},
		{[]string{"--max-stream-clients", "-3"}, "--max-stream-clients -3: from 1 to 65536"},
		{[]string{"--top-processes", "501"}, "--top-processes 501: want 0 to 500"},
		{[]string{"--top-processes", "-1"}, "--top-processes -1: want 0 to 500"},
		{[]string{"--token-file", "/nonexistent/token"}, "--token-file: token file"},
		{[]string{"--tls-cert", "/nonexistent/cert.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"--allowed-host", "vigia.lan:8519"}, `allowed host "vigia.lan:8519" is not a bare host name`},
		{[]string{"--disk-exclude", "^(loop"}, "--disk-exclude: error parsing regexp: missing closing )"},
		{[]string{"--fs-type-exclude", "["}, "--fs-type-exclude: error parsing regexp"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, getenv: func(string) string { return "" }}
		err := runServe(t.Context(), e, tt.args)
		if tt.want == "" {
			if !errors.Is(err, errHelp) || !strings.Contains(out.String(), "vigia serve —") || !strings.Contains(out.String(), "-token-file") {
				t.Errorf("serve %v = %v, printed %.200q", tt.args, err, out.String())
			}
			continue
		}
		var u *usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("serve %v = %v, want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestServeWarnsInsecureNoAuth(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr, getenv: func(string) string { return "" }}
	addr := freeAddr(t)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, e, []string{"--listen", addr, "--insecure-no-auth", "--no-record", "--sensors", "cpu"})
	}()
	want := "warning: --insecure-no-auth: anyone who can reach " + addr
	for i := 0; !strings.Contains(stderr.String(), want); i++ {
		if i == 200 {
			t.Fatalf("serve --insecure-no-auth said %q, want a line with %q", stderr.String(), want)
		}
		time.Sleep(25 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// TestServeBindsFirst runs the built binary on a port that is taken: it
// must exit 1 saying so, without announcing itself or creating its
// database.
func TestServeBindsFirst(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	db := filepath.Join(t.TempDir(), "vigia.db")
	addr := taken.Addr().String()
	_, errOut, code := vigia(t, nil, "serve", "--listen", addr, "--db", db)
	want := "vigia: cannot listen on " + addr + ": address already in use"
	if code != exitFailure || !strings.Contains(errOut, want) {
		t.Errorf("serve on a taken port: exit %d, stderr %q, want exit 1 and %q", code, errOut, want)
	}
	if strings.Contains(errOut, "serving on") {
		t.Errorf("serve announced itself on a port it could not bind:\n%s", errOut)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve on a taken port left its database: %v", err)
	}
}

// TestServeAnnouncesBoundAddress runs the built binary on port 0: the
// address it prints is the one that answers.
func TestServeAnnouncesBoundAddress(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(vigiaBin, "serve", "--listen", "127.0.0.1:0", "--no-record", "--sensors", "cpu")
	cmd.Env = []string{"HOME=" + t.TempDir(), "LANG=C"}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	announced := regexp.MustCompile(`serving on (http://127\.0\.0\.1:(\d+))/`)
	lines := bufio.NewScanner(stderr)
	var base string
	for base == "" && lines.Scan() {
		if m := announced.FindStringSubmatch(lines.Text()); m != nil {
			if m[2] == "0" {
				t.Fatalf("serve announced port 0: %s", lines.Text())
			}
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve never said where it serves: %v", lines.Err())
	}
	go io.Copy(io.Discard, stderr)
	if code, body := fetch(t, base+"/healthz"); code != 200 {
		t.Errorf("GET %s/healthz = %d %s, want 200", base, code, body)
	}
}
