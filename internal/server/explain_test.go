package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
)

// spanExplainer answers with the spans it was asked for, or err.
type spanExplainer struct{ err error }

func (e spanExplainer) Explain(_ context.Context, before, from, to time.Time) (explain.Result, error) {
	return explain.Result{BeforeFrom: before, From: from, To: to}, e.err
}

func TestExplainAPI(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	s, _ := newTestServer(t, func(o *Options) { o.Explainer = spanExplainer{} })
	quiet, _ := newTestServer(t, func(o *Options) { o.Explainer = spanExplainer{err: ErrNotFound} })
	none, _ := newTestServer(t, nil)
	tests := []struct {
		name     string
		srv      *Server
		query    string
		want     int
		from, to time.Time
		before   time.Time
		msg      string
	}{
		{"a moment is the minute up to it", s, "at=2026-03-01T03:00:00Z", 200, at.Add(-time.Minute), at, at.Add(-5 * time.Minute), ""},
		{"a span, and the span before it given", s, "from=2026-03-01T02:50:00Z&to=2026-03-01T03:00:00Z&before=1h", 200,
			at.Add(-10 * time.Minute), at, at.Add(-70 * time.Minute), ""},
		{"a span, four times as long before it", s, "from=2026-03-01T02:50:00Z&to=2026-03-01T03:00:00Z", 200,
			at.Add(-10 * time.Minute), at, at.Add(-50 * time.Minute), ""},
		{"nothing asked", s, "", 400, time.Time{}, time.Time{}, time.Time{}, "give at=TIME"},
		{"from without to", s, "from=2026-03-01T02:50:00Z", 400, time.Time{}, time.Time{}, time.Time{}, "give at=TIME"},
		{"both", s, "at=2026-03-01T03:00:00Z&from=2026-03-01T02:50:00Z", 400, time.Time{}, time.Time{}, time.Time{}, "not both"},
		{"a bad time", s, "at=03:00", 400, time.Time{}, time.Time{}, time.Time{}, `at="03:00" is not an RFC 3339 time`},
		{"backwards", s, "from=2026-03-01T03:00:00Z&to=2026-03-01T02:00:00Z", 400, time.Time{}, time.Time{}, time.Time{}, "from must be before to"},
		{"a bad before", s, "at=2026-03-01T03:00:00Z&before=-1m", 400, time.Time{}, time.Time{}, time.Time{}, "before=\"-1m\" is not a positive duration"},
		{"a typo", s, "att=2026-03-01T03:00:00Z", 400, time.Time{}, time.Time{}, time.Time{}, `unknown query parameter "att"`},
		{"nothing recorded", quiet, "at=2026-03-01T03:00:00Z", 404, time.Time{}, time.Time{}, time.Time{}, "records no history"},
		{"no explainer", none, "at=2026-03-01T03:00:00Z", 404, time.Time{}, time.Time{}, time.Time{}, "not available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := get(t, tt.srv.routes(), http.MethodGet, "/api/v1/explain?"+tt.query)
			var e apiError
			json.Unmarshal(w.Body.Bytes(), &e)
			if w.Code != tt.want || !strings.Contains(e.Error, tt.msg) {
				t.Fatalf("GET ?%s: %d %s; want %d and %q", tt.query, w.Code, w.Body, tt.want, tt.msg)
			}
			if tt.want != 200 {
				return
			}
			var got explain.Result
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			want := explain.Result{From: tt.from, To: tt.to, BeforeFrom: tt.before}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET ?%s asked (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

// fullExplainer answers with a result of every part: processes, cgroups,
// exits with their I/O, and events.
type fullExplainer struct{}

func (fullExplainer) Explain(_ context.Context, before, from, to time.Time) (explain.Result, error) {
	cg := explain.Subject{Kind: explain.Cgroup, ID: "/system.slice/db.service", Name: "/system.slice/db.service"}
	oom := reading.Event{Time: from, Kind: reading.EventOOMKill, PID: 9, Comm: "java", Cgroup: cg.ID, Count: 1}
	return explain.Result{BeforeFrom: before, From: from, To: to,
		Cgroups: []explain.Ranked{{Resource: explain.CPU, Rise: 30, Rose: []explain.Line{{Subject: cg, After: 30, Delta: 30, Share: 1}}}},
		Exited: explain.Exited{Count: 1, CPUSeconds: 2, Delta: 2, Processes: []explain.Exit{{
			Subject: explain.Subject{Kind: explain.Process, Name: "gzip", PID: 77}, PPID: 1, CPUSeconds: 2, Share: 1,
			ReadBytes: 1 << 20, WriteBytes: 2 << 20, Signal: "SIGKILL", Count: 1}}},
		Events: []explain.Event{{Time: from, Event: &oom}},
	}, nil
}

// TestExplainAPIParts: the answer carries the cgroups, the exits and the
// events; the exits' I/O only to an agent with a token, as
// /api/v1/processes/exited.
func TestExplainAPIParts(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"", "s3cret"} {
		s, _ := newTestServer(t, func(o *Options) { o.Explainer = fullExplainer{}; o.Token = token })
		w := get(t, s.Handler(), http.MethodGet, "/api/v1/explain?at=2026-03-01T03:00:00Z", "Authorization", "Bearer "+token)
		if w.Code != 200 {
			t.Fatalf("token %q: %d %s", token, w.Code, w.Body)
		}
		var got struct {
			Cgroups []struct {
				Resource string `json:"resource"`
				Rose     []struct {
					Kind, ID string
					Share    float64
				} `json:"rose"`
			} `json:"cgroups"`
			Exited struct {
				Count     int `json:"count"`
				Processes []struct {
					Name   string `json:"name"`
					PPID   int32  `json:"ppid"`
					Signal string `json:"signal"`
					Read   uint64 `json:"io_read_bytes"`
					Share  float64
				} `json:"processes"`
			} `json:"exited"`
			Events []struct {
				Event *reading.Event `json:"event"`
			} `json:"events"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Cgroups) != 1 || got.Cgroups[0].Resource != "cpu" || len(got.Cgroups[0].Rose) != 1 ||
			got.Cgroups[0].Rose[0].Kind != "cgroup" || got.Cgroups[0].Rose[0].ID != "/system.slice/db.service" || got.Cgroups[0].Rose[0].Share != 1 {
			t.Errorf("token %q: cgroups = %+v", token, got.Cgroups)
		}
		if got.Exited.Count != 1 || len(got.Exited.Processes) != 1 || got.Exited.Processes[0].Name != "gzip" ||
			got.Exited.Processes[0].PPID != 1 || got.Exited.Processes[0].Signal != "SIGKILL" {
			t.Errorf("token %q: exited = %+v", token, got.Exited)
		}
		if read := got.Exited.Processes[0].Read; (read != 0) != (token != "") {
			t.Errorf("token %q: the exit's bytes read = %d; want them only with a token", token, read)
		}
		if len(got.Events) != 1 || got.Events[0].Event == nil || got.Events[0].Event.Kind != reading.EventOOMKill {
			t.Errorf("token %q: events = %+v, want the OOM kill", token, got.Events)
		}
	}
}
