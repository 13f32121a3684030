package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vigia-dev/vigia/internal/node"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// BenchmarkHandler is one /metrics scrape of this machine with every default
// node collector, as `vigia serve` runs it: what bench/scrape-cost.sh
// compares with node_exporter, without the HTTP client in the profile.
func BenchmarkHandler(b *testing.B) {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Fatal(err)
	}
	names, err := node.Select(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	set, err := node.NewSet(node.Env{FS: fs, Rootfs: "/"}, names, 0)
	if err != nil {
		b.Fatal(err)
	}
	self := node.Self()
	benchHandler(b, New(Options{Node: set.Collect, Process: func(e reading.Emit) { self.Update(e) }, Textfile: true,
		Snapshot: func() []reading.Reading { return nil }, Version: "bench"}))
}

// BenchmarkHandlerNoNode is the same scrape with no node collector: the
// vigia_*, process and Go runtime series alone.
func BenchmarkHandlerNoNode(b *testing.B) {
	self := node.Self()
	benchHandler(b, New(Options{Process: func(e reading.Emit) { self.Update(e) }, Snapshot: func() []reading.Reading { return nil }, Version: "bench"}))
}

func benchHandler(b *testing.B, c *Collector) {
	h := Handler(c)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkHandlerVigia is a scrape of vigia's own series alone, from a
// snapshot of every sensor with alerts, health and outputs: what a
// scrape costs beyond node_exporter's collectors.
func BenchmarkHandlerVigia(b *testing.B) {
	opts := fixtureOptions()
	self := node.Self()
	opts.Process = func(e reading.Emit) { self.Update(e) }
	benchHandler(b, New(opts))
}
