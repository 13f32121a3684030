package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// testGroup is a cgroup a test made on this machine: one directory on the
// cgroup2 mount or, on a host whose groups are those of its cgroup v1
// trees (as vigia decides: the cgroup2 mount, if any, has neither the cpu
// nor the memory controller), one in each v1 hierarchy the test needs.
type testGroup struct {
	path string // as vigia names it: "/vigia-oom-123-1"
	v1   bool
	dirs map[string]string // the directory with a controller's files
	made []string          // every directory made, in order
}

var testCgroupSeq atomic.Int64

// testCgroup makes a group named after prefix with the controllers given
// (v2's names: "cpu", "memory", "pids"). On v1 the group is made in the
// cpuacct tree too, where vigia reads its CPU usage. The group is removed
// when the test ends: register the cleanups that kill the processes put in
// it after this call, so they run first. It skips the test, saying what is
// missing, when no writable hierarchy has the controllers.
func testCgroup(t *testing.T, prefix string, controllers ...string) *testGroup {
	t.Helper()
	name := fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), testCgroupSeq.Add(1))
	g := &testGroup{path: "/" + name, dirs: map[string]string{}}
	t.Cleanup(func() { g.remove(t) })
	mount := cgroup2Mount()
	v1 := map[string]string{}
	for _, c := range [...]string{"cpu", "cpuacct", "memory", "pids"} {
		dir := filepath.Join("/sys/fs/cgroup", c)
		if _, err := os.Stat(filepath.Join(dir, "cgroup.procs")); err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			v1[c] = real
		}
	}
	g.v1 = (v1["cpu"] != "" || v1["cpuacct"] != "" || v1["memory"] != "") && (mount == "" || !hasController(mount, "cpu", "memory"))
	if !g.v1 {
		if mount == "" {
			t.Skip("no cgroup2 mount and no cgroup v1 cpu, cpuacct or memory hierarchy")
		}
		sub, _ := os.ReadFile(filepath.Join(mount, "cgroup.subtree_control"))
		enabled := strings.Fields(string(sub))
		for _, c := range controllers {
			if !slices.Contains(enabled, c) {
				t.Skipf("the %s controller is not enabled below %s (cgroup.subtree_control: %q)", c, mount, sub)
			}
		}
		dir := filepath.Join(mount, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Skipf("cgroup2 mount %s not writable: %v", mount, err)
		}
		g.made = append(g.made, dir)
		for _, c := range append(enabled, "cgroup") {
			g.dirs[c] = dir
		}
		t.Logf("cgroup2 group %s", dir)
		return g
	}
	need := controllers
	if v1["cpuacct"] != "" {
		need = append([]string{"cpuacct"}, controllers...)
	}
	for _, c := range need {
		h := v1[c]
		if h == "" {
			t.Skipf("this host's groups are cgroup v1's, and it has no writable v1 %s hierarchy (/sys/fs/cgroup/%s)", c, c)
		}
		dir := filepath.Join(h, name)
		if !slices.Contains(g.made, dir) { // cpu and cpuacct may be one tree
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Skipf("cgroup v1 %s hierarchy %s not writable: %v", c, h, err)
			}
			g.made = append(g.made, dir)
		}
		g.dirs[c] = dir
	}
	t.Logf("cgroup v1 group %s in %v", g.path, g.made)
	return g
}

// hasController says whether a cgroup2 mount has one of controllers.
func hasController(mount string, controllers ...string) bool {
	b, _ := os.ReadFile(filepath.Join(mount, "cgroup.controllers"))
	return slices.ContainsFunc(strings.Fields(string(b)), func(c string) bool { return slices.Contains(controllers, c) })
}

// dir returns the directory with the controller's files, and whether the
// group has the controller.
func (g *testGroup) dir(controller string) (string, bool) {
	d, ok := g.dirs[controller]
	return d, ok
}

// write writes value to a file of the controller's directory.
func (g *testGroup) write(controller, file, value string) error {
	d, ok := g.dirs[controller]
	if !ok {
		return fmt.Errorf("the group has no %s controller", controller)
	}
	return os.WriteFile(filepath.Join(d, file), []byte(value), 0o644)
}

// start starts sh running script once it has moved itself into every
// directory of the group, and returns when it has (the shell says so on
// a pipe of its own); the shell is killed by its PID and waited for when
// the test ends, before the group is removed.
func (g *testGroup) start(t *testing.T, script string) *exec.Cmd {
	t.Helper()
	var enter strings.Builder
	for _, d := range g.made {
		fmt.Fprintf(&enter, "echo $$ > %s && ", strconv.Quote(filepath.Join(d, "cgroup.procs")))
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("sh", "-c", enter.String()+"echo in >&3 && exec 3>&- && "+script)
	cmd.ExtraFiles = []*os.File{w}
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	if line, _ := bufio.NewReader(r).ReadString('\n'); line != "in\n" {
		t.Fatalf("%s did not move into %v", cmd, g.made)
	}
	return cmd
}

// remove removes the group's directories, the last made first. A memory
// group is busy for a moment after its last process was reaped.
func (g *testGroup) remove(t *testing.T) {
	for i := len(g.made) - 1; i >= 0; i-- {
		var err error
		for try := 0; try < 50; try++ {
			if err = os.Remove(g.made[i]); !errors.Is(err, syscall.EBUSY) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Errorf("remove %s: %v", g.made[i], err)
		}
	}
}
