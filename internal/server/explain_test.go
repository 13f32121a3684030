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
