package node

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

type fakeCollector func(emit reading.Emit) error

func (f fakeCollector) Update(emit reading.Emit) error { return f(emit) }

var fakeFamily = &reading.Family{Name: "node_fake", Help: "A fake.", Type: reading.Gauge, Labels: []string{"n"}}

func emits(v float64) fakeCollector {
	return func(emit reading.Emit) error { emit(fakeFamily, v, "x"); return nil }
}

func scrapeSet(s *Set) string {
	var x exposition
	s.Collect(x.emit)
	return x.String()
}

// TestSetReportsEachCollector: a failing, a panicking and a no-data
// collector are each reported with success 0 while the others are served;
// only the real failures are logged, once each.
func TestSetReportsEachCollector(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	s := &Set{env: Env{Logger: slog.New(slog.NewTextHandler(&log, nil))}, timeout: time.Second}
	s.add("good", emits(1))
	s.add("broken", fakeCollector(func(emit reading.Emit) error {
		emit(fakeFamily, 2, "half")
		return errors.New("read /proc/broken: no such file")
	}))
	s.add("panics", fakeCollector(func(reading.Emit) error { panic("index out of range") }))
	s.add("empty", fakeCollector(func(reading.Emit) error { return ErrNoData }))
	for range 2 {
		got := scrapeSet(s)
		for _, want := range []string{
			`node_fake{n="x"} 1`, `node_fake{n="half"} 2`,
			`node_scrape_collector_success{collector="good"} 1`,
			`node_scrape_collector_success{collector="broken"} 0`,
			`node_scrape_collector_success{collector="panics"} 0`,
			`node_scrape_collector_success{collector="empty"} 0`,
			`node_scrape_collector_duration_seconds{collector="panics"} `,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("scrape lacks %q:\n%s", want, got)
			}
		}
	}
	l := log.String()
	if strings.Count(l, "collector failed") != 2 || !strings.Contains(l, "no such file") || !strings.Contains(l, "index out of range") {
		t.Errorf("want the two failures logged once each, got:\n%s", l)
	}
	if strings.Contains(l, "collector=empty") {
		t.Errorf("no data is not a failure to log:\n%s", l)
	}
}

// TestSetAbandonsAHungCollector: a collector stuck in a read does not hold
// up the scrape past the timeout, is not started again while stuck, and
// is served again once it returns.
func TestSetAbandonsAHungCollector(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	var calls atomic.Int32
	s := &Set{env: Env{Logger: slog.New(slog.DiscardHandler)}, timeout: 200 * time.Millisecond}
	s.add("good", emits(1))
	s.add("nfs", fakeCollector(func(emit reading.Emit) error {
		started <- struct{}{}
		if calls.Add(1) == 1 {
			<-release
		}
		emit(fakeFamily, 3, "nfs")
		return nil
	}))
	t0 := time.Now()
	got := scrapeSet(s)
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("scrape took %v with a hung collector, want about the 200ms timeout", d)
	}
	if !strings.Contains(got, `node_scrape_collector_success{collector="nfs"} 0`) || !strings.Contains(got, `node_fake{n="x"} 1`) {
		t.Errorf("first scrape:\n%s", got)
	}
	if strings.Contains(got, `n="nfs"`) {
		t.Errorf("an abandoned collector's samples were served:\n%s", got)
	}
	got = scrapeSet(s)
	if len(started) != 1 {
		t.Errorf("the hung collector was started %d times, want once", len(started))
	}
	if !strings.Contains(got, `node_scrape_collector_success{collector="nfs"} 0`) {
		t.Errorf("second scrape, still hung:\n%s", got)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got = scrapeSet(s)
		if strings.Contains(got, `node_scrape_collector_success{collector="nfs"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collector never came back after it returned:\n%s", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	names, err := Select(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Registry {
		has := strings.Contains(","+strings.Join(names, ",")+",", ","+r.Name+",")
		if has != r.Default {
			t.Errorf("default set: %s included=%v, want %v", r.Name, has, r.Default)
		}
	}
	if names, _ := Select(nil, []string{"loadavg"}); strings.Contains(strings.Join(names, ","), "loadavg") {
		t.Errorf("loadavg turned off but selected: %v", names)
	}
	if _, err := Select([]string{"lodavg"}, nil); err == nil || !strings.Contains(err.Error(), `unknown collector "lodavg"`) || !strings.Contains(err.Error(), "loadavg") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := Select([]string{"loadavg"}, []string{"loadavg"}); err == nil {
		t.Error("a collector both on and off was accepted")
	}
}

func TestLoadavg(t *testing.T) {
	t.Parallel()
	c, _ := newLoadavg(fixtureEnv(t, "../sensor/testdata/normal"))
	checkGolden(t, c, "loadavg")
}

// TestSetSkipsTextfile: textfile is a collector name (config and flags
// accept it) that the Set leaves to /metrics, reporting nothing for it.
func TestSetSkipsTextfile(t *testing.T) {
	t.Parallel()
	s, err := NewSet(Env{}, []string{"textfile"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := scrapeSet(s); strings.Contains(got, "textfile") {
		t.Errorf("the set reports textfile itself:\n%s", got)
	}
}

// TestSetReusesBuffers: a collector's samples are kept in a buffer that
// lives across scrapes, so after the first scrape a collector emitting
// 1,000 series costs no more allocations than one emitting one, and a
// scrape shows only its own samples, not the last scrape's too.
func TestSetReusesBuffers(t *testing.T) {
	allocs := func(n int) float64 {
		s := &Set{env: Env{Logger: slog.New(slog.DiscardHandler)}, timeout: time.Minute}
		v := 0.0
		labels := []string{"x"} // passed as is: no allocation per call
		s.add("many", fakeCollector(func(emit reading.Emit) error {
			v++
			for range n {
				emit(fakeFamily, v, labels...)
			}
			return nil
		}))
		discard := func(*reading.Family, float64, ...string) {}
		s.Collect(discard)
		got := 0
		s.Collect(func(f *reading.Family, val float64, _ ...string) {
			if f == fakeFamily {
				if val != v {
					t.Errorf("scrape %v replayed a sample of scrape %v", v, val)
				}
				got++
			}
		})
		if got != n {
			t.Errorf("scrape emitted %d samples, want %d", got, n)
		}
		return testing.AllocsPerRun(20, func() { s.Collect(discard) })
	}
	one, many := allocs(1), allocs(1000)
	if many > one+2 {
		t.Errorf("a scrape of 1000 series allocates %v times, of 1 series %v: the buffer is not reused", many, one)
	}
}

// TestSetLane: collectors that only read in-memory files run one after
// another on one goroutine, never two at once; a hung one in that lane
// holds back only the collectors after it, and only in the scrape it hung
// in: the next scrape skips it and serves them.
func TestSetLane(t *testing.T) {
	t.Parallel()
	var running, overlaps atomic.Int32
	slow := fakeCollector(func(emit reading.Emit) error {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		time.Sleep(20 * time.Millisecond)
		running.Add(-1)
		emit(fakeFamily, 1, "x")
		return nil
	})
	release := make(chan struct{})
	var calls atomic.Int32
	s := &Set{env: Env{Logger: slog.New(slog.DiscardHandler)}, timeout: 300 * time.Millisecond}
	s.add("a", slow)
	s.add("b", slow)
	s.add("c", slow)
	s.add("hangs", fakeCollector(func(reading.Emit) error {
		if calls.Add(1) == 1 {
			<-release
		}
		return nil
	}))
	s.add("after", emits(2))
	defer close(release)
	got := scrapeSet(s)
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d lane collectors ran while another was running", n)
	}
	for _, want := range []string{`node_scrape_collector_success{collector="c"} 1`, `node_scrape_collector_success{collector="hangs"} 0`,
		`node_scrape_collector_success{collector="after"} 0`} {
		if !strings.Contains(got, want) {
			t.Errorf("first scrape lacks %q:\n%s", want, got)
		}
	}
	got = scrapeSet(s)
	for _, want := range []string{`node_scrape_collector_success{collector="hangs"} 0`, `node_scrape_collector_success{collector="after"} 1`, `node_fake{n="x"} 2`} {
		if !strings.Contains(got, want) {
			t.Errorf("second scrape lacks %q:\n%s", want, got)
		}
	}
}
