package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// cgroup2Mount returns this machine's cgroup2 mount, or "" without one.
func cgroup2Mount() string {
	for _, dir := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		if _, err := os.Stat(filepath.Join(dir, "cgroup.controllers")); err == nil {
			return dir
		}
	}
	return ""
}

// cgroupsCounted matches the status bar's count once the tree has rows.
var cgroupsCounted = regexp.MustCompile(`\b[1-9][0-9]*/[0-9]+ cgroups\b`)

// TestTopCgroupsInTmux opens the services and containers view of the live
// dashboard in a tmux pane, finds the root group, presses enter on it and
// finds, in the process table now scoped to it, a process the test
// started; esc shows every process again.
func TestTopCgroupsInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	if cgroup2Mount() == "" {
		t.Skip("no cgroup2 mount")
	}
	t.Parallel()
	mark := strconv.Itoa(800000 + os.Getpid()%99999)
	child := exec.Command("sleep", mark)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		child.Process.Kill() // only our own child, by its PID
		child.Wait()
	})

	p := newPane(t, "vigia-cgroups", 160, 50)
	p.keys(vigiaBin+" top --interval 500ms", "Enter")
	p.waitFor("the process table", func(s string) bool { return strings.Contains(s, "COMMAND") && strings.Contains(s, " procs") })
	p.waitFor("the key in the status bar", contains("c services"))
	p.keys("c")
	// The tree's first row is the root group, selected. The view may open
	// before the sensor's first reading of the groups ("0/0 cgroups"), and
	// enter on an empty tree does nothing, so wait for the rows.
	p.waitFor("the cgroups view with its groups", func(s string) bool {
		return strings.Contains(s, "Services and containers") && strings.Contains(s, "CGROUP (tree)") && cgroupsCounted.MatchString(s) &&
			strings.Contains(s, "› ") && strings.Contains(s, "enter its processes")
	})
	p.keys("Enter")
	p.waitFor("the process table of the root group", contains("in / ·"))
	p.keys("/")
	p.waitFor("the filter prompt", contains("filter: "))
	p.keys("-l", "sleep "+mark)
	p.waitFor("the filter typed", contains("filter: sleep "+mark))
	p.keys("Enter")
	p.waitFor("our process in the root group", func(s string) bool { return strings.Contains(s, "in / · “sleep "+mark+"” 1/") })
	// One Escape at a time: two sent together reach the terminal as one
	// sequence (Alt+Escape) when the machine is slow to read them.
	p.keys("Escape")
	p.waitFor("the filter cleared", func(s string) bool { return strings.Contains(s, "in / ·") && !strings.Contains(s, "“sleep") })
	p.keys("Escape")
	p.waitFor("every process again", func(s string) bool { return !strings.Contains(s, "in / ·") && strings.Contains(s, " procs") })
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "COMMAND") })
}

// TestTopReplayCgroupsInTmux records the cgroups sensor with vigia watch
// --record, then opens the cgroups view of vigia top --replay: the groups
// come from the recording.
func TestTopReplayCgroupsInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	if cgroup2Mount() == "" {
		t.Skip("no cgroup2 mount")
	}
	t.Parallel()
	db := filepath.Join(t.TempDir(), "rec.db")
	if out, errOut, code := vigia(t, nil, "watch", "--record", "--db", db, "--count", "4", "--interval", "300ms", "--sensors", "cpu,cgroups"); code != 0 {
		t.Fatalf("vigia watch --record: exit %d\n%s%s", code, out, errOut)
	}
	p := newPane(t, "vigia-replay-cgroups", 140, 40)
	p.keys(vigiaBin+" top --replay --db "+db, "Enter")
	p.waitFor("the replay", contains("REPLAY"))
	p.keys("G", "c")
	p.waitFor("the recorded cgroups", func(s string) bool {
		return strings.Contains(s, "Services and containers") && strings.Contains(s, "CGROUP (tree)") &&
			!strings.Contains(s, "waiting for the first walk") && strings.Contains(s, "› ")
	})
	p.keys("q", "q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "REPLAY") })
}
