package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxPane drives one tmux server of the test's own (its -L socket), so it
// never touches the user's sessions.
type tmuxPane struct {
	t      *testing.T
	socket string
}

func (p *tmuxPane) run(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (p *tmuxPane) keys(keys ...string) {
	p.t.Helper()
	p.run(append([]string{"send-keys", "-t", "top"}, keys...)...)
}

func (p *tmuxPane) screen() string { p.t.Helper(); return p.run("capture-pane", "-p", "-t", "top") }

// waitFor polls the screen until ok holds, and fails with the last screen
// after 15 s.
func (p *tmuxPane) waitFor(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// newPane starts a shell in a cols×rows pane of a tmux server of the test's
// own, with a clean environment in English (cleanEnv: the test's time zone
// too, which env -i alone would drop), and waits for its prompt.
func newPane(t *testing.T, name string, cols, rows int) *tmuxPane {
	t.Helper()
	p := &tmuxPane{t: t, socket: fmt.Sprintf("%s-%d", name, os.Getpid())}
	// HISTFILE empty: the shell, hung up at the end, writes no history
	// into the test's HOME while the test removes it.
	env := append([]string{"env", "-i"}, cleanEnv(t, "TERM=xterm-256color", "PS1=$ ", "LANG=C.UTF-8", "HISTFILE=")...)
	p.run(append(append([]string{"-f", "/dev/null", "new-session", "-d", "-s", "top", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows)},
		env...), "bash", "--norc", "--noprofile")...)
	sock := strings.TrimSpace(p.run("display-message", "-p", "#{socket_path}"))
	shell, _ := strconv.Atoi(strings.TrimSpace(p.run("display-message", "-p", "#{pane_pid}")))
	t.Cleanup(func() {
		exec.Command("tmux", "-L", p.socket, "kill-server").Run()
		os.Remove(sock) // tmux leaves its socket file behind
		// The pane's shell ends after kill-server returns; wait for it so
		// that nothing it runs still writes in the test's directories.
		for end := time.Now().Add(5 * time.Second); shell > 0 && time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat("/proc/" + strconv.Itoa(shell)); err != nil {
				break
			}
		}
	})
	p.waitFor("the shell prompt", contains("$"))
	return p
}

// TestTopInTmux runs the dashboard as a user would, in a 160×50 tmux pane:
// sort by memory, filter to a process the test started, send it SIGTERM,
// see it gone, quit, and find the shell as it was.
func TestTopInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	if out, errOut, code := vigia(t, nil, "top", "--help"); code != 0 || !strings.Contains(out, "vigia top") {
		t.Fatalf("vigia top --help: exit %d\n%s%s", code, out, errOut)
	}
	t.Parallel()

	// A process of our own to find and signal, with an argument no other
	// process has.
	mark := strconv.Itoa(900000 + os.Getpid()%99999)
	child := exec.Command("sleep", mark)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	t.Cleanup(func() {
		child.Process.Kill() // only our own child, by its PID
		<-exited
	})
	pid := strconv.Itoa(child.Process.Pid)

	p := newPane(t, "vigia-e2e", 160, 50)

	start := time.Now()
	p.keys(vigiaBin+" top --interval 500ms", "Enter")
	p.waitFor("the process table", func(s string) bool { return strings.Contains(s, "COMMAND") && strings.Contains(s, " procs") })
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the first frame took %v", d)
	}

	p.keys("M")
	p.waitFor("the table sorted by memory", contains("MEM%▼"))

	p.keys("/")
	p.keys("-l", "sleep "+mark)
	p.keys("Enter")
	s := p.waitFor("the filtered table", func(s string) bool {
		return strings.Contains(s, "sleep "+mark) && strings.Contains(s, "1/")
	})
	rows := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " "), " sleep "+mark) {
			rows++
		}
	}
	if rows != 1 {
		t.Fatalf("the filter shows %d rows, want our process alone:\n%s", rows, s)
	}

	p.keys("k")
	p.waitFor("the signal menu", contains("Send a signal to "+pid))
	p.keys("Enter")
	p.waitFor("the confirmation", contains("Send SIGTERM to "+pid))
	p.keys("y")
	p.waitFor("the result in the status bar", contains("sent SIGTERM to "+pid))
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if err == nil || !strings.Contains(err.Error(), "terminated") {
			t.Errorf("sleep ended with %v, want terminated", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sleep did not exit after SIGTERM")
	}
	p.waitFor("the process gone from the table", contains("no process matches"))

	p.keys("q")
	s = p.waitFor("the shell back", func(s string) bool {
		return !strings.Contains(s, "COMMAND") && strings.Contains(s, "top --interval 500ms")
	})
	if strings.ContainsRune(s, '│') || strings.Contains(s, "vigia: ") {
		t.Errorf("the shell is not clean after quitting:\n%s", s)
	}
	state := p.run("display-message", "-p", "-t", "top", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
	if strings.TrimSpace(state) != "0 1 0" {
		t.Errorf("terminal state after quit (alternate screen, cursor shown, mouse reporting) = %q, want 0 1 0", state)
	}
	p.keys("echo still-here", "Enter")
	p.waitFor("the shell to answer", contains("\nstill-here"))
}

// TestTopSpanishInTmux runs the dashboard under a Spanish locale and looks
// for its words: a panel title, the table's header and its count.
func TestTopSpanishInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	p := newPane(t, "vigia-e2e-es", 160, 50)
	p.keys("LANG=es_ES.UTF-8 "+vigiaBin+" top --interval 500ms", "Enter")
	p.waitFor("the dashboard in Spanish", func(s string) bool {
		return strings.Contains(s, "Memoria ─") && strings.Contains(s, "ORDEN") && strings.Contains(s, " procesos")
	})
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "ORDEN") })
}
