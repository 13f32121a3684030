package node

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestUDPQueues: a machine with UDP sockets in both IP versions, one with
// IPv6 off (no /proc/net/udp6: its series are left out) and one without
// either file (no data).
func TestUDPQueues(t *testing.T) {
	t.Parallel()
	for _, machine := range []string{"udp-busy", "udp-v4only"} {
		t.Run(machine, func(t *testing.T) {
			t.Parallel()
			c := newCollector(t, fixtureEnv(t, filepath.Join("testdata", machine)), "udp_queues")
			checkGolden(t, c, machine)
			// The second scrape reuses the buffer.
			checkGolden(t, c, machine)
		})
	}
	t.Run("udp-none", func(t *testing.T) {
		t.Parallel()
		c := newCollector(t, fixtureEnv(t, filepath.Join("testdata", "udp-none")), "udp_queues")
		if got, err := scrape(t, c); !errors.Is(err, ErrNoData) || got != "" {
			t.Errorf("want no data and no series, got %v and\n%s", err, got)
		}
	})
}

// TestUDPQueuesFailOnGarbage: a file the kernel would never write fails
// the collector with an error naming it.
func TestUDPQueuesFailOnGarbage(t *testing.T) {
	t.Parallel()
	dir, _ := tempMachine(t, map[string]string{
		"proc/net/udp":  "   sl  local_address rem_address   st tx_queue rx_queue\n",
		"proc/net/udp6": "  sl  local_address\n  1: 0:1 0:0 07 00000001:0000000x 00:00000000 00000000 0 0 1 2 0 0\n",
	})
	_, err := scrape(t, newCollector(t, fixtureEnv(t, dir), "udp_queues"))
	if err == nil || !strings.Contains(err.Error(), filepath.Join("net", "udp6")) || !strings.Contains(err.Error(), "not hex") {
		t.Errorf("error = %v, want one naming net/udp6 and the bad column", err)
	}
}

func BenchmarkCollectorUDPQueues(b *testing.B) { benchCollector(b, "udp-busy", "udp_queues") }
