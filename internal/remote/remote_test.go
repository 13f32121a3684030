package remote

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/server"
)

const testToken = "0123456789abcdef0123"

// agentState is the agent's live state: one processes reading, whose
// table is what the dashboard would draw.
type agentState struct{}

func (agentState) Snapshot() []reading.Reading {
	return []reading.Reading{{Sensor: reading.SensorProcesses, Time: time.Now(), Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 1}},
		Processes: []reading.Process{{PID: 4242, Comm: "far-proc", State: "S"}}}}
}
func (agentState) ActiveAlerts() []reading.Transition      { return nil }
func (agentState) RecentTransitions() []reading.Transition { return nil }

type agentInspector struct{}

func (agentInspector) Inspect(_ context.Context, pid int32) (reading.ProcessDetail, error) {
	if pid != 4242 {
		return reading.ProcessDetail{}, syscall.ENOENT
	}
	return reading.ProcessDetail{Process: reading.Process{PID: 4242, Comm: "far-proc"}, Nice: 5}, nil
}

// agent is a real vigia agent's server on a loopback port, fed by the test.
type agent struct {
	addr string
	feed chan reading.Reading
	stop func()
}

// startAgent serves on addr ("127.0.0.1:0" for any port) until stop.
func startAgent(t *testing.T, addr string) *agent {
	t.Helper()
	feed := make(chan reading.Reading)
	s, err := server.New(server.Options{
		Listen: addr, Token: testToken, State: agentState{}, Inspector: agentInspector{}, Stream: feed,
		Health: func() reading.Health {
			return reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", Interval: 100 * time.Millisecond}}}
		},
		Version: "test", Hostname: "far-away",
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Serve(ctx, ln)
	}()
	a := &agent{addr: ln.Addr().String(), feed: feed}
	var once sync.Once
	a.stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(a.stop)
	return a
}

// send feeds one cpu reading to the agent.
func (a *agent) send(t *testing.T, v float64) {
	t.Helper()
	r := reading.Reading{Sensor: reading.SensorCPU, Time: time.Now(), Primary: reading.CPUUsage,
		Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: v, Unit: reading.Percent}}}
	select {
	case a.feed <- r:
	case <-time.After(5 * time.Second):
		t.Fatal("the agent took no reading within 5 s")
	}
}

// follow runs a client of url until the test ends.
func follow(t *testing.T, url, token string) (*Client, chan reading.Reading) {
	t.Helper()
	c, err := New(Options{URL: url, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan reading.Reading, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(ctx, out)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return c, out
}

// next waits for a reading of sensor; others are skipped.
func next(t *testing.T, out <-chan reading.Reading, sensor string) reading.Reading {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r := <-out:
			if r.Sensor == sensor {
				return r
			}
		case <-deadline:
			t.Fatalf("no %s reading within 10 s", sensor)
		}
	}
}

// waitState polls the client's state until ok says so.
func waitState(t *testing.T, c *Client, what string, ok func(State) bool) State {
	t.Helper()
	for range 200 {
		if s := c.State(); ok(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("state never %s: %+v", what, c.State())
	return State{}
}

func connected(s State) bool { return s.Connected }

// TestClientFollowsAgent: the snapshot's process table comes first, then
// live readings from the stream; the header learns the agent's host name
// and interval; details come on demand.
func TestClientFollowsAgent(t *testing.T) {
	t.Parallel()
	a := startAgent(t, "127.0.0.1:0")
	c, out := follow(t, "http://"+a.addr, testToken)
	procs := next(t, out, reading.SensorProcesses)
	if len(procs.Processes) != 1 || procs.Processes[0].Comm != "far-proc" {
		t.Errorf("snapshot's table = %+v, want the agent's far-proc", procs.Processes)
	}
	waitState(t, c, "connected", connected)
	a.send(t, 42)
	if r := next(t, out, reading.SensorCPU); r.Metrics[0].Value != 42 {
		t.Errorf("cpu reading = %+v, want 42", r.Metrics)
	}
	s := c.State()
	if s.Host != "far-away" || s.Interval != 100*time.Millisecond || s.LastEvent.IsZero() || s.Err != nil {
		t.Errorf("state = %+v, want host far-away, interval 100ms, an event and no error", s)
	}
	if !s.Stale(s.LastEvent.Add(301*time.Millisecond)) || s.Stale(s.LastEvent.Add(299*time.Millisecond)) {
		t.Error("stale should begin past three intervals")
	}
	d, err := c.Detail(4242)
	if err != nil || d.Comm != "far-proc" || d.Nice != 5 {
		t.Errorf("Detail(4242) = %+v, %v", d, err)
	}
	if _, err := c.Detail(7); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("Detail of a gone process = %v, want ESRCH", err)
	}
}

// cutter is a loopback proxy whose connections the test can cut: a
// network drop between the client and an agent that keeps running.
type cutter struct {
	ln    net.Listener
	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func newCutter(t *testing.T, to string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutter{ln: ln}
	t.Cleanup(func() { ln.Close(); p.cut(true) })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.down {
				p.mu.Unlock()
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", to)
			if err != nil {
				p.mu.Unlock()
				in.Close()
				continue
			}
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

// cut closes every connection; down refuses new ones until cut(false).
func (p *cutter) cut(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestClientResumesAfterDrop: a reading the agent sent while the network
// was down arrives after the reconnect, through Last-Event-ID (a fresh
// stream would start with the live ones), and the header keeps the host.
func TestClientResumesAfterDrop(t *testing.T) {
	t.Parallel()
	a := startAgent(t, "127.0.0.1:0")
	p := newCutter(t, a.addr)
	c, out := follow(t, "http://"+p.ln.Addr().String(), testToken)
	waitState(t, c, "connected", connected)
	a.send(t, 1)
	next(t, out, reading.SensorCPU)

	p.cut(true)
	waitState(t, c, "disconnected", func(s State) bool { return !s.Connected && s.Err != nil })
	a.send(t, 2) // while the client cannot hear
	p.cut(false)
	if r := next(t, out, reading.SensorCPU); r.Metrics[0].Value != 2 {
		t.Errorf("after the drop, first cpu = %v, want the missed 2", r.Metrics[0].Value)
	}
	s := waitState(t, c, "connected again", connected)
	if s.Host != "far-away" {
		t.Errorf("host after the drop = %q, want far-away", s.Host)
	}
}

// TestClientFollowsRestartedAgent: an agent restarted on the same port is
// followed again without the user doing anything.
func TestClientFollowsRestartedAgent(t *testing.T) {
	t.Parallel()
	a := startAgent(t, "127.0.0.1:0")
	c, out := follow(t, "http://"+a.addr, testToken)
	waitState(t, c, "connected", connected)
	a.send(t, 1)
	next(t, out, reading.SensorCPU)
	a.stop()
	waitState(t, c, "disconnected", func(s State) bool { return s.Err != nil })
	b := startAgent(t, a.addr)
	waitState(t, c, "connected again", connected)
	b.send(t, 3)
	if r := next(t, out, reading.SensorCPU); r.Metrics[0].Value != 3 {
		t.Errorf("after the restart, cpu = %v, want 3", r.Metrics[0].Value)
	}
	if s := c.State(); s.Host != "far-away" {
		t.Errorf("host after the restart = %q", s.Host)
	}
}

// TestClientSaysWhatIsWrong: a wrong token, something that is not an
// agent, and nothing listening each leave their own error, with a retry.
func TestClientSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	a := startAgent(t, "127.0.0.1:0")
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>a router's login page</html>")
	}))
	t.Cleanup(web.Close)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct {
		name, url, token string
		want             func(error) bool
	}{
		{"wrong token", "http://" + a.addr, "not-the-token-at-all", func(err error) bool { return errors.Is(err, ErrUnauthorized) }},
		{"no token", "http://" + a.addr, "", func(err error) bool { return errors.Is(err, ErrUnauthorized) }},
		{"not an agent", web.URL, testToken, func(err error) bool { return errors.Is(err, ErrNotAgent) }},
		{"nothing listening", "http://" + closed, testToken, func(err error) bool {
			return errors.Is(err, syscall.ECONNREFUSED)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := follow(t, tt.url, tt.token)
			s := waitState(t, c, "failed", func(s State) bool { return s.Err != nil })
			if !tt.want(s.Err) || s.Connected || s.Retry.IsZero() {
				t.Errorf("state = %+v (err %v)", s, s.Err)
			}
		})
	}
}

func TestNewRefusesBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "127.0.0.1:8519", "ftp://host", "http://", "http://user:pw@host:8519"} {
		if _, err := New(Options{URL: u}); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
	if _, err := New(Options{URL: "https://host:8519", CAFile: "/nonexistent"}); err == nil {
		t.Error("a missing CA file was accepted")
	}
}
