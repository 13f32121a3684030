package fleet

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeAPI answers each query the fleet asks from answers, by query text:
// a vector of "instance=value" pairs, or "error" for a failed query. A
// query it has no answer for gets an empty vector, as a series no host
// exports does.
func fakeAPI(t *testing.T, answers map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(fakeHandler(answers))
	t.Cleanup(srv.Close)
	return srv
}

func fakeHandler(answers map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		a, ok := answers[r.Form.Get("query")]
		if a == "error" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`)
			return
		}
		var res []string
		if ok {
			for _, pair := range strings.Fields(a) {
				labels, v, _ := strings.Cut(pair, "=")
				var ls []string
				for _, l := range strings.Split(labels, ",") {
					k, lv, _ := strings.Cut(l, ":")
					ls = append(ls, fmt.Sprintf("%q:%q", k, lv))
				}
				if strings.HasSuffix(r.URL.Path, "query_range") {
					res = append(res, fmt.Sprintf(`{"metric":{%s},"values":[[1772366390,%q],[1772366400,%q]]}`, strings.Join(ls, ","), v, v))
				} else {
					res = append(res, fmt.Sprintf(`{"metric":{%s},"value":[1772366400,%q]}`, strings.Join(ls, ","), v))
				}
			}
		}
		typ := "vector"
		if strings.HasSuffix(r.URL.Path, "query_range") {
			typ = "matrix"
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":%q,"result":[%s]}}`, typ, strings.Join(res, ","))
	})
}

func newFleet(t *testing.T, url string) *Fleet {
	t.Helper()
	c, err := NewClient(ClientOptions{URL: url, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{Prometheus: c, Spark: 20 * time.Second, SparkPoints: 2})
}

// TestRefreshHalfTheSeries reads a fleet of a full vigia host, a host with
// only up and CPU (an exporter with most collectors off), and a failing
// memory query.
func TestRefreshHalfTheSeries(t *testing.T) {
	t.Parallel()
	o := New(Options{}).o
	now := time.Unix(1772366400, 0).UTC()
	srv := fakeAPI(t, map[string]string{
		"up":                 "instance:a:9100,job:vigia=1 instance:b:9100,job:node=0 instance:c:9100,job:node=1",
		qChanged(o.Lookback): "instance:c:9100=1 instance:a:9100=1 instance:b:9100=1",
		qSince(`instance=~"a:9100|b:9100|c:9100"`, o.Lookback, o.Step): "instance:a:9100,q:down=1772366000 instance:b:9100,q:up=1772366390 instance:b:9100,q:first=1772362800",
		qIdle("", o.RateWindow):            "instance:a:9100=2.3 instance:b:9100=1.86",
		qCPU("", o.RateWindow):             "instance:a:9100=42.5 instance:b:9100=7",
		qCores(""):                         "instance:a:9100=4 instance:b:9100=2",
		qMem(""):                           "error",
		qLoad(""):                          "instance:a:9100=2",
		qFSUsed(""):                        "instance:a:9100,mountpoint:/var,device:sda2=91",
		qFSFull("", o.FillWindow):          "instance:a:9100,mountpoint:/var=7200 instance:a:9100,mountpoint:/=60",
		qNet("receive", "", o.RateWindow):  "instance:a:9100=1000",
		qNet("transmit", "", o.RateWindow): "instance:a:9100=2000",
		qVersion:                           "instance:a:9100,version:0.1.0=1",
		qAlerts:                            "instance:a:9100,alertname:fs.used,severity:warning=1 instance:a:9100,alertname:cpu.usage,severity:critical=1",
	})
	f := newFleet(t, srv.URL)
	got := f.Refresh(context.Background(), now)
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	nan := math.NaN()
	want := []Host{
		{Instance: "a:9100", Labels: map[string]string{"instance": "a:9100", "job": "vigia"}, Up: true, Since: time.Unix(1772366015, 0).UTC(),
			CPU: 42.5, Mem: nan, Load: 2, Cores: 4, FS: "/var", FSUsed: 91, FSFull: 2 * time.Hour, Rx: 1000, Tx: 2000, Version: "0.1.0",
			Alerts: []Alert{
				{Name: "cpu.usage", Severity: "critical", Since: time.Unix(1772366400, 0).UTC(), Labels: map[string]string{"instance": "a:9100", "alertname": "cpu.usage", "severity": "critical"}},
				{Name: "fs.used", Severity: "warning", Since: time.Unix(1772366400, 0).UTC(), Labels: map[string]string{"instance": "a:9100", "alertname": "fs.used", "severity": "warning"}},
			},
			CPUHistory: []float64{42.5, 42.5}},
		{Instance: "b:9100", Labels: map[string]string{"instance": "b:9100", "job": "node"}, Up: false, Since: time.Unix(1772366405, 0).UTC(),
			CPU: 7, Cores: 2, Mem: nan, Load: nan, FSUsed: nan, Rx: nan, Tx: nan, CPUHistory: []float64{7, 7}},
		// Scraped for less than one subquery step: no since yet.
		{Instance: "c:9100", Labels: map[string]string{"instance": "c:9100", "job": "node"}, Up: true, Young: true,
			CPU: nan, Mem: nan, Load: nan, FSUsed: nan, Rx: nan, Tx: nan},
	}
	if diff := cmp.Diff(want, got.Hosts, cmpopts.EquateNaNs(), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("hosts mismatch (-want +got):\n%s", diff)
	}
	if len(got.Problems) != 1 || got.Problems[0].What != "memory" || !strings.Contains(got.Problems[0].Error(), "many-to-many") {
		t.Errorf("problems = %v, want the memory query's", got.Problems)
	}
	if lpc := got.Hosts[0].LoadPerCore(); lpc != 0.5 {
		t.Errorf("load per core = %g, want 0.5", lpc)
	}
	if lpc := got.Hosts[1].LoadPerCore(); !math.IsNaN(lpc) {
		t.Errorf("load per core without cores = %g, want NaN", lpc)
	}
}

// TestRefreshUnreachableRecovers: a Prometheus that is not there is an
// error in the snapshot, and the same Fleet reads the hosts once it is.
func TestRefreshUnreachableRecovers(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := newFleet(t, "http://"+addr)
	snap := f.Refresh(context.Background(), time.Unix(1772366400, 0))
	if snap.Err == nil || !strings.Contains(snap.Err.Error(), "connection refused") || len(snap.Hosts) != 0 {
		t.Fatalf("refresh of an unreachable URL: err %v, %d hosts; want connection refused and none", snap.Err, len(snap.Hosts))
	}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := httptest.NewUnstartedServer(fakeHandler(map[string]string{"up": "instance:a:1=1"}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	if snap = f.Refresh(context.Background(), time.Unix(1772366400, 0)); snap.Err != nil || len(snap.Hosts) != 1 {
		t.Errorf("refresh once the API answers: err %v, hosts %v", snap.Err, snap.Hosts)
	}
}

// TestRefreshTimeout: a Prometheus slower than the timeout is an error,
// not a hang.
func TestRefreshTimeout(t *testing.T) {
	t.Parallel()
	var slow atomic.Bool
	slow.Store(true)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			<-release
		}
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(ClientOptions{URL: srv.URL, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	snap := New(Options{Prometheus: c}).Refresh(context.Background(), time.Unix(1772366400, 0))
	if snap.Err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("refresh against a stalled API: err %v after %v, want a timeout within 2s", snap.Err, time.Since(start))
	}
}

func TestSinceOf(t *testing.T) {
	now := time.Unix(10000, 0).UTC()
	o := New(Options{}).o // lookback 1h, step 15s
	tests := []struct {
		name string
		up   bool
		q    map[string]float64
		want time.Time
	}{
		{"up after being down", true, map[string]float64{"down": 9000, "up": 9990, "first": 6400}, time.Unix(9015, 0).UTC()},
		{"down after being up", false, map[string]float64{"down": 9990, "up": 9500, "first": 6400}, time.Unix(9515, 0).UTC()},
		{"up through the lookback", true, map[string]float64{"up": 9990, "first": 6400}, time.Time{}},
		{"up since it was first seen", true, map[string]float64{"up": 9990, "first": 9000}, time.Unix(9000, 0).UTC()},
		{"nothing known", false, nil, time.Time{}},
	}
	for _, tt := range tests {
		if got := sinceOf(tt.up, tt.q, now, o); !got.Equal(tt.want) {
			t.Errorf("%s: sinceOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRefreshAsksCoresAgain: a CPU count kept from a refresh that came
// before the host's CPUs were scraped is asked again at the next refresh,
// not after the minute it would be kept.
func TestRefreshAsksCoresAgain(t *testing.T) {
	t.Parallel()
	o := New(Options{}).o
	now := time.Unix(1772366400, 0).UTC()
	answers := func(cores string) http.Handler {
		return fakeHandler(map[string]string{
			"up":                    "instance:a:9100,job:node=1",
			qIdle("", o.RateWindow): "instance:a:9100=1.5",
			qMem(""):                "instance:a:9100=40",
			qCores(""):              cores,
		})
	}
	var h atomic.Pointer[http.Handler]
	first := answers("")
	h.Store(&first)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load()).ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	f := newFleet(t, srv.URL)
	if got := f.Refresh(context.Background(), now); got.Err != nil || len(got.Hosts) != 1 || got.Hosts[0].Cores != 0 {
		t.Fatalf("first refresh: %+v", got)
	}
	second := answers("instance:a:9100=2")
	h.Store(&second)
	got := f.Refresh(context.Background(), now.Add(5*time.Second))
	if got.Err != nil || len(got.Hosts) != 1 || got.Hosts[0].Cores != 2 || got.Hosts[0].CPU != 25 {
		t.Errorf("second refresh, 5 s later: %+v; want 2 cores and 25 %% CPU", got.Hosts)
	}
}
