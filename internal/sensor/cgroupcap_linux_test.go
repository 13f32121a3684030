package sensor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupPaths returns the groups a reading shows, sorted.
func cgroupPaths(r reading.Reading) []string {
	var out []string
	for _, m := range r.Metrics {
		if m.Name == reading.CgroupsCPUSecondsTotal {
			out = append(out, reading.Labels(m.Labels).Value("cgroup"))
		}
	}
	slices.Sort(out)
	return out
}

// TestCgroupsCap checks the cap on a host of many groups: 40 idle services
// and three busy ones under system.slice, with the fixture's limited and
// OOM-killed groups. A cap of 2 keeps the two busiest, every group with a
// limit or memory events, the root and their ancestors, and says how many
// it left out.
func TestCgroupsCap(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	sys := filepath.Join(root, "sys/fs/cgroup/system.slice")
	for i := range 40 {
		writeFile(t, filepath.Join(sys, fmt.Sprintf("idle%02d.service", i), "cpu.stat"), "usage_usec 1000\n")
	}
	busy := []string{"busy1.service", "busy2.service", "busy3.service"}
	for _, b := range busy {
		writeFile(t, filepath.Join(sys, b, "cpu.stat"), "usage_usec 1000\n")
	}
	c := NewCgroupsMax(pfs, 2)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	for i, b := range busy {
		writeFile(t, filepath.Join(sys, b, "cpu.stat"), fmt.Sprintf("usage_usec %d\n", 1000+(i+1)*500000))
	}
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/",
		"/kubepods.slice", // memory.max
		"/kubepods.slice/kubepods-burstable.slice",
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5ec1b1c2_7d1e_4c9a_9f3b_0a1b2c3d4e5f.slice",
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5ec1b1c2_7d1e_4c9a_9f3b_0a1b2c3d4e5f.slice/cri-containerd-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0.scope",
		"/system.slice", // parent of the busiest
		"/system.slice/busy2.service",
		"/system.slice/busy3.service",
		"/system.slice/docker-4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a.scope",
		"/system.slice/nginx.service",
		"/user.slice",
		"/user.slice/user-1000.slice",
		"/user.slice/user-1000.slice/session-3.scope", // memory.high and memory.max events
	}
	got := cgroupPaths(r)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups kept (-want +got):\n%s", diff)
	}
	v := cmlValues(r)
	if v[reading.CgroupsCount] != 55 || v[reading.CgroupsOmitted] != float64(55-len(got)) {
		t.Errorf("count %v omitted %v, want 55 and %d", v[reading.CgroupsCount], v[reading.CgroupsOmitted], 55-len(got))
	}
	c = NewCgroupsMax(pfs, 0)
	c.Read(context.Background(), t0)
	r, err = c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cgroupPaths(r)); n != 55 {
		t.Errorf("no cap kept %d groups, want all 55", n)
	}
}

// TestCgroupsIORate checks the I/O rates: io.stat is read on full walks
// only, so the rate spans the two last full reads and holds in between.
func TestCgroupsIORate(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	// The fixture's nginx has read 6000 and written 6024 bytes.
	writeFile(t, filepath.Join(root, fixtureNginx, "io.stat"), "8:0 rbytes=106000 wbytes=26024 rios=1 wios=1 dbytes=0 dios=0\n")
	readKey := `cgroups.io.read_bytes_per_second{cgroup="/system.slice/nginx.service",unit="nginx.service"}`
	writeKey := `cgroups.io.written_bytes_per_second{cgroup="/system.slice/nginx.service",unit="nginx.service"}`
	for pass := 1; pass <= cgroupsFullEvery+1; pass++ {
		r, err := c.Read(context.Background(), t0.Add(time.Duration(pass)*2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		v := cmlValues(r)
		rd, ok := v[readKey]
		switch {
		case pass < cgroupsFullEvery && ok:
			t.Errorf("walk %d: a read rate %v before a second read of io.stat", pass, rd)
		case pass >= cgroupsFullEvery && (rd != 10000 || v[writeKey] != 2000):
			// 100000 and 20000 bytes more over the 10 s between the full reads.
			t.Errorf("walk %d: rates %v read, %v written; want 10000 and 2000", pass, rd, v[writeKey])
		}
	}
}

// TestCgroupsEnvCap checks the config's max as the registry passes it: 0
// is the default, less than 0 no cap.
func TestCgroupsEnvCap(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, DefaultMaxCgroups}, {-1, 0}, {7, 7}} {
		if got := newCgroupsEnv(Env{MaxCgroups: tt.in}).max; got != tt.want {
			t.Errorf("MaxCgroups %d: cap %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestCgroupsCapBoundsSeries walks a host of 1,000 services, each with
// the files of a systemd service and no limit, with the default cap and
// without one: the default keeps the reading to about a fifth.
func TestCgroupsCapBoundsSeries(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	sys := filepath.Join(root, "sys/fs/cgroup/system.slice")
	for i := range 1000 {
		dir := filepath.Join(sys, fmt.Sprintf("svc%04d.service", i))
		writeFile(t, filepath.Join(dir, "cpu.stat"), fmt.Sprintf("usage_usec %d\n", i*1000))
		writeFile(t, filepath.Join(dir, "memory.current"), "1048576\n")
		writeFile(t, filepath.Join(dir, "memory.max"), "max\n")
		writeFile(t, filepath.Join(dir, "memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
		writeFile(t, filepath.Join(dir, "pids.current"), "1\n")
		writeFile(t, filepath.Join(dir, "io.stat"), "8:0 rbytes=0 wbytes=0 rios=0 wios=0 dbytes=0 dios=0\n")
		writeFile(t, filepath.Join(dir, "memory.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
	}
	size := func(c *Cgroups) (series, bytes int) {
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		c.Read(context.Background(), t0)
		r, err := c.Read(context.Background(), t0.Add(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return len(r.Metrics), len(b)
	}
	capped, cappedBytes := size(NewCgroups(pfs))
	all, allBytes := size(NewCgroupsMax(pfs, 0))
	t.Logf("1,012 groups: %d series, %d bytes of JSON with the default cap; %d series, %d bytes without", capped, cappedBytes, all, allBytes)
	if capped*4 > all {
		t.Errorf("the default cap keeps %d of %d series, want under a quarter", capped, all)
	}
}
