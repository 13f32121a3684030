package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

func TestNewSDNotifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want *sdNotifier
	}{
		{"not under a service manager", map[string]string{"WATCHDOG_USEC": "30000000"}, nil},
		{"notify, no watchdog", map[string]string{"NOTIFY_SOCKET": "/run/systemd/notify"}, &sdNotifier{addr: "/run/systemd/notify"}},
		{"watchdog at half the timeout", map[string]string{"NOTIFY_SOCKET": "@abstract", "WATCHDOG_USEC": "30000000"},
			&sdNotifier{addr: "@abstract", every: 15 * time.Second}},
		{"watchdog for this pid", map[string]string{"NOTIFY_SOCKET": "/s", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "42"},
			&sdNotifier{addr: "/s", every: time.Second}},
		{"watchdog for another pid", map[string]string{"NOTIFY_SOCKET": "/s", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "43"},
			&sdNotifier{addr: "/s"}},
		{"malformed timeout", map[string]string{"NOTIFY_SOCKET": "/s", "WATCHDOG_USEC": "30s"}, &sdNotifier{addr: "/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := newSDNotifier(func(k string) string { return tt.env[k] }, 42)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(sdNotifier{})); diff != "" {
				t.Errorf("newSDNotifier mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// notifySocket listens where a service manager would, and returns what
// it receives, one datagram per string.
func notifySocket(t *testing.T) (string, <-chan string) {
	t.Helper()
	// A short path: sun_path holds 108 bytes, and test temp dirs are long.
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	return path, got
}

// next returns the next datagram, or fails after d.
func next(t *testing.T, got <-chan string, d time.Duration) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(d):
		t.Fatalf("no notification within %v", d)
		return ""
	}
}

func TestSDWatchdogPingsWhileAlive(t *testing.T) {
	t.Parallel()
	path, got := notifySocket(t)
	n := &sdNotifier{addr: path, every: 5 * time.Millisecond}
	alive := make(chan bool, 1)
	alive <- true
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- n.watchdog(ctx, func() bool {
			select {
			case a := <-alive:
				alive <- a
				return a
			default:
				return false
			}
		})
	}()
	for range 3 {
		if s := next(t, got, 5*time.Second); s != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1", s)
		}
	}
	// Wedged: no more pings, so the manager restarts vigia.
	<-alive
	alive <- false
	for len(got) > 0 { // pings sent before the switch
		<-got
	}
	time.Sleep(20 * n.every)
	for len(got) > 1 { // at most one in flight at the switch
		t.Fatalf("%d pings while not alive", len(got))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestSDNotifyNoSocket(t *testing.T) {
	t.Parallel()
	var n *sdNotifier
	if err := n.notify("READY=1"); err != nil {
		t.Errorf("nil notifier: %v", err)
	}
	missing := &sdNotifier{addr: filepath.Join(t.TempDir(), "none"), every: time.Second}
	if err := missing.watchdog(context.Background(), func() bool { return true }); err == nil || !strings.Contains(err.Error(), "WATCHDOG=1") {
		t.Errorf("watchdog on a missing socket: %v, want an error naming WATCHDOG=1", err)
	}
}

func TestEngineProgressing(t *testing.T) {
	t.Parallel()
	steps := []struct {
		h    reading.Health
		want bool
	}{
		{reading.Health{}, true},                             // idle from the start
		{reading.Health{Readings: 5, QueueLen: 2}, true},     // analysing
		{reading.Health{Readings: 5, QueueLen: 0}, true},     // idle, long interval
		{reading.Health{Readings: 5, QueueLen: 3}, false},    // queued, none analysed: wedged
		{reading.Health{Readings: 6, QueueLen: 3}, true},     // moving again
		{reading.Health{Readings: 6, QueueLen: 1024}, false}, // stuck full
	}
	var h reading.Health
	alive := engineProgressing(func() reading.Health { return h })
	for i, s := range steps {
		h = s.h
		if got := alive(); got != s.want {
			t.Errorf("step %d (%+v): alive %v, want %v", i, s.h, got, s.want)
		}
	}
}

// TestServeNotifiesServiceManager runs serve as systemd would start a
// Type=notify service with a watchdog: READY=1 once it serves, WATCHDOG=1
// pings at half WATCHDOG_USEC, STOPPING=1 when it stops.
func TestServeNotifiesServiceManager(t *testing.T) {
	t.Parallel()
	path, got := notifySocket(t)
	home := t.TempDir()
	environ := map[string]string{"HOME": home, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &syncBuffer{}, getenv: func(k string) string { return environ[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, e, []string{"--listen", "127.0.0.1:0", "--no-record", "--interval", "200ms"})
	}()
	var err error
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop within 10s")
		}
	}
	defer stop()
	if s := next(t, got, 20*time.Second); s != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", s)
	}
	for range 3 {
		if s := next(t, got, 5*time.Second); s != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1", s)
		}
	}
	stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("serve: %v", err)
	}
	for {
		s := next(t, got, time.Second)
		if s == "STOPPING=1" {
			break
		}
		if s != "WATCHDOG=1" {
			t.Fatalf("got %q before STOPPING=1", s)
		}
	}
}
