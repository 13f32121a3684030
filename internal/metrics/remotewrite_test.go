package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/snappy"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	const lo, hi = 500 * time.Millisecond, 30 * time.Second // not the defaults: a longer doubling
	tests := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 250 * time.Millisecond},
		{1, 0.999999999, 500 * time.Millisecond},
		{2, 0, 500 * time.Millisecond},
		{3, 0.5, 1500 * time.Millisecond},
		{7, 0, 15 * time.Second}, // 32s, capped at 30s, halved
		{7, 0.999999999, 30 * time.Second},
		{1000, 0.5, 22500 * time.Millisecond},
	}
	for _, tt := range tests {
		got := Backoff(tt.attempt, lo, hi, tt.jitter)
		if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("Backoff(%d, %v, %v, %v) = %v, want %v", tt.attempt, lo, hi, tt.jitter, got, tt.want)
		}
	}
}

func testWriter(t *testing.T, opts RemoteWriteOptions) *RemoteWriter {
	t.Helper()
	c := New(Options{Snapshot: func() []reading.Reading { return nil }, Version: "1.2.3"})
	if opts.URL == "" {
		opts.URL = "http://user:secret@receiver.test/api/v1/write?token=x"
	}
	w, err := NewRemoteWriter(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// The buffer drops the oldest batches past its bound, never the newest,
// and says how many samples went.
func TestRemoteWriteBufferDropsOldest(t *testing.T) {
	t.Parallel()
	w := testWriter(t, RemoteWriteOptions{MaxPendingSamples: 10})
	for i, n := range []int{4, 4, 4, 20, 1} {
		w.enqueue(batch{payload: []byte{byte(i)}, samples: n})
	}
	var left []byte
	for _, b := range w.pending {
		left = append(left, b.payload[0])
	}
	// 4+4+4 > 10 drops the first; the 20 alone exceeds the bound and is
	// kept until a newer batch comes, when it goes too.
	if diff := cmp.Diff([]byte{4}, left); diff != "" {
		t.Errorf("pending batches mismatch (-want +got):\n%s", diff)
	}
	st := w.Stats()
	if st.Pending != 1 || st.Dropped[dropBufferFull] != 32 || st.Dropped[dropRejected] != 0 {
		t.Errorf("stats = %+v, want 1 pending, 32 dropped as buffer_full", st)
	}
	if st.URL != "http://receiver.test/api/v1/write" {
		t.Errorf("url label = %q, want it without credentials or query", st.URL)
	}
}

// fakeReceiver answers remote-write requests from a script of statuses
// (0 is a network error); past the script it accepts.
type fakeReceiver struct {
	mu       sync.Mutex
	script   []int
	requests []*http.Request
	accepted [][]decodedSeries
}

func (f *fakeReceiver) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	status := http.StatusNoContent
	if len(f.script) > 0 {
		status, f.script = f.script[0], f.script[1:]
	}
	if status == 0 {
		return nil, errors.New("connection refused by user:secret")
	}
	if status/100 == 2 {
		raw, err := snappy.Decode(nil, body)
		if err != nil {
			return nil, err
		}
		series, err := decodeWriteRequest(raw)
		if err != nil {
			return nil, err
		}
		f.accepted = append(f.accepted, series)
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Body: io.NopCloser(strings.NewReader("no: secret")), Request: req}, nil
}

func (f *fakeReceiver) counts() (requests, accepted int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests), len(f.accepted)
}

// A receiver that fails (network error, 503, 429) is retried with backoff
// and gets every batch, oldest first; a 400 drops that batch alone; a stop
// pushes once more.
func TestRemoteWriteRetriesAndFlushes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := &fakeReceiver{script: []int{0, 503, 429, 204, 400}}
		var logs strings.Builder
		var logMu sync.Mutex
		w := testWriter(t, RemoteWriteOptions{
			Interval: 15 * time.Second,
			Client:   &http.Client{Transport: rcv},
			Labels:   map[string]string{"job": "vigia", "instance": "box"},
			Jitter:   func() float64 { return 0 },
			Redact:   func(s string) string { return strings.ReplaceAll(s, "secret", "[redacted]") },
			Logger:   newLogger(&logMu, &logs),
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()

		// t=0: gather #1, network error; retry at 250ms: 503; at +500ms: 429;
		// at +1s: accepted.
		synctest.Wait()
		if n, _ := rcv.counts(); n != 1 {
			t.Fatalf("requests at start = %d, want 1", n)
		}
		time.Sleep(250 * time.Millisecond)
		synctest.Wait()
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		if n, a := rcv.counts(); n != 3 || a != 0 {
			t.Fatalf("after 750ms: %d requests, %d accepted; want 3, 0", n, a)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if n, a := rcv.counts(); n != 4 || a != 1 {
			t.Fatalf("after 1.75s: %d requests, %d accepted; want 4, 1", n, a)
		}
		// t=15s: gather #2 refused with 400: dropped, not retried.
		time.Sleep(15*time.Second - 1750*time.Millisecond)
		synctest.Wait()
		st := w.Stats()
		if n, _ := rcv.counts(); n != 5 || st.Pending != 0 || st.Dropped[dropRejected] == 0 || st.Failed != 4 {
			t.Fatalf("after the 400: %d requests, stats %+v; want 5 requests, nothing pending, a rejected batch, 4 failures", n, st)
		}
		// t=30s: gather #3 accepted; then a stop pushes gather #4.
		time.Sleep(15 * time.Second)
		synctest.Wait()
		cancel()
		<-done
		n, a := rcv.counts()
		if n != 7 || a != 3 {
			t.Fatalf("after stop: %d requests, %d accepted; want 7, 3", n, a)
		}
		st = w.Stats()
		if st.Pending != 0 || st.LastSuccess.IsZero() || st.Sent == 0 {
			t.Errorf("stats after stop = %+v", st)
		}

		req := rcv.requests[0]
		for k, want := range map[string]string{"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0"} {
			if got := req.Header.Get(k); got != want {
				t.Errorf("header %s = %q, want %q", k, got, want)
			}
		}
		if !hasSeries(rcv.accepted[0], "__name__=vigia_build_info", "date=", "instance=box", "job=vigia", "revision=", "version=1.2.3") {
			t.Errorf("first accepted batch has no vigia_build_info with the agent's labels: %v", rcv.accepted[0])
		}
		// Batches arrive in the order they were gathered.
		for i := 1; i < len(rcv.accepted); i++ {
			if rcv.accepted[i][0].TS <= rcv.accepted[i-1][0].TS {
				t.Errorf("batch %d stamped %d, not after batch %d (%d)", i, rcv.accepted[i][0].TS, i-1, rcv.accepted[i-1][0].TS)
			}
		}
		logMu.Lock()
		defer logMu.Unlock()
		if strings.Contains(logs.String(), "secret") || strings.Contains(logs.String(), "token=x") || !strings.Contains(logs.String(), "400") {
			t.Errorf("logs show a secret or miss the refusal:\n%s", logs.String())
		}
	})
}

// The writer's own series say what it did, by URL without credentials.
func TestRemoteWriteSeries(t *testing.T) {
	t.Parallel()
	w := testWriter(t, RemoteWriteOptions{MaxPendingSamples: 1})
	w.enqueue(batch{payload: []byte{1}, samples: 5})
	w.enqueue(batch{payload: []byte{2}, samples: 7})
	fams, err := w.c.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := writeRequest(nil, fams, nil, 0)
	got, err := decodeWriteRequest(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]string{
		{"__name__=vigia_remote_write_dropped_total", "reason=buffer_full", "url=http://receiver.test/api/v1/write"},
		{"__name__=vigia_remote_write_pending_samples", "url=http://receiver.test/api/v1/write"},
	} {
		if !hasSeries(got, want...) {
			t.Errorf("no series %v in %v", want, got)
		}
	}
	for _, s := range got {
		if strings.Join(s.Labels, ",") == "__name__=vigia_remote_write_dropped_total,reason=buffer_full,url=http://receiver.test/api/v1/write" && s.Value != 5 {
			t.Errorf("dropped = %v, want 5", s.Value)
		}
	}
}

func hasSeries(ss []decodedSeries, labels ...string) bool {
	for _, s := range ss {
		if cmp.Equal(s.Labels, labels) {
			return true
		}
	}
	return false
}

func newLogger(mu *sync.Mutex, b *strings.Builder) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{mu, b}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// BenchmarkRemoteWriteGather is one push's work: gather the registry,
// encode the WriteRequest, compress it.
func BenchmarkRemoteWriteGather(b *testing.B) {
	c := New(Options{Snapshot: func() []reading.Reading { return nil }, Version: "1.2.3"})
	w, err := NewRemoteWriter(c, RemoteWriteOptions{URL: "http://receiver.test/api/v1/write", MaxPendingSamples: 1})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		w.Gather()
	}
	w.mu.Lock()
	b.ReportMetric(float64(len(w.pending[0].payload)), "bytes/push")
	b.ReportMetric(float64(w.pending[0].samples), "samples/push")
	w.mu.Unlock()
}
