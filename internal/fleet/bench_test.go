package fleet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// canned answers each path and query as h did the first time, so that the
// benchmark measures the client, not the fake's formatting.
func canned(h http.Handler) http.Handler {
	var mu sync.Mutex
	bodies := map[string][]byte{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		k := r.URL.Path + "?" + r.Form.Get("query")
		mu.Lock()
		body, ok := bodies[k]
		mu.Unlock()
		if !ok {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			body = rec.Body.Bytes()
			mu.Lock()
			bodies[k] = body
			mu.Unlock()
		}
		w.Write(body)
	})
}

// BenchmarkRefresh1000 is one refresh of 1,000 hosts against canned
// answers on loopback: the client's share of a refresh (requests, JSON
// decoding, assembling the hosts), which `vigia fleet` pays every refresh.
func BenchmarkRefresh1000(b *testing.B) {
	const n = 1000
	o := New(Options{}).o
	each := func(f func(i int) string) string {
		var sb strings.Builder
		for i := range n {
			sb.WriteString(f(i))
			sb.WriteByte(' ')
		}
		return sb.String()
	}
	inst := func(i int) string { return fmt.Sprintf("instance:host-%04d.example:9100", i) }
	srv := httptest.NewServer(canned(fakeHandler(map[string]string{
		"up":                               each(func(i int) string { return inst(i) + ",job:node,env:prod,datacenter:dc-1=1" }),
		qChanged(o.Lookback):               "",
		qIdle("", o.RateWindow):            each(func(i int) string { return inst(i) + "=2.3" }),
		qCPU("", o.RateWindow):             each(func(i int) string { return inst(i) + "=42.5" }),
		qCores(""):                         each(func(i int) string { return inst(i) + "=4" }),
		qMem(""):                           each(func(i int) string { return inst(i) + "=61.25" }),
		qLoad(""):                          each(func(i int) string { return inst(i) + "=1.5" }),
		qFSUsed(""):                        each(func(i int) string { return inst(i) + ",mountpoint:/,device:/dev/vda1,fstype:ext4=80.5" }),
		qFSFull("", o.FillWindow):          each(func(i int) string { return inst(i) + ",mountpoint:/=7200" }),
		qNet("receive", "", o.RateWindow):  each(func(i int) string { return inst(i) + "=123456.7" }),
		qNet("transmit", "", o.RateWindow): each(func(i int) string { return inst(i) + "=23456.7" }),
		qVersion:                           each(func(i int) string { return inst(i) + ",version:0.9.0=1" }),
		qAlerts:                            each(func(i int) string { return inst(i) + ",alertname:HighCPU,severity:warning=1" }),
	})))
	defer srv.Close()
	c, err := NewClient(ClientOptions{URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	f := New(Options{Prometheus: c})
	now := time.Unix(1772366400, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// Ten seconds apart: each refresh asks the sparkline's newest point.
		if s := f.Refresh(context.Background(), now.Add(time.Duration(i)*10*time.Second)); len(s.Hosts) != n || s.Err != nil {
			b.Fatalf("%d hosts, %v", len(s.Hosts), s.Err)
		}
	}
}
