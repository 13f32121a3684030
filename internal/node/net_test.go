package node

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// netCollectors builds each network collector over a fixture machine; the
// sockstat page size is fixed so golden files do not depend on the host.
func netCollectors(t testing.TB, dir string) map[string]Collector {
	t.Helper()
	fs, err := procfs.NewFS(filepath.Join(dir, "proc"), filepath.Join(dir, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{FS: fs}
	cs := map[string]Collector{}
	for name, mk := range map[string]func(Env) (Collector, error){
		"arp": newARP, "conntrack": newConntrack, "netclass": newNetclass, "netdev": newNetdev,
		"netstat": newNetstat, "sockstat": newSockstat, "softnet": newSoftnet,
	} {
		c, err := mk(env)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := c.(*sockstat); ok {
			s.pageSize = 4096
		}
		cs[name] = c
	}
	return cs
}

// TestNetCollectors: every network collector over a copy of a real 6.18
// machine (eth0 with an unknown speed, lo and a down ifb0 lacking several
// attributes, an ARP entry on a device /proc/net/dev lacks) and over an
// old, small one (no IPv6, no conntrack module, no /sys/class/net, 64
// CPUs with 11 softnet columns).
func TestNetCollectors(t *testing.T) {
	t.Parallel()
	noData := map[string]bool{"net-old/conntrack": true, "net-old/netclass": true}
	for _, machine := range []string{"net-basic", "net-old"} {
		for name, c := range netCollectors(t, filepath.Join("testdata", machine)) {
			t.Run(machine+"/"+name, func(t *testing.T) {
				if noData[machine+"/"+name] {
					if got, err := scrape(t, c); !errors.Is(err, ErrNoData) || got != "" {
						t.Errorf("want no data and no series, got %v and\n%s", err, got)
					}
					return
				}
				checkGolden(t, c, machine+"-"+name)
				// A second scrape reuses buffers and caches: it must
				// give the same exposition.
				checkGolden(t, c, machine+"-"+name)
			})
		}
	}
}

// TestNetCollectorsFailOnGarbage: a file the kernel would never write
// fails its collector with an error naming the file, never a panic.
func TestNetCollectorsFailOnGarbage(t *testing.T) {
	t.Parallel()
	for name, file := range map[string]string{
		"arp": "net/arp", "conntrack": "net/stat/nf_conntrack", "netdev": "net/dev", "netstat": "net/snmp",
		"sockstat": "net/sockstat", "softnet": "net/softnet_stat",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyTree(t, filepath.Join("testdata", "net-basic"), dir)
			if err := os.WriteFile(filepath.Join(dir, "proc", file), []byte("garbage: 1 2 3\nx y\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := scrape(t, netCollectors(t, dir)[name])
			if err == nil || errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), file) {
				t.Errorf("error %v, want one naming %s", err, file)
			}
		})
	}
}

// TestConntrackWithoutStatFile: the count and limit are served when the
// per-CPU stat file is missing, and the collector reports no data.
func TestConntrackWithoutStatFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "net-basic"), dir)
	if err := os.Remove(filepath.Join(dir, "proc", "net", "stat", "nf_conntrack")); err != nil {
		t.Fatal(err)
	}
	got, err := scrape(t, netCollectors(t, dir)["conntrack"])
	if !errors.Is(err, ErrNoData) || !strings.Contains(got, "node_nf_conntrack_entries_limit 262144") || strings.Contains(got, "stat_") {
		t.Errorf("err %v, exposition:\n%s", err, got)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func benchmarkNet(b *testing.B, name string) {
	c := netCollectors(b, filepath.Join("testdata", "net-basic"))[name]
	var buf buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.samples, buf.labels = buf.samples[:0], buf.labels[:0]
		if err := c.Update(buf.emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCollectorARP(b *testing.B)       { benchmarkNet(b, "arp") }
func BenchmarkCollectorConntrack(b *testing.B) { benchmarkNet(b, "conntrack") }
func BenchmarkCollectorNetclass(b *testing.B)  { benchmarkNet(b, "netclass") }
func BenchmarkCollectorNetdev(b *testing.B)    { benchmarkNet(b, "netdev") }
func BenchmarkCollectorNetstat(b *testing.B)   { benchmarkNet(b, "netstat") }
func BenchmarkCollectorSockstat(b *testing.B)  { benchmarkNet(b, "sockstat") }
func BenchmarkCollectorSoftnet(b *testing.B)   { benchmarkNet(b, "softnet") }
