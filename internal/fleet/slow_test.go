package fleet

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSlowQueriesKept: the CPU count and time to full are asked once a
// minute, not every refresh; a kept time to full counts down with the
// clock; a host new to the fleet has them asked again at the next
// refresh.
func TestSlowQueriesKept(t *testing.T) {
	t.Parallel()
	o := New(Options{}).o
	now := time.Unix(1772366400, 0).UTC()
	answers := map[string]string{
		"up":                      "instance:a:9100=1",
		qCores(""):                "instance:a:9100=4",
		qFSUsed(""):               "instance:a:9100,mountpoint:/=91",
		qFSFull("", o.FillWindow): "instance:a:9100,mountpoint:/=7200",
	}
	var mu sync.Mutex
	asked := map[string]int{}
	fake := fakeHandler(answers)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		asked[r.Form.Get("query")]++
		if r.Form.Get("query") == "up" && asked["up"] >= 4 {
			w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[` +
				`{"metric":{"instance":"a:9100"},"value":[1772366400,"1"]},{"metric":{"instance":"b:9100"},"value":[1772366400,"1"]}]}}`))
			mu.Unlock()
			return
		}
		mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	f := newFleet(t, srv.URL)
	type seen struct {
		Cores, Full int
		FSFull      time.Duration
	}
	var got []seen
	// 0 and 10 s: one ask; 70 s: a minute on, asked again; 80 s: b is new
	// (up's fourth answer); 85 s: asked again for it.
	for _, at := range []time.Duration{0, 10 * time.Second, 70 * time.Second, 80 * time.Second, 85 * time.Second} {
		snap := f.Refresh(context.Background(), now.Add(at))
		if snap.Err != nil {
			t.Fatal(snap.Err)
		}
		mu.Lock()
		got = append(got, seen{asked[qCores("")], asked[qFSFull("", o.FillWindow)], snap.Hosts[0].FSFull})
		mu.Unlock()
	}
	want := []seen{{1, 1, 2 * time.Hour}, {1, 1, 2*time.Hour - 10*time.Second}, {2, 2, 2 * time.Hour},
		{2, 2, 2*time.Hour - 10*time.Second}, {3, 3, 2 * time.Hour}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queries asked and time to full, refresh by refresh (-want +got):\n%s", diff)
	}
}
