package sensor

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestThrottleWatch feeds one cgroup's cpu.stat, pass after pass, and
// checks that a burst is one event at its start.
func TestThrottleWatch(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	where := reading.Event{Cgroup: "/system.slice/nginx.service", Unit: "nginx.service"}
	stat := func(periods, throttled, usec int) string {
		return "usage_usec 1\nnr_periods " + strconv.Itoa(periods) + "\nnr_throttled " + strconv.Itoa(throttled) + "\nthrottled_usec " + strconv.Itoa(usec) + "\n"
	}
	passes := []struct {
		cpuStat string
		want    bool
	}{
		{stat(100, 10, 2_500_000), false}, // baseline
		{stat(120, 10, 2_500_000), false}, // not throttled
		{stat(140, 30, 3_500_000), true},  // 1 s of 2 throttled: a burst starts
		{stat(160, 50, 4_500_000), false}, // the burst goes on
		{stat(180, 50, 4_500_000), false}, // it ends
		{stat(200, 51, 4_510_000), false}, // 10 ms: the grain of a quota
		{stat(220, 70, 5_510_000), true},  // a new burst
		{stat(10, 5, 1_000_000), false},   // a new group at the same path
		{stat(30, 25, 2_000_000), true},   // its burst
	}
	var w throttleWatch
	for i, p := range passes {
		cpu, err := procfs.ParseCgroupCPUStat([]byte(p.cpuStat))
		if err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Duration(i) * 2 * time.Second)
		e, ok := w.step(now, 2*time.Second, cpu, where)
		if ok != p.want {
			t.Fatalf("pass %d: event %v, want %v", i, ok, p.want)
		}
		if ok && (e.Kind != reading.EventThrottled || e.Cgroup != where.Cgroup || !e.Time.Equal(now) || e.Value <= 0 || e.Count == 0) {
			t.Errorf("pass %d: event %+v", i, e)
		}
	}
}

func TestOOMEvents(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	nginx := "/system.slice/nginx.service"
	tests := []struct {
		name    string
		grown   []oomGrowth
		victims []procfs.OOMVictim
		want    []reading.Event
	}{
		{"victim named", []oomGrowth{{nginx, 1}}, []procfs.OOMVictim{{PID: 7, Comm: "nginx", Cgroup: nginx}},
			[]reading.Event{{Time: now, Kind: reading.EventOOMKill, PID: 7, Comm: "nginx", Cgroup: nginx, Unit: "nginx.service", Count: 1}}},
		{"log unreadable", []oomGrowth{{"/a", 2}}, nil,
			[]reading.Event{{Time: now, Kind: reading.EventOOMKill, Cgroup: "/a", Count: 2}}},
		{"victim of another group", []oomGrowth{{"/a", 1}}, []procfs.OOMVictim{{PID: 7, Comm: "x", Cgroup: "/b"}},
			[]reading.Event{{Time: now, Kind: reading.EventOOMKill, Cgroup: "/a", Count: 1}}},
		{"old kernel: no cgroup in the log", []oomGrowth{{"/a", 1}, {"/b", 1}}, []procfs.OOMVictim{{PID: 7, Comm: "x"}},
			[]reading.Event{
				{Time: now, Kind: reading.EventOOMKill, PID: 7, Comm: "x", Cgroup: "/a", Count: 1},
				{Time: now, Kind: reading.EventOOMKill, Cgroup: "/b", Count: 1},
			}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, oomEvents(now, tt.grown, tt.victims)); diff != "" {
			t.Errorf("%s: oomEvents mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCrossing(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var c crossing
	steps := []struct {
		at   time.Duration
		over bool
		want bool
	}{
		{0, false, false},
		{2 * time.Second, true, true},
		{4 * time.Second, false, false}, // a trigger fires every other pass
		{6 * time.Second, true, false},
		{8 * time.Second, true, false},
		{20 * time.Second, true, true}, // quiet for 12 s: a new crossing
	}
	for _, s := range steps {
		if got := c.step(t0.Add(s.at), s.over); got != s.want {
			t.Errorf("at %v over=%v: %v, want %v", s.at, s.over, got, s.want)
		}
	}
}
