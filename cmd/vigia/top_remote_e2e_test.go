package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// remoteAgent is a `vigia serve` child watching the procs-odd fixture, whose
// processes (nostatus, defunct) no real machine here has.
type remoteAgent struct {
	cmd  *exec.Cmd
	done chan error
}

func startRemoteAgent(t *testing.T, addr, tokenFile string) *remoteAgent {
	t.Helper()
	root := "../../internal/sensor/testdata/procs-odd"
	cmd := exec.Command(vigiaBin, "serve", "--listen", addr, "--token-file", tokenFile, "--no-record",
		"--procfs", root+"/proc", "--sysfs", root+"/sys", "--sensors", "cpu,memory,processes", "--interval", "500ms")
	cmd.Env = cleanEnv(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := &remoteAgent{cmd: cmd, done: make(chan error, 1)}
	go func() { a.done <- cmd.Wait() }()
	t.Cleanup(a.stop)
	tok, _ := os.ReadFile(tokenFile)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/status", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return a
			}
		}
	}
	t.Fatal("the agent did not answer within 10 s")
	return nil
}

// stop ends the agent, our own child, by its PID.
func (a *remoteAgent) stop() {
	if a.cmd.ProcessState != nil {
		return
	}
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.done:
	case <-time.After(5 * time.Second):
		a.cmd.Process.Kill()
		<-a.done
	}
}

func writeToken(t *testing.T, tok string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(f, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTopRemoteInTmux runs top --remote against an agent as a user would:
// the agent's processes, not this machine's, under a REMOTE header; the
// agent restarted on the same port is followed again; signals are off
// and say why; q quits.
func TestTopRemoteInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	tf := writeToken(t, "remote-e2e-token-0123456789")
	addr := freeAddr(t)
	a := startRemoteAgent(t, addr, tf)

	p := newPane(t, "vigia-remote", 140, 40)
	p.keys(vigiaBin+" top --remote http://"+addr+" --token-file "+tf, "Enter")
	s := p.waitFor("the agent's processes", func(s string) bool {
		return strings.Contains(s, "REMOTE") && strings.Contains(s, "[nostatus]") && strings.Contains(s, "[defunct]")
	})
	if strings.Contains(s, "tmux") || strings.Contains(s, "bash") {
		t.Errorf("this machine's processes are on the remote view:\n%s", s)
	}

	a.stop()
	p.waitFor("the agent unreachable", contains("agent unreachable"))
	startRemoteAgent(t, addr, tf)
	p.waitFor("the agent followed again", func(s string) bool {
		head, _, _ := strings.Cut(s, "\n")
		return !strings.Contains(head, "unreachable") && strings.Contains(head, "REMOTE") && strings.Contains(s, "[nostatus]")
	})

	p.keys("k")
	p.waitFor("why signals are off", contains("signals are off: this is another machine's dashboard"))
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "COMMAND") && strings.Contains(s, "--remote") })
}

// TestTopRemoteBadInput: a wrong token, nothing listening, and something
// that is not an agent each say so on screen, keep retrying, and q quits.
func TestTopRemoteBadInput(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	tf := writeToken(t, "remote-e2e-token-0123456789")
	addr := freeAddr(t)
	startRemoteAgent(t, addr, tf)
	web := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>a router</html>"))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	webAddr := ln.Addr().String()
	go web.Serve(ln)
	t.Cleanup(func() { web.Close() })

	tests := []struct{ name, args, want string }{
		{"wrong token", "--remote http://" + addr + " --token-file " + writeToken(t, "not-the-agents-token-at-all"),
			"the agent refused the token (401)"},
		{"no token", "--remote http://" + addr, "the agent needs a token (401)"},
		{"nothing listening", "--remote http://" + freeAddr(t), "agent unreachable (dial tcp"},
		{"not an agent", "--remote http://" + webAddr, "not a vigia agent"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPane(t, "vigia-remote-bad"+string(rune('a'+i)), 160, 24)
			p.keys(vigiaBin+" top "+tt.args, "Enter")
			p.waitFor(tt.want, contains(tt.want))
			p.waitFor("a retry", contains("retrying in"))
			p.keys("q")
			p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "REMOTE") })
		})
	}
}
