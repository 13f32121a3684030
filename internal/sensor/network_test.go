package sensor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

const netdevHeader = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
`

func TestNetwork(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "disks")
	path := filepath.Join(root, "proc", "net", "dev")
	n := NewNetwork(fs)
	if n.Name() != reading.SensorNetwork {
		t.Errorf("Name() = %q", n.Name())
	}
	writeFile(t, path, netdevHeader+`
    lo:  1000  10 0 0 0 0 0 0  1000  10 0 0 0 0 0 0
  eth0:  5000  50 1 2 0 0 0 0  3000  30 3 4 0 0 0 0
   wg0:  9000  90 0 0 0 0 0 0  9000  90 0 0 0 0 0 0
 gone0:     1   1 0 0 0 0 0 0     1   1 0 0 0 0 0 0
`)
	if _, err := n.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() error = %v, want ErrWarmup", err)
	}
	// Two seconds later: eth0 moved, wg0 was re-created (its counters went
	// down), gone0 left and new0 arrived.
	writeFile(t, path, netdevHeader+`
    lo:  3000  30 0 0 0 0 0 0  3000  30 0 0 0 0 0 0
  eth0: 25000 250 1 4 0 0 0 0 13000 130 3 4 0 0 0 0
   wg0:   100   1 0 0 0 0 0 0   100   1 0 0 0 0 0 0
  new0:   500   5 0 0 0 0 0 0   500   5 0 0 0 0 0 0
`)
	r, err := n.Read(context.Background(), t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r.Primary != reading.NetThroughput || r.Sensor != reading.SensorNetwork {
		t.Errorf("reading %q primary %q", r.Sensor, r.Primary)
	}
	var got []string
	for _, l := range metricLines(r) {
		// The counters are checked once below; here the rates matter.
		if !strings.Contains(l, " counter") {
			got = append(got, l)
		}
	}
	want := []string{
		`net.throughput 15000 B/s`, // eth0's 10000 + 5000; lo left out, wg0 reset, new0 new
		`net.rx_bytes{device="lo"} 1000 B/s`,
		`net.tx_bytes{device="lo"} 1000 B/s`,
		`net.rx_packets{device="lo"} 10 /s`,
		`net.tx_packets{device="lo"} 10 /s`,
		`net.rx_errors{device="lo"} 0 /s`,
		`net.tx_errors{device="lo"} 0 /s`,
		`net.rx_drops{device="lo"} 0 /s`,
		`net.tx_drops{device="lo"} 0 /s`,
		`net.rx_bytes{device="eth0"} 10000 B/s`,
		`net.tx_bytes{device="eth0"} 5000 B/s`,
		`net.rx_packets{device="eth0"} 100 /s`,
		`net.tx_packets{device="eth0"} 50 /s`,
		`net.rx_errors{device="eth0"} 0 /s`,
		`net.tx_errors{device="eth0"} 0 /s`,
		`net.rx_drops{device="eth0"} 1 /s`,
		`net.tx_drops{device="eth0"} 0 /s`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rates mismatch (-want +got):\n%s", diff)
	}
	var eth0 []string
	for _, l := range metricLines(r) {
		if strings.Contains(l, `"eth0"`) && strings.Contains(l, " counter") {
			eth0 = append(eth0, l)
		}
	}
	wantTotals := []string{
		`net.receive_bytes_total{device="eth0"} 25000 B counter`,
		`net.transmit_bytes_total{device="eth0"} 13000 B counter`,
		`net.receive_packets_total{device="eth0"} 250 counter`,
		`net.transmit_packets_total{device="eth0"} 130 counter`,
		`net.receive_errs_total{device="eth0"} 1 counter`,
		`net.transmit_errs_total{device="eth0"} 3 counter`,
		`net.receive_drop_total{device="eth0"} 4 counter`,
		`net.transmit_drop_total{device="eth0"} 4 counter`,
	}
	if diff := cmp.Diff(wantTotals, eth0); diff != "" {
		t.Errorf("eth0 counters mismatch (-want +got):\n%s", diff)
	}
	for _, dev := range []string{"wg0", "new0"} {
		if !strings.Contains(strings.Join(metricLines(r), "\n"), `net.receive_bytes_total{device="`+dev+`"}`) {
			t.Errorf("%s has no counters in the reading", dev)
		}
	}
	if strings.Contains(strings.Join(metricLines(r), "\n"), "gone0") {
		t.Error("an interface that left is still reported")
	}

	// The next read has rates for the re-created and the new interface.
	writeFile(t, path, netdevHeader+`
  wg0:   300   3 0 0 0 0 0 0   100   1 0 0 0 0 0 0
  new0:  700   7 0 0 0 0 0 0   500   5 0 0 0 0 0 0
`)
	r, err = n.Read(context.Background(), t0.Add(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Value(reading.NetThroughput); v != 400 {
		t.Errorf("throughput after the reset = %v, want 400 (wg0 200 + new0 200)", v)
	}
}

func TestNetworkBadFile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, body, wantErr string }{
		{"truncated", netdevHeader + "eth0: 1 2 3", "net/dev line 3 (eth0): 3 counters, want 16"},
		{"garbage", "\x00\x01garbage\n", "net/dev line 1: no ':'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root, fs := copyMachine(t, "disks")
			writeFile(t, filepath.Join(root, "proc", "net", "dev"), tt.body)
			_, err := NewNetwork(fs).Read(context.Background(), t0)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), filepath.Join("proc", "net", "dev")) {
				t.Errorf("Read() error = %v, want one naming the file and containing %q", err, tt.wantErr)
			}
		})
	}
	root, fs := copyMachine(t, "disks")
	if err := os.Remove(filepath.Join(root, "proc", "net", "dev")); err != nil {
		t.Fatal(err)
	}
	if _, err := NewNetwork(fs).Read(context.Background(), t0); err == nil {
		t.Error("Read() without net/dev: no error")
	}
}

func TestNetworkThisMachine(t *testing.T) {
	t.Parallel()
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	n := NewNetwork(fs)
	now := time.Now()
	if _, err := n.Read(context.Background(), now); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first Read() = %v, want ErrWarmup", err)
	}
	r, err := n.Read(context.Background(), now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Value(reading.NetThroughput); !ok {
		t.Error("no throughput on this machine")
	}
	found := false
	for _, m := range r.Metrics {
		found = found || (m.Name == reading.NetRxBytesTotal && m.Label("device") == "lo")
	}
	if !found {
		t.Error("lo has no receive counter on this machine")
	}
}

func BenchmarkNetworkRead(b *testing.B) {
	n := NewNetwork(machineFS(b, "disks"))
	now := t0
	if _, err := n.Read(context.Background(), now); !errors.Is(err, ErrWarmup) {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		if _, err := n.Read(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}
