package tui

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

const (
	cgDocker = "/system.slice/docker-4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a.scope"
	cgPod    = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5ec1b1c2_7d1e_4c9a_9f3b_0a1b2c3d4e5f.slice"
	cgPodCtr = cgPod + "/cri-containerd-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0.scope"
)

// cgroupFixture is one group of the fixture host's cgroups reading.
type cgroupFixture struct {
	path                    string
	ls                      []string // labels besides cgroup
	cpu, mem, limit, pct    float64  // limit 0: none
	throttled, thrSecs      float64
	high, max, oom, pids    float64
	read, write, psi        float64
	noCPURate, memEventsOff bool
}

// cgroupsFixture is a host of systemd slices, a Docker container and a
// Kubernetes pod, as the cgroups sensor reads it.
func cgroupsFixture(t time.Time) reading.Reading {
	gs := []cgroupFixture{
		{path: "/", cpu: 812, mem: 40 << 30, pids: 1204, read: 12 << 20, write: 3 << 20, psi: 2.5, memEventsOff: true},
		{path: "/init.scope", ls: []string{"unit", "init.scope"}, cpu: 0.1, mem: 12 << 20, pids: 1},
		{path: "/system.slice", ls: []string{"unit", "system.slice"}, cpu: 160, mem: 6 << 30, pids: 80, read: 8 << 20, write: 2 << 20, psi: 1.2},
		{path: "/system.slice/nginx.service", ls: []string{"unit", "nginx.service"}, cpu: 45.5, mem: 800 << 20, limit: 1 << 30, pct: 76.5,
			throttled: 120, thrSecs: 33.5, high: 3, max: 5, oom: 2, pids: 5, read: 1 << 10, write: 200 << 10, psi: 14.5},
		{path: "/system.slice/postgresql.service", ls: []string{"unit", "postgresql.service"}, cpu: 12.4, mem: 2 << 30, pids: 9, read: 6 << 20, write: 1 << 20, psi: 0.4},
		{path: cgDocker, ls: []string{"container", "4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a", "runtime", "docker",
			"unit", "docker-4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a.scope"},
			cpu: 98, mem: 3 << 30, limit: 3.2 * (1 << 30), pct: 93.75, throttled: 4100, thrSecs: 812, high: 12000, max: 40, pids: 60, psi: 31},
		{path: "/kubepods.slice", ls: []string{"unit", "kubepods.slice"}, cpu: 3, mem: 70 << 20, limit: 2 << 30, pct: 3.4, pids: 9},
		{path: "/kubepods.slice/kubepods-burstable.slice", ls: []string{"unit", "kubepods-burstable.slice"}, cpu: 3, mem: 70 << 20, pids: 9},
		{path: cgPod, ls: []string{"pod", "5ec1b1c2-7d1e-4c9a-9f3b-0a1b2c3d4e5f", "unit", "kubepods-burstable-pod5ec1b1c2_7d1e_4c9a_9f3b_0a1b2c3d4e5f.slice"},
			cpu: 3, mem: 70 << 20, limit: 256 << 20, pct: 27.3, pids: 9},
		{path: cgPodCtr, ls: []string{"container", "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0", "pod", "5ec1b1c2-7d1e-4c9a-9f3b-0a1b2c3d4e5f",
			"runtime", "containerd", "unit", "cri-containerd-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0.scope"},
			cpu: 3, mem: 60 << 20, pids: 8, noCPURate: true},
		{path: "/user.slice", ls: []string{"unit", "user.slice"}, cpu: 180, mem: 2 << 30, pids: 30},
		{path: "/user.slice/user-1000.slice", ls: []string{"unit", "user-1000.slice"}, cpu: 180, mem: 2 << 30, pids: 30},
		{path: "/user.slice/user-1000.slice/session-3.scope", ls: []string{"unit", "session-3.scope"}, cpu: 123.3, mem: 1300 << 20, pids: 6, read: 2 << 20, write: 9 << 20},
	}
	r := reading.Reading{Sensor: reading.SensorCgroups, Time: t, Metrics: []reading.Metric{
		mt(reading.CgroupsCount, float64(len(gs)+3)), mt(reading.CgroupsOmitted, 3)}}
	for _, g := range gs {
		ls := append([]string{"cgroup", g.path}, g.ls...)
		base := reading.Labels(lbl(ls...)).Sorted()
		add := func(name string, v float64, extra ...string) {
			m := reading.Metric{Name: name, Value: v, Labels: reading.Labels(append(slices.Clone(base), lbl(extra...)...)).Sorted()}
			r.Metrics = append(r.Metrics, m)
		}
		if !g.noCPURate {
			add(reading.CgroupsCPUUsage, g.cpu)
		}
		add(reading.CgroupsCPUSecondsTotal, g.cpu*1000)
		if g.path != "/" {
			add(reading.CgroupsThrottledTotal, g.throttled)
			add(reading.CgroupsThrottledSecondsTotal, g.thrSecs)
		}
		add(reading.CgroupsMemCurrent, g.mem)
		if g.limit > 0 {
			add(reading.CgroupsMemMax, g.limit)
			add(reading.CgroupsMemUsedPercent, g.pct)
		}
		if !g.memEventsOff {
			add(reading.CgroupsMemEventsTotal, g.high, "event", "high")
			add(reading.CgroupsMemEventsTotal, g.max, "event", "max")
			add(reading.CgroupsMemEventsTotal, g.oom, "event", "oom")
			add(reading.CgroupsOOMKillsTotal, g.oom)
		}
		add(reading.CgroupsPids, g.pids)
		add(reading.CgroupsIOReadRate, g.read)
		add(reading.CgroupsIOWriteRate, g.write)
		if g.psi > 0 {
			add(reading.CgroupsPressure, g.psi, "kind", "some", "resource", "memory", "window", "avg10")
			add(reading.CgroupsPressure, g.psi/2, "kind", "some", "resource", "cpu", "window", "avg10")
		}
	}
	return r
}

// cgroupMachine is the fixture machine with the cgroups reading, its
// processes placed in the groups.
func cgroupMachine() []reading.Reading {
	rs := machine(true)
	procs := fixtureProcs()
	for i := range procs {
		p := &procs[i]
		switch {
		case p.PID == 1:
			p.Cgroup = "/init.scope"
		case p.Comm == "nginx":
			p.Cgroup = "/system.slice/nginx.service"
		case p.Comm == "postgres":
			p.Cgroup = "/system.slice/postgresql.service"
		case p.User == "alice":
			p.Cgroup = "/user.slice/user-1000.slice/session-3.scope"
		case p.Comm == "java":
			p.Cgroup = cgDocker
		case p.PID != 2 && p.PPID != 2:
			p.Cgroup = "/system.slice/worker.service"
		}
	}
	return append(rs, procReading(base, procs), cgroupsFixture(base))
}

// TestCgroupFrames draws the cgroups view: the tree, sorted and filtered,
// flat, in Spanish, and the process table of a group chosen with enter.
func TestCgroupFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		es   bool
		keys []string
	}{
		{name: "cgroups", keys: []string{"c"}},
		{name: "cgroups-flat-mem", keys: []string{"c", "t", "M"}},
		{name: "cgroups-filtered", keys: []string{"c", "/", "p", "o", "d", "enter"}},
		{name: "cgroups-es", es: true, keys: []string{"c"}},
		{name: "cgroups-procs", keys: []string{"c", "/", "u", "s", "e", "r", "-", "1", "enter", "down", "enter"}},
	}
	for _, tt := range tests {
		for _, size := range [][2]int{{80, 24}, {160, 50}} {
			name := tt.name + "-" + strconv.Itoa(size[0]) + "x" + strconv.Itoa(size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				opts := Options{Inspector: fakeInspector{}, Signaller: &fakeSignaller{}}
				if tt.es {
					opts.Text = text.For(text.Spanish)
				}
				m := newModel(opts, cgroupMachine(), size[0], size[1])
				keys(m, tt.keys...)
				frame := m.render()
				checkFrame(t, frame, size[0], size[1])
				checkGolden(t, name, frame)
			})
		}
	}
}

// TestCgroupEnterShowsItsProcesses checks that enter on a group shows the
// processes of that group and the groups below it, that the selection
// follows its group across a refresh, and that esc shows all again.
func TestCgroupEnterShowsItsProcesses(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, cgroupMachine(), 120, 40)
	all := len(m.table.rows)
	keys(m, "c")
	if m.view != viewCgroups {
		t.Fatalf("view %v after c, want the cgroups view", m.view)
	}
	// The tree sorted by CPU: /, then user.slice (180 %) above system.slice.
	at := slices.IndexFunc(m.cgroups.rows, func(r cgRow) bool { return m.cgroups.groups[r.i].Path == "/user.slice" })
	keys(m, "home")
	for range at {
		keys(m, "down")
	}
	// A refresh with the groups in another order keeps the selection.
	rs := cgroupsFixture(base.Add(2 * time.Second))
	slices.Reverse(rs.Metrics[2:])
	m.Update(readingsMsg{rs})
	if g, _ := m.cgroups.selected(); g.Path != "/user.slice" {
		t.Fatalf("selected %q after a refresh, want /user.slice", g.Path)
	}
	keys(m, "enter")
	if m.view != viewMain {
		t.Fatalf("view %v after enter, want the process table", m.view)
	}
	if diff := cmp.Diff([]int32{1200, 1201, 1202, 1203, 1204}, slices.Sorted(slices.Values(shownPIDs(m)))); diff != "" {
		t.Errorf("processes of /user.slice (-want +got):\n%s", diff)
	}
	if bar := m.statusBar(); !strings.Contains(bar, "in user.slice ·") {
		t.Errorf("status bar %q does not name the group", bar)
	}
	keys(m, "esc")
	if len(m.table.rows) != all || m.view != viewMain {
		t.Errorf("after esc %d rows in view %v, want all %d in the table", len(m.table.rows), m.view, all)
	}
	// The help opened from the view goes back to it.
	keys(m, "c", "?", "x")
	if m.view != viewCgroups {
		t.Errorf("the help opened from the cgroups view went back to view %v", m.view)
	}
	keys(m, "esc")
	// c from the table goes back to the view; esc there to the table.
	keys(m, "c", "esc")
	if m.view != viewMain {
		t.Errorf("esc in the cgroups view left view %v", m.view)
	}
}

// TestCgroupColumnsFit checks that a narrow screen drops columns, in
// order, until the name has its room, and a wide one shows them all.
func TestCgroupColumnsFit(t *testing.T) {
	t.Parallel()
	defs := cgColDefs()
	for _, w := range []int{40, 80, 100, 120, 160} {
		cols := cgColumns(w)
		used := 1
		for _, c := range cols {
			used += defs[c].width + 1
		}
		if w-used < 24 && len(cols) > 6 {
			t.Errorf("width %d: name has %d cells with %d columns", w, w-used, len(cols))
		}
		if cols[len(cols)-1] != cgName {
			t.Errorf("width %d: the name is not the last column", w)
		}
	}
	if n := len(cgColumns(200)); n != int(numCgCols) {
		t.Errorf("width 200 shows %d columns, want all %d", n, numCgCols)
	}
}

func TestInCgroup(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		proc, group string
		want        bool
	}{
		{"/a/b", "/a", true},
		{"/a/b", "/a/b", true},
		{"/ab", "/a", false},
		{"/a", "/a/b", false},
		{"/x", "/", true},
		{"", "/", false}, // a process whose cgroup was not read
	} {
		if got := inCgroup(tt.proc, tt.group); got != tt.want {
			t.Errorf("inCgroup(%q, %q) = %v, want %v", tt.proc, tt.group, got, tt.want)
		}
	}
}

// TestCgroupEnterInReplay checks that enter in a replay's cgroups view
// says the recording lacks each process's cgroup instead of showing an
// empty table.
func TestCgroupEnterInReplay(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, cgroupMachine(), 120, 40)
	m.replay = &replayer{}
	keys(m, "c", "enter")
	if m.view != viewCgroups || m.table.cgroup != "" || !strings.Contains(m.message, "recording does not say") {
		t.Errorf("view %v, table scoped to %q, message %q", m.view, m.table.cgroup, m.message)
	}
}
