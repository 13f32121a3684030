package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

type failingHistory struct{}

func (failingHistory) History(context.Context, string, string, time.Time, time.Time) ([]Series, error) {
	return nil, errors.New("/var/lib/vigia/vigia.db: disk I/O error")
}

type failingInspector struct{}

func (failingInspector) Inspect(context.Context, int32) (reading.ProcessDetail, error) {
	return reading.ProcessDetail{}, errors.New("open /proc/7/status: too many open files")
}

// A request the agent fails (500) is logged with the path asked for and
// the error, which names the file at fault: the client is not the only
// one who should learn of it.
func TestServerErrorsLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	s, _ := newTestServer(t, func(o *Options) {
		o.History, o.Inspector = failingHistory{}, failingInspector{}
		o.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	for _, target := range []string{"/api/v1/history/cpu/cpu.usage?since=1m", "/api/v1/processes/7"} {
		if w := get(t, s.Handler(), "GET", target, "Host", testHost); w.Code != 500 {
			t.Errorf("GET %s: %d, want 500", target, w.Code)
		}
	}
	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		delete(obj, "time")
		got = append(got, obj)
	}
	want := []map[string]any{
		{"level": "ERROR", "msg": "api: reading the history failed", "path": "/api/v1/history/cpu/cpu.usage",
			"error": "/var/lib/vigia/vigia.db: disk I/O error"},
		{"level": "ERROR", "msg": "api: reading a process failed", "path": "/api/v1/processes/7",
			"error": "open /proc/7/status: too many open files"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log lines mismatch (-want +got):\n%s", diff)
	}
}
