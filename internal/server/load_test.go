package server

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
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

// cpuTicks returns the user+system seconds of a process, 0 without one.
func cpuTicks(t *testing.T, pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatalf("agent PID %d: %v", pid, err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}
