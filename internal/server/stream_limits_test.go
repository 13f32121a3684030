package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// A client is dropped when its queued bytes would pass its budget, whatever
// the count of messages; a frame larger than the budget still goes to a
// client with nothing queued.
func TestClientByteBudget(t *testing.T) {
	t.Parallel()
	frameOf := func(n int) *frame { return &frame{full: make([]byte, n)} }
	tests := []struct {
		name   string
		budget int64
		sizes  []int
		want   []bool
	}{
		{"within budget", 100, []int{40, 40, 20}, []bool{true, true, true}},
		{"one byte over", 100, []int{40, 40, 21}, []bool{true, true, false}},
		{"a big frame alone is sent", 100, []int{500}, []bool{true}},
		{"a big frame after another is not", 100, []int{10, 500}, []bool{true, false}},
		{"message buffer full", 1 << 20, []int{1, 1, 1, 1, 1}, []bool{true, true, true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &client{ch: make(chan *frame, 4), budget: tt.budget, kicked: make(chan struct{})}
			var got []bool
			for _, n := range tt.sizes {
				got = append(got, c.offer(frameOf(n)))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("offers of %v to a %d-byte budget = %v, want %v", tt.sizes, tt.budget, got, tt.want)
			}
		})
	}
}

// A thousand stream clients that connect and never read: all but
// DefaultMaxStreamClients are refused with 503, /healthz stays fast, and
// the heap grows by at most 64 MiB. The test is not parallel: it measures
// this process's heap, which other tests would share.
func TestStreamThousandStalledClients(t *testing.T) {
	const (
		clients  = 1000
		maxHeap  = 64 << 20
		maxProbe = 50 * time.Millisecond
		maxWorst = time.Second
		loadFor  = 3 * time.Second
	)
	s, ch := newTestServer(t, nil)
	url, _ := serve(t, s)
	addr := strings.TrimPrefix(url, "http://")
	probe := &http.Client{Timeout: 5 * time.Second}
	healthz := func() time.Duration {
		t0 := time.Now()
		resp, err := probe.Get(url + "/healthz")
		if err != nil {
			t.Errorf("/healthz: %v", err)
			return 5 * time.Second
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(t0)
	}
	healthz() // the probe's connection is not part of the cost

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	conns := make([]net.Conn, 0, clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.(*net.TCPConn).SetReadBuffer(4 << 10) // a small window fills at once
		fmt.Fprintf(c, "GET /api/v1/stream?processes=true HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		conns = append(conns, c)
	}
	refused := uint64(clients - DefaultMaxStreamClients)
	waitFor(t, func() bool {
		st := s.hub.stats()
		return st.Clients == DefaultMaxStreamClients && st.ClientsRefused == refused
	}, "the first clients connected and the rest refused")

	// Events with a big process table twenty times a second (an agent
	// makes one a second), while /healthz is probed every 20 ms.
	big := bigProcesses(1500)
	var lat []time.Duration
	peak := before.HeapInuse
	probed := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(probed)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				lat = append(lat, healthz())
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	start := time.Now()
	for i := 0; time.Since(start) < loadFor; i++ {
		r := reading.Reading{Sensor: reading.SensorProcesses, Time: t0.Add(time.Duration(i) * time.Second), Processes: big}
		select {
		case ch <- r:
		case <-time.After(5 * time.Second):
			t.Fatalf("the hub blocked the sender at event %d", i)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	<-probed
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	st := s.hub.stats()
	if st.ClientsRefused != refused {
		t.Errorf("refused %d clients, want %d", st.ClientsRefused, refused)
	}
	slices.Sort(lat)
	// The one slow probe on a loaded machine is the instant the 256 stalled
	// clients are dropped together and their goroutines all wake: the 90th
	// percentile must stay under maxProbe, the worst under maxWorst, a gross
	// bound for a machine busy with other work (every probe took
	// 0.5 s before the byte budget and the client cap).
	if p90 := lat[len(lat)*9/10]; p90 > maxProbe && !raceEnabled {
		t.Errorf("/healthz p90 %v under load (p50 %v), want under %v", p90, lat[len(lat)/2], maxProbe)
	}
	if worst := lat[len(lat)-1]; worst > maxWorst && !raceEnabled {
		t.Errorf("/healthz took up to %v under load, want under %v", worst, maxWorst)
	}
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grown > maxHeap {
		t.Errorf("live heap grew by %d MiB with %d stalled clients, want at most %d MiB", grown>>20, clients, maxHeap>>20)
	}
	t.Logf("%d stalled clients: %d connected, %d refused, %d dropped as slow; /healthz p50 %v p90 %v max %v over %d probes; "+
		"live heap +%.1f MiB, peak heap in use +%.1f MiB",
		clients, st.Clients, st.ClientsRefused, st.ClientsDropped, lat[len(lat)/2], lat[len(lat)*9/10], lat[len(lat)-1], len(lat),
		float64(grown)/(1<<20), float64(int64(peak)-int64(before.HeapInuse))/(1<<20))
}

// Refusals are counted one by one but logged at most once a minute, with
// how many there were since the last line.
func TestStreamRefusalLogIsRateLimited(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	h := newHub(make(chan reading.Reading), 1, 1, slog.New(slog.NewTextHandler(&log, nil)))
	newClient := func() *client { return &client{ch: make(chan *frame, 1), kicked: make(chan struct{})} }
	if _, err := h.add(newClient(), false, 0, t0); err != nil {
		t.Fatalf("first client: %v", err)
	}
	at := []time.Duration{0, time.Second, 30 * time.Second, time.Minute, time.Minute + time.Second}
	for _, d := range at {
		if _, err := h.add(newClient(), false, 0, t0.Add(d)); !errors.Is(err, errStreamFull) {
			t.Fatalf("client at +%v: %v, want %v", d, err, errStreamFull)
		}
	}
	if got := h.stats().ClientsRefused; got != uint64(len(at)) {
		t.Errorf("refused = %d, want %d", got, len(at))
	}
	var counts []string
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		_, after, _ := strings.Cut(line, "refused=")
		n, _, _ := strings.Cut(after, " ")
		counts = append(counts, n)
	}
	// One line at once for the first, one a minute later for the three
	// since; the last waits for the next minute.
	if want := []string{"1", "3"}; !slices.Equal(counts, want) {
		t.Errorf("logged refusal counts %q, want %q; log:\n%s", counts, want, log.String())
	}
}
