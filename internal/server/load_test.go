package server

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The load tests measure a running agent (docs/PERFORMANCE.md has the
// commands); they are skipped unless -load is given.
var (
	loadURL      = flag.String("load", "", "URL to load (e.g. http://127.0.0.1:8519/api/v1/snapshot); empty skips the load tests")
	loadConns    = flag.Int("load-conns", 16, "concurrent keep-alive connections")
	loadDuration = flag.Duration("load-duration", 10*time.Second, "how long to load")
	loadSSE      = flag.Int("load-sse", 0, "instead of requests, hold this many event-stream clients open")
	loadPID      = flag.Int("load-pid", 0, "PID of the agent, to measure its CPU while loaded")
	loadStall    = flag.Int("load-stall", 0, "instead of requests, open this many event-stream clients that never read")
)

func TestLoadRequests(t *testing.T) {
	if *loadURL == "" || *loadSSE > 0 {
		t.Skip("load test: give -load URL (see docs/PERFORMANCE.md)")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *loadConns, MaxConnsPerHost: *loadConns}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), *loadDuration)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var bytesRead atomic.Int64
	cpu0 := cpuTicks(t, *loadPID)
	start := time.Now()
	var wg sync.WaitGroup
	for range *loadConns {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil {
				t0 := time.Now()
				resp, err := client.Get(*loadURL)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs.Add(1)
					continue
				}
				bytesRead.Add(n)
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1 := cpuTicks(t, *loadPID)
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatalf("no successful request; %d errors", errs.Load())
	}
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	fmt.Printf("%d requests in %v over %d connections: %.0f req/s, p50 %v, p90 %v, p99 %v, max %v, %d errors, %.1f KiB per answer\n",
		len(lat), elapsed.Round(time.Millisecond), *loadConns, float64(len(lat))/elapsed.Seconds(),
		q(0.5).Round(time.Microsecond), q(0.9).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond),
		errs.Load(), float64(bytesRead.Load())/float64(len(lat))/1024)
	if *loadPID > 0 {
		fmt.Printf("agent CPU: %.1f %% of one core, %.0f µs per request\n",
			100*(cpu1-cpu0)/elapsed.Seconds(), 1e6*(cpu1-cpu0)/float64(len(lat)))
	}
}

func TestLoadStreams(t *testing.T) {
	if *loadURL == "" || *loadSSE == 0 {
		t.Skip("stream load test: give -load URL -load-sse N (see docs/PERFORMANCE.md)")
	}
	tr := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: *loadSSE}
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var events, open atomic.Int64
	var wg sync.WaitGroup
	for range *loadSSE {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", *loadURL, nil)
			resp, err := client.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			open.Add(1)
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 4<<20)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: ") {
					events.Add(1)
				}
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for open.Load() < int64(*loadSSE) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // let connection set-up settle
	e0, cpu0, start := events.Load(), cpuTicks(t, *loadPID), time.Now()
	time.Sleep(*loadDuration)
	e1, cpu1, elapsed := events.Load(), cpuTicks(t, *loadPID), time.Since(start)
	cancel()
	wg.Wait()
	fmt.Printf("%d stream clients open for %v: %.0f events/s delivered in all (%.2f per client per second)\n",
		open.Load(), elapsed.Round(time.Millisecond), float64(e1-e0)/elapsed.Seconds(), float64(e1-e0)/elapsed.Seconds()/float64(open.Load()))
	if *loadPID > 0 {
		fmt.Printf("agent CPU: %.1f %% of one core\n", 100*(cpu1-cpu0)/elapsed.Seconds())
	}
}

// TestLoadStalled opens -load-stall event-stream clients that never read a
// byte and probes /healthz while they hang on; it prints how many were
// refused and the agent's resident memory (bench/stream-stalled.sh).
func TestLoadStalled(t *testing.T) {
	if *loadURL == "" || *loadStall == 0 {
		t.Skip("stalled-client load test: give -load URL -load-stall N (see bench/stream-stalled.sh)")
	}
	u, err := url.Parse(*loadURL)
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	refused := 0
	for range *loadStall {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatalf("after %d clients: %v", len(conns), err)
		}
		c.(*net.TCPConn).SetReadBuffer(4 << 10)
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
		conns = append(conns, c)
	}
	// A refused client has its 503 waiting; a served one its 200 and then
	// nothing read: peek at the status line only.
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, _ := bufio.NewReaderSize(c, 64).ReadString('\n')
		if strings.Contains(line, " 503 ") {
			refused++
		}
	}
	probe := &http.Client{Timeout: 5 * time.Second}
	var lat []time.Duration
	rss0 := rssKiB(t, *loadPID)
	for start := time.Now(); time.Since(start) < *loadDuration; time.Sleep(100 * time.Millisecond) {
		t0 := time.Now()
		resp, err := probe.Get("http://" + u.Host + "/healthz")
		if err != nil {
			t.Fatalf("/healthz: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	fmt.Printf("%d stalled stream clients, %d refused; /healthz over %v: p50 %v, p90 %v, max %v",
		len(conns), refused, *loadDuration, lat[len(lat)/2].Round(time.Microsecond),
		lat[len(lat)*9/10].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	if *loadPID > 0 {
		fmt.Printf("; agent RSS %.1f MiB after the clients connected, %.1f MiB at the end",
			float64(rss0)/1024, float64(rssKiB(t, *loadPID))/1024)
	}
	fmt.Println()
}

// agentFile returns the agent's /proc/PID/name.
func agentFile(t *testing.T, pid int, name string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + name)
	if err != nil {
		t.Fatalf("agent PID %d: %v", pid, err)
	}
	return string(b)
}

// rssKiB returns the resident set of a process in KiB, 0 without one.
func rssKiB(t *testing.T, pid int) int {
	if pid <= 0 {
		return 0
	}
	for _, line := range strings.Split(agentFile(t, pid, "status"), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// cpuTicks returns the user+system seconds of a process, 0 without one.
func cpuTicks(t *testing.T, pid int) float64 {
	if pid <= 0 {
		return 0
	}
	s := agentFile(t, pid, "stat")
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}
