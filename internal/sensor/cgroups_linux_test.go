package sensor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

const fixtureNginx = "sys/fs/cgroup/system.slice/nginx.service"

// TestCgroupsFixture reads the fixture host of systemd slices, a Docker
// container and a Kubernetes pod twice, nginx having used 1.5 s of CPU in
// the 2 s between, and compares the second reading with its golden file.
func TestCgroupsFixture(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	writeFile(t, filepath.Join(root, fixtureNginx, "cpu.stat"),
		"usage_usec 121500000\nuser_usec 0\nsystem_usec 0\nnr_periods 100\nnr_throttled 10\nthrottled_usec 2500000\n")
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	cmlCheckBounds(t, r)
	cmlGolden(t, "cgroups-fixture", cmlText(r))
}

// TestCgroupsSlowFilesEveryNthWalk checks that memory.current is read on
// the first walk and then only every cgroupsFullEvery walks, its last value
// shown in between, while cpu.stat is read on every walk.
func TestCgroupsSlowFilesEveryNthWalk(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	key := `cgroups.memory.current{cgroup="/system.slice/nginx.service",unit="nginx.service"}`
	cpuKey := `cgroups.cpu.usage_seconds_total{cgroup="/system.slice/nginx.service",unit="nginx.service"}`
	writeFile(t, filepath.Join(root, fixtureNginx, "memory.current"), "1000\n")
	for pass := 1; pass <= cgroupsFullEvery; pass++ {
		writeFile(t, filepath.Join(root, fixtureNginx, "cpu.stat"), fmt.Sprintf("usage_usec %d\n", 120000000+pass*1000000))
		r, err := c.Read(context.Background(), t0.Add(time.Duration(pass)*2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		v := cmlValues(r)
		wantMem := 104857600.0
		if pass == cgroupsFullEvery {
			wantMem = 1000
		}
		if v[key] != wantMem {
			t.Errorf("walk %d: memory.current = %v, want %v", pass, v[key], wantMem)
		}
		if want := float64(120 + pass); v[cpuKey] != want {
			t.Errorf("walk %d: cpu usage = %v, want %v", pass, v[cpuKey], want)
		}
	}
}

// TestCgroupsGroupComesAndGoes checks that a group made between two walks
// is read in full at once (without a CPU rate yet) and that a removed one
// leaves the reading and the sensor's memory.
func TestCgroupsGroupComesAndGoes(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	newDir := filepath.Join(root, "sys/fs/cgroup/system.slice/new.service")
	writeFile(t, filepath.Join(newDir, "cpu.stat"), "usage_usec 5\n")
	writeFile(t, filepath.Join(newDir, "memory.current"), "4096\n")
	if err := os.RemoveAll(filepath.Join(root, "sys/fs/cgroup/init.scope")); err != nil {
		t.Fatal(err)
	}
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	v := cmlValues(r)
	if got := v[`cgroups.memory.current{cgroup="/system.slice/new.service",unit="new.service"}`]; got != 4096 {
		t.Errorf("new group's memory.current = %v, want 4096 on its first walk", got)
	}
	if _, ok := v[`cgroups.cpu.usage_percent{cgroup="/system.slice/new.service",unit="new.service"}`]; ok {
		t.Error("new group has a CPU rate on its first walk")
	}
	if _, ok := v[`cgroups.cpu.usage_seconds_total{cgroup="/init.scope",unit="init.scope"}`]; ok {
		t.Error("removed group still in the reading")
	}
	if _, ok := c.known["/init.scope"]; ok {
		t.Error("removed group still kept by the sensor")
	}
}

// TestCgroupsNoCgroup2 checks a host with neither a cgroup2 mount nor v1
// trees the walk can use: no groups, no error.
func TestCgroupsNoCgroup2(t *testing.T) {
	_, pfs := copyMachine(t, "empty")
	r, err := NewCgroups(pfs).Read(context.Background(), time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if v := cmlValues(r)[reading.CgroupsCount]; v != 0 || len(r.Metrics) != 1 {
		t.Errorf("reading = %+v, want only cgroups.count 0", r.Metrics)
	}
}

// TestCgroupsV1Fixture reads a cgroup v1 host (cpu,cpuacct, memory and
// pids trees: a systemd service, a Docker container under the cgroupfs
// driver, a Kubernetes pod and its container, and a group only the memory
// tree has) twice, the container having used 1.5 s of CPU in the 2 s
// between, and compares the second reading with its golden file.
func TestCgroupsV1Fixture(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups-v1")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	ctr := filepath.Join(root, "sys/fs/cgroup/cpu,cpuacct/docker/4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a")
	writeFile(t, filepath.Join(ctr, "cpuacct.usage"), "6500000000\n")
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "" {
		t.Errorf("note %q", r.Note)
	}
	cmlCheckBounds(t, r)
	cmlGolden(t, "cgroups-v1-fixture", cmlText(r))
	v := cmlValues(r)
	key := `cgroups.cpu.usage_percent{cgroup="/docker/4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a",container="4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a",runtime="docker"}`
	if v[key] != 75 {
		t.Errorf("container CPU = %v, want 75 %%", v[key])
	}
}

// TestCgroupsBadFileIsANote checks that a file that cannot be parsed costs
// only its metric, and is said in the reading's Note.
func TestCgroupsBadFileIsANote(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	writeFile(t, filepath.Join(root, fixtureNginx, "pids.current"), "many\n")
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	r, err := c.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Note, "pids.current") {
		t.Errorf("note %q does not name pids.current", r.Note)
	}
	v := cmlValues(r)
	if _, ok := v[`cgroups.pids.current{cgroup="/system.slice/nginx.service",unit="nginx.service"}`]; ok {
		t.Error("bad pids.current still reported")
	}
	if v[`cgroups.memory.current{cgroup="/system.slice/nginx.service",unit="nginx.service"}`] != 104857600 {
		t.Error("nginx's other metrics lost with its bad pids.current")
	}
}
