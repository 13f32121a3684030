package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/store"
)

// runTopIn runs vigia top in-process, as run would, with its clock stopped
// at now.
func runTopIn(t *testing.T, now time.Time, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		now: func() time.Time { return now }}
	code := exitCode(e, runTop(context.Background(), e, args))
	return stderr.String(), code
}

func TestTopReplayErrors(t *testing.T) {
	t.Parallel()
	now := at(0, 30, zone(t, "Pacific/Kiritimati"))
	path, _ := recordedDB(t, now)
	empty := filepath.Join(t.TempDir(), "empty.db")
	s, err := store.Open(empty, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--replay", "--db", path, "--from", "25:00"}, exitUsage, `--from: "25:00" is not a time`},
		{[]string{"--replay", "--db", path, "--to", "yesterday"}, exitUsage, `--to: "yesterday" is not a time`},
		{[]string{"--replay", "--db", missing, "--from", "soon"}, exitUsage, `--from: "soon" is not a time`},
		{[]string{"--replay", "--db", path, "--from", "10m", "--to", "20m"}, exitUsage, "is not before --to"},
		{[]string{"--replay", "--db", path, "--speed", "100"}, exitUsage, "--speed 100: want 1 to 64"},
		{[]string{"--from", "2h"}, exitUsage, "need --replay"},
		{[]string{"--replay", "--record"}, exitUsage, "exclude each other"},
		{[]string{"--replay", "--db", missing}, exitFailure, "no history database at " + missing},
		{[]string{"--replay", "--db", empty}, exitFailure, "is empty: nothing to replay"},
		{[]string{"--replay", "--db", path, "--from", "2000-01-01", "--to", "2000-01-02"}, exitFailure, "nothing recorded between 2000-01-01 00:00:00 and 2000-01-02 00:00:00"},
	}
	for _, tt := range tests {
		errOut, code := runTopIn(t, now, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("top %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestReplayRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	first, last := now.Add(-3*time.Hour), now.Add(-10*time.Minute)
	tests := []struct {
		from, to string
		want     store.Range
	}{
		{"", "", store.Range{From: last.Add(-time.Hour).Add(time.Millisecond), To: last.Add(time.Millisecond)}},
		{"2h", "", store.Range{From: now.Add(-2 * time.Hour), To: last.Add(time.Millisecond)}},
		{"", "11:00", store.Range{From: now.Add(-2 * time.Hour), To: now.Add(-time.Hour)}},
		{"", "9:30", store.Range{From: first, To: now.Add(-150 * time.Minute)}},
	}
	for _, tt := range tests {
		got, err := replayRange(replayFlags{from: tt.from, to: tt.to}, first, last, now)
		if err != nil || !got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To) {
			t.Errorf("replayRange(%q, %q) = %v, %v; want %v", tt.from, tt.to, got, err, tt.want)
		}
	}
}

// TestTopReplayInTmux records a few readings of this machine with vigia
// watch --record, then replays them in a tmux pane and sees the recorded
// values.
func TestTopReplayInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	db := filepath.Join(t.TempDir(), "rec.db")
	before := time.Now().Truncate(time.Second)
	if out, errOut, code := vigia(t, nil, "watch", "--record", "--db", db, "--count", "4", "--interval", "300ms", "--sensors", "cpu,memory,processes"); code != 0 {
		t.Fatalf("vigia watch --record: exit %d\n%s%s", code, out, errOut)
	}
	after := time.Now()
	out, errOut, code := vigia(t, nil, "history", "--db", db, "--metric", "cpu.cores", "--since", "1h", "--json")
	if code != 0 {
		t.Fatalf("vigia history: exit %d\n%s", code, errOut)
	}
	var h struct {
		Series []store.SeriesPoints `json:"series"`
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil || len(h.Series) != 1 || len(h.Series[0].Points) == 0 {
		t.Fatalf("history of cpu.cores: %v\n%s", err, out)
	}
	cores := fmt.Sprintf("%.0f cores", h.Series[0].Points[0].Max)

	p := newPane(t, "vigia-replay", 120, 38)
	p.keys(vigiaBin+" top --replay --db "+db, "Enter")
	p.waitFor("the replay", func(s string) bool {
		return strings.Contains(s, "REPLAY") && strings.Contains(s, "top procs as recorded")
	})
	p.keys("G")
	// The terminal may be caught between two lines of one frame's update:
	// wait for the whole frame, table count included.
	recordedProcs := regexp.MustCompile(`[1-9]\d*/[1-9]\d* top procs as recorded`)
	s := p.waitFor("the recorded CPU, memory and processes", func(s string) bool {
		return strings.Contains(s, cores) && strings.Contains(s, " total") && !strings.Contains(s, "waiting for the process list") &&
			recordedProcs.MatchString(s)
	})
	m := regexp.MustCompile(`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*\n`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no replay clock in the header:\n%s", s)
	}
	clk, err := time.ParseInLocation(time.DateTime, m[1], time.Local)
	if err != nil || clk.Before(before) || clk.After(after) {
		t.Errorf("replay clock %s (%v) is not within the recording, %s to %s", m[1], err, before.Format(time.TimeOnly), after.Format(time.TimeOnly))
	}
	p.keys("k")
	p.waitFor("signals refused", contains("recorded processes"))
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "REPLAY") })
}

// TestTopReplayFollowsARecordingInTmux: vigia watch --record goes on
// writing while vigia top --replay plays at the recording's end; the
// replay follows it instead of stopping at "end of the recording".
func TestTopReplayFollowsARecordingInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (Debian package tmux)")
	}
	t.Parallel()
	db := filepath.Join(t.TempDir(), "rec.db")
	rec := exec.Command(vigiaBin, "watch", "--record", "--db", db, "--interval", "300ms", "--sensors", "cpu,memory,processes")
	rec.Env = cleanEnv(t)
	if err := rec.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rec.Process.Signal(syscall.SIGINT)
		rec.Wait()
	})
	// Wait for the first readings to reach the database.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if s, err := store.Open(db, store.Options{ReadOnly: true}); err == nil {
			_, _, ok, err := s.Span()
			s.Close()
			if err == nil && ok {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("vigia watch --record wrote nothing in 15 s")
		}
	}

	p := newPane(t, "vigia-follow", 160, 50)
	p.keys(vigiaBin+" top --replay --db "+db, "Enter")
	p.waitFor("the replay", contains("REPLAY"))
	clock := regexp.MustCompile(`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*\n`)
	clockOf := func(s string) time.Time {
		m := clock.FindStringSubmatch(s)
		if m == nil {
			return time.Time{}
		}
		c, _ := time.ParseInLocation(time.DateTime, m[1], time.Local)
		return c
	}
	p.keys("G")
	p.keys("Space")
	start := clockOf(p.waitFor("the replay playing", contains("▶")))
	if start.IsZero() {
		t.Fatalf("no replay clock in the header:\n%s", p.screen())
	}
	s := p.waitFor("the replay following the recording 3 s on", func(s string) bool {
		if strings.Contains(s, "end of the recording") {
			t.Fatalf("the replay stopped at the end of a recording still being written:\n%s", s)
		}
		return clockOf(s).Sub(start) >= 3*time.Second
	})
	if !strings.Contains(s, "▶") {
		t.Errorf("the followed replay is not playing:\n%s", s)
	}
	p.keys("q")
	p.waitFor("the shell back", func(s string) bool { return !strings.Contains(s, "REPLAY") })
}
