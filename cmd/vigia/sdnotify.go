package main

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// sdNotifier tells the service manager about vigia's state with the
// sd_notify datagram protocol: one "KEY=value" datagram per state on the
// unix socket named by $NOTIFY_SOCKET (a leading @ is Linux's abstract
// namespace, which the net package maps). Written in Go rather than linked
// from libsystemd, so the binary stays static. A nil *sdNotifier, vigia
// not started by a service manager, does nothing.
type sdNotifier struct {
	addr string
	// every is half the watchdog timeout systemd asks for (WATCHDOG_USEC),
	// as sd_watchdog_enabled advises; 0 when the watchdog is off.
	every time.Duration
}

// newSDNotifier reads $NOTIFY_SOCKET and the watchdog's $WATCHDOG_USEC and
// $WATCHDOG_PID (the watchdog is this process's only when the PID is unset
// or pid). It returns nil when there is no socket.
func newSDNotifier(getenv func(string) string, pid int) *sdNotifier {
	addr := getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	n := &sdNotifier{addr: addr}
	if p := getenv("WATCHDOG_PID"); p != "" && p != strconv.Itoa(pid) {
		return n
	}
	if usec, err := strconv.ParseInt(getenv("WATCHDOG_USEC"), 10, 64); err == nil && usec > 0 {
		n.every = time.Duration(usec) * time.Microsecond / 2
	}
	return n
}

// notify sends one state, such as "READY=1".
func (n *sdNotifier) notify(state string) error {
	if n == nil {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("service manager notification %s: %w", state, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("service manager notification %s: %w", state, err)
	}
	return nil
}

// watchdog sends WATCHDOG=1 every half timeout while alive reports true,
// so a vigia that is wedged is restarted by the manager rather than left
// serving stale readings. It returns when ctx is done, at once when the
// watchdog is off. Errors are returned only from the first ping: a
// socket that vanishes later is the manager's to notice.
func (n *sdNotifier) watchdog(ctx context.Context, alive func() bool) error {
	if n == nil || n.every <= 0 {
		return nil
	}
	if err := n.notify("WATCHDOG=1"); err != nil {
		return err
	}
	t := time.NewTicker(n.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if alive() {
				_ = n.notify("WATCHDOG=1")
			}
		}
	}
}

// engineProgressing is the watchdog's liveness check over the engine's
// health: alive while nothing waits for analysis or the analysers have
// got through some since the last check. An idle engine (a 24h interval)
// stays alive; one whose analysers have stopped with readings queued does
// not. Only the watchdog's goroutine calls it.
func engineProgressing(health func() reading.Health) func() bool {
	var last uint64
	return func() bool {
		h := health()
		ok := h.QueueLen == 0 || h.Readings != last
		last = h.Readings
		return ok
	}
}
