package node

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/procfs"
)

// liveEnv is an Env over this machine's /proc and /sys, as a Set gives
// its collectors one. It skips when the machine has no /sys/class/net.
func liveEnv(t testing.TB) Env {
	t.Helper()
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat("/sys/class/net"); err != nil {
		t.Skip(err)
	}
	return Env{FS: fs.WithHeldFiles()}
}

var netCollector = map[string]func(Env) (Collector, error){"netclass": newNetclass, "netdev": newNetdev}

// livePair builds collector name twice over this machine's /proc and /sys:
// one reading the link dump, one the files. It skips when the dump is not
// to be had here.
func livePair(t testing.TB, name string) (dump, files Collector) {
	t.Helper()
	dump, _ = netCollector[name](liveEnv(t))
	files, _ = netCollector[name](liveEnv(t))
	if linkReaderOf(dump) == nil {
		t.Skip("no rtnetlink link dump here")
	}
	if r := linkReaderOf(files); r != nil {
		r.links.Close()
	}
	switch c := files.(type) {
	case *netclass:
		c.rt = nil
	case *netdev:
		c.rt = nil
	}
	return dump, files
}

func linkReaderOf(c Collector) *linkReader {
	switch c := c.(type) {
	case *netclass:
		return c.rt
	case *netdev:
		return c.rt
	}
	return nil
}

// series parses an exposition into its samples' values by name and labels.
func series(t *testing.T, text string) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	for _, l := range strings.Split(text, "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		m[l[:i]] = v
	}
	return m
}

// sameAsFiles scrapes files, dump and files again, until the dump gives
// the files' series and values: where the two readings of the files agree,
// the same value; where a counter moved between them, one between them.
// A machine's devices change under the test (other tests make veth pairs),
// and carrier and operstate settle a moment after a change, hence the
// retries.
func sameAsFiles(t *testing.T, dump, files Collector, step string) {
	t.Helper()
	var diffs []string
	for try := 0; try < 50; try++ {
		if try > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		diffs = diffs[:0]
		b1, err1 := scrape(t, files)
		got, err := scrape(t, dump)
		b2, err2 := scrape(t, files)
		if err1 != nil || err != nil || err2 != nil {
			t.Fatalf("%s: files %v, dump %v, files again %v", step, err1, err, err2)
		}
		if got == b1 {
			return
		}
		f1, f2, d := series(t, b1), series(t, b2), series(t, got)
		if !slices.Equal(sortedKeys(f1), sortedKeys(f2)) {
			continue // a device came or went
		}
		if !slices.Equal(sortedKeys(f1), sortedKeys(d)) {
			diffs = append(diffs, cmp.Diff(b1, got))
			continue
		}
		for k, v1 := range f1 {
			v2, v := f2[k], d[k]
			if v1 == v2 && v != v1 || v1 != v2 && (!strings.Contains(k, "_total") || v < v1 || v > v2) {
				diffs = append(diffs, fmt.Sprintf("%s: files %v then %v, dump %v", k, v1, v2, v))
			}
		}
		if len(diffs) == 0 {
			return
		}
	}
	t.Errorf("%s: the dump disagrees with the files:\n%s", step, strings.Join(diffs, "\n"))
}

func sortedKeys(m map[string]float64) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

// TestLinkDumpMatchesFiles: on this machine's own interfaces, the netclass
// and netdev collectors give from the link dump what they give from
// /sys/class/net and /proc/net/dev, scrape after scrape.
func TestLinkDumpMatchesFiles(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"netclass", "netdev"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dump, files := livePair(t, name)
			for i := range 3 {
				sameAsFiles(t, dump, files, fmt.Sprintf("scrape %d", i+1))
			}
		})
	}
}

// netnsChild names the environment variable under which the test binary,
// started again inside a network namespace, runs the namespace's side of a
// test.
const netnsChild = "VIGIA_LINKS_NETNS_CHILD"

// TestLinkDumpMatchesFilesInNetns: in a network namespace of its own, with
// a veth pair, a bridge and an ifb device whose MTU, alias, addresses,
// names, promiscuity, state and carrier the test changes, the dump gives
// netclass and netdev what their files give at each step. `ip netns exec`
// mounts a /sys of the namespace for the test binary it starts again.
func TestLinkDumpMatchesFilesInNetns(t *testing.T) {
	if os.Getenv(netnsChild) == "steps" {
		netnsSteps(t)
		return
	}
	t.Parallel()
	ns := startNetnsChild(t)
	out, err := exec.Command("ip", "netns", "exec", ns, "env", netnsChild+"=steps", os.Args[0],
		"-test.run=^TestLinkDumpMatchesFilesInNetns$", "-test.count=1", "-test.v").CombinedOutput()
	if err != nil {
		t.Fatalf("in namespace %s: %v\n%s", ns, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestLinkDumpMatchesFilesInNetns") {
		t.Fatalf("the namespace's side did not run:\n%s", out)
	}
}

// TestLinkReaderRefusesOtherNamespaceSysfs: a process in a network
// namespace whose /sys is still another namespace's (a container given its
// host's /sys) reads the files, as before.
func TestLinkReaderRefusesOtherNamespaceSysfs(t *testing.T) {
	if os.Getenv(netnsChild) == "other-sys" {
		fs, err := procfs.NewFS("/proc", "/sys")
		if err != nil {
			t.Fatal(err)
		}
		for _, mk := range []func(Env) (Collector, error){newNetclass, newNetdev} {
			c, _ := mk(Env{FS: fs})
			if linkReaderOf(c) != nil {
				t.Errorf("%T reads the dump of a namespace /sys does not show", c)
			}
		}
		return
	}
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare not installed (Debian package util-linux)")
	}
	cmd := exec.Command("unshare", "--net", os.Args[0], "-test.run=^TestLinkReaderRefusesOtherNamespaceSysfs$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), netnsChild+"=other-sys")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("in a new network namespace: %v\n%s", err, out)
	}
}

// startNetnsChild makes a network namespace for this test run, deleted
// when t ends.
func startNetnsChild(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip not installed (Debian package iproute2)")
	}
	ns := fmt.Sprintf("vigialinks-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", ns, err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	return ns
}

// netnsSteps runs inside the namespace: each step changes the devices,
// then both collectors are compared. The same two collectors live through
// every step, so what the dump's path keeps between scrapes (the
// attributes read once a device, names, held files) is tested too.
func netnsSteps(t *testing.T) {
	if _, err := os.Stat(filepath.Join("/sys/class/net", "lo")); err != nil {
		t.Fatal(err)
	}
	cls, clsFiles := livePair(t, "netclass")
	dev, devFiles := livePair(t, "netdev")
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	steps := []struct {
		name string
		do   func()
	}{
		{"only lo, down", func() {}},
		{"lo up", func() { ip("link", "set", "lo", "up") }},
		{"a veth pair, a bridge and an ifb, all down", func() {
			ip("link", "add", "va", "type", "veth", "peer", "name", "vb")
			ip("link", "add", "br0", "type", "bridge")
			ip("link", "add", "ifb7", "type", "ifb")
		}},
		{"va up, its peer down: no carrier", func() { ip("link", "set", "va", "up") }},
		{"vb up: carrier", func() { ip("link", "set", "vb", "up") }},
		{"mtu, alias, txqueuelen, group", func() {
			ip("link", "set", "va", "mtu", "1400")
			ip("link", "set", "va", "alias", "  uplink \"one\"  ")
			ip("link", "set", "vb", "txqueuelen", "2000", "group", "7")
		}},
		{"va a bridge port: promiscuous without the user's flag", func() {
			ip("link", "set", "va", "master", "br0")
			ip("link", "set", "br0", "up")
		}},
		{"vb promisc and allmulticast on", func() {
			ip("link", "set", "vb", "promisc", "on")
			ip("link", "set", "vb", "allmulticast", "on")
		}},
		{"va's address set", func() { ip("link", "set", "va", "address", "02:11:22:33:44:55") }},
		{"vb renamed vc", func() {
			ip("link", "set", "vb", "down")
			ip("link", "set", "vb", "name", "vc")
			ip("link", "set", "vc", "up")
		}},
		{"vc down: va loses its carrier", func() { ip("link", "set", "vc", "down") }},
		{"alias cleared, ifb up", func() {
			ip("link", "set", "va", "alias", "")
			ip("link", "set", "ifb7", "up")
		}},
		{"va down", func() { ip("link", "set", "va", "down") }},
		{"the pair deleted", func() { ip("link", "del", "va") }},
		{"a pair again under the same names", func() {
			ip("link", "add", "va", "type", "veth", "peer", "name", "vb")
			ip("link", "set", "va", "up")
		}},
	}
	for _, s := range steps {
		s.do()
		sameAsFiles(t, cls, clsFiles, "netclass: "+s.name)
		sameAsFiles(t, dev, devFiles, "netdev: "+s.name)
		if linkReaderOf(cls) == nil || linkReaderOf(dev) == nil {
			t.Fatalf("%s: a collector fell back to its files", s.name)
		}
	}
}

// BenchmarkCollectorNetclassLive and BenchmarkCollectorNetdevLive run the
// two collectors over this machine's own /proc and /sys, from the files
// (as before, and still for fixture trees) and from the link dump.
func BenchmarkCollectorNetclassLive(b *testing.B) { benchLive(b, "netclass") }
func BenchmarkCollectorNetdevLive(b *testing.B)   { benchLive(b, "netdev") }

func benchLive(b *testing.B, name string) {
	dump, files := livePair(b, name)
	b.Run("files", func(b *testing.B) { benchUpdate(b, files) })
	b.Run("netlink", func(b *testing.B) { benchUpdate(b, dump) })
}

// TestLinkDumpFailureFallsBackOnce: when the dump fails (here, its socket
// closed under it), the scrape is served from the files, the failure is
// logged once, and the collector stays on its files.
func TestLinkDumpFailureFallsBackOnce(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"netclass", "netdev"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, files := livePair(t, name)
			var logged bytes.Buffer
			env := liveEnv(t)
			env.Logger = slog.New(slog.NewTextHandler(&logged, nil))
			dump, _ := netCollector[name](env)
			linkReaderOf(dump).links.Close()
			for i := range 3 {
				sameAsFiles(t, dump, files, fmt.Sprintf("scrape %d after the failure", i+1))
			}
			if linkReaderOf(dump) != nil {
				t.Error("the collector still reads the dump")
			}
			if n := strings.Count(logged.String(), "\n"); n != 1 || !strings.Contains(logged.String(), "collector="+name) {
				t.Errorf("logged %d lines, want one naming the collector:\n%s", n, logged.String())
			}
		})
	}
}
