package fleet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRefreshAsksOnlyWhatChanged: the since subquery is asked of the
// hosts whose up changed alone, and the sparkline's range query after the
// first refresh only for the points after the last one, which join those
// kept, and not at all until there is one.
func TestRefreshAsksOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	now := time.Unix(1772366400, 0).UTC()
	o := New(Options{}).o
	var mu sync.Mutex
	var asked []string
	var starts []float64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		q := r.Form.Get("query")
		mu.Lock()
		asked = append(asked, q)
		mu.Unlock()
		var res string
		switch {
		case q == "up":
			res = `{"metric":{"instance":"a:1"},"value":[1772366400,"1"]},{"metric":{"instance":"b:1"},"value":[1772366400,"1"]}`
		case q == qChanged(o.Lookback):
			res = `{"metric":{"instance":"a:1"},"value":[1772366400,"2"]}`
		case strings.HasPrefix(q, "label_replace"):
			res = `{"metric":{"instance":"a:1","q":"down"},"value":[1772366400,"1772366000"]}`
		case strings.HasSuffix(r.URL.Path, "query_range"):
			// Each point's value is its time's tens of seconds past now-30s.
			start, _ := strconv.ParseFloat(r.Form.Get("start"), 64)
			end, _ := strconv.ParseFloat(r.Form.Get("end"), 64)
			mu.Lock()
			starts = append(starts, start)
			mu.Unlock()
			var ps []string
			for ts := start; ts <= end; ts += 10 {
				ps = append(ps, fmt.Sprintf(`[%g,"%g"]`, ts, (ts-1772366370)/10))
			}
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"a:1"},"values":[%s]}]}}`, strings.Join(ps, ","))
			return
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[%s]}}`, res)
	}))
	defer srv.Close()
	c, err := NewClient(ClientOptions{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	f := New(Options{Prometheus: c, Spark: 30 * time.Second, SparkPoints: 3})
	snap := f.Refresh(context.Background(), now)
	if snap.Err != nil || len(snap.Problems) > 0 {
		t.Fatal(snap.Err, snap.Problems)
	}
	wantSince := qSince(`instance=~"a:1"`, o.Lookback, o.Step)
	found := false
	for _, q := range asked {
		found = found || q == wantSince
	}
	if !found {
		t.Errorf("the since subquery was not asked of a:1 alone; asked %q", asked)
	}
	a, b := snap.Hosts[0], snap.Hosts[1]
	if !a.Since.Equal(time.Unix(1772366015, 0)) || !b.Since.IsZero() || a.Young || b.Young {
		t.Errorf("since: a %v (young %v), b %v (young %v); want a since 18:06:55 and b held through the lookback",
			a.Since, a.Young, b.Since, b.Young)
	}
	if diff := cmp.Diff([]float64{1, 2, 3}, a.CPUHistory); diff != "" {
		t.Errorf("first sparkline mismatch (-want +got):\n%s", diff)
	}

	// Ten seconds on, on a grid of 10 s: now+10s alone is asked; five
	// more, nothing.
	for _, d := range []time.Duration{14 * time.Second, 19 * time.Second} {
		snap = f.Refresh(context.Background(), now.Add(d))
		if diff := cmp.Diff([]float64{2, 3, 4}, snap.Hosts[0].CPUHistory); diff != "" {
			t.Errorf("sparkline %v on mismatch (-want +got):\n%s", d, diff)
		}
	}
	// Much later: the kept points are all too old, and the whole span is asked.
	snap = f.Refresh(context.Background(), now.Add(time.Hour))
	want := []float64{361, 362, 363}
	if diff := cmp.Diff(want, snap.Hosts[0].CPUHistory); diff != "" {
		t.Errorf("sparkline an hour on mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1772366380, 1772366410, 1772369980}, starts); diff != "" {
		t.Errorf("range query starts mismatch (-want +got):\n%s", diff)
	}
}
