package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// bigProcesses makes a process table whose JSON is a few hundred KiB, so a
// client that stops reading fills its socket quickly.
func bigProcesses(n int) []reading.Process {
	ps := make([]reading.Process, n)
	for i := range ps {
		ps[i] = reading.Process{PID: int32(i + 1), Comm: "worker", User: "nobody", State: "S",
			Cmdline: "/usr/bin/worker --queue=" + strings.Repeat("x", 120), RSS: uint64(i) << 12}
	}
	return ps
}

// 200 concurrent clients, 50 of which stop reading: the 150 others receive
// every event, the stalled ones are dropped, and the hub never blocks the
// sender.
func TestStreamSlowClientsAreDropped(t *testing.T) {
	t.Parallel()
	const (
		readers = 150
		stalled = 50
		events  = 120
	)
	s, ch := newTestServer(t, func(o *Options) { o.ClientBuffer = 16 })
	url, _ := serve(t, s)
	addr := strings.TrimPrefix(url, "http://")

	// Stalled clients ask for the process table and never read a byte.
	var conns []net.Conn
	for range stalled {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// A small receive window makes the socket fill sooner.
		c.(*net.TCPConn).SetReadBuffer(4 << 10)
		fmt.Fprintf(c, "GET /api/v1/stream?processes=true HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()

	var got atomic.Int64
	var wg sync.WaitGroup
	ready := make(chan struct{}, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(url + "/api/v1/stream?sensor=cpu,processes")
			if err != nil {
				t.Error(err)
				ready <- struct{}{}
				return
			}
			defer resp.Body.Close()
			ready <- struct{}{}
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			n := 0
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: reading") {
					n++
					got.Add(1)
					if n == events {
						return
					}
				}
			}
		}()
	}
	for range readers {
		<-ready
	}
	waitFor(t, func() bool { return s.hub.stats().Clients == readers+stalled }, "all clients connected")

	big := bigProcesses(1500)
	start := time.Now()
	for i := range events {
		r := reading.Reading{Sensor: reading.SensorProcesses, Time: t0.Add(time.Duration(i) * time.Second), Processes: big}
		select {
		case ch <- r:
		case <-time.After(5 * time.Second):
			t.Fatalf("the hub blocked the sender at event %d", i)
		}
		time.Sleep(10 * time.Millisecond) // about the pace a reader on a busy machine keeps up with
	}
	sendTime := time.Since(start)
	wg.Wait()
	if want := int64(readers * events); got.Load() != want {
		t.Errorf("readers received %d events, want %d", got.Load(), want)
	}
	t.Logf("stats %+v", s.hub.stats())
	waitFor(t, func() bool { return s.hub.stats().ClientsDropped >= stalled }, "stalled clients dropped")
	if d := s.hub.stats().ClientsDropped; d != stalled {
		t.Errorf("dropped %d clients, want exactly the %d stalled ones", d, stalled)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	// Frames are shared: 200 clients cost their buffers' pointers, not
	// 200 copies of each event.
	if ms.HeapAlloc > 256<<20 {
		t.Errorf("heap after the test = %d MiB, want it bounded", ms.HeapAlloc>>20)
	}
	t.Logf("sent %d events in %v; heap %d MiB", events, sendTime, ms.HeapAlloc>>20)
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// With nobody listening the hub reads on (the engine is never blocked) but
// encodes nothing.
func TestStreamIdleSkipsEncoding(t *testing.T) {
	t.Parallel()
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)
	for range 5 {
		select {
		case ch <- reading.Reading{Sensor: reading.SensorProcesses, Processes: bigProcesses(100)}:
		case <-time.After(5 * time.Second):
			t.Fatal("the hub stopped reading with no clients")
		}
	}
	if n := s.hub.stats().Events; n != 0 {
		t.Errorf("encoded %d events with no client", n)
	}
	resp, err := http.Get(url + "/api/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	waitFor(t, func() bool { return s.hub.stats().Clients == 1 }, "the client")
	ch <- reading.Reading{Sensor: reading.SensorCPU}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() == "event: reading" {
			return
		}
	}
	t.Fatal("the client got no event")
}
