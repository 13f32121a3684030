package fleet

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecodeQuery(t *testing.T) {
	t0 := time.Unix(1700000000, 500e6).UTC()
	tests := []struct {
		name    string
		in      string
		want    []Series
		wantErr string
	}{
		{"vector", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1"},"value":[1700000000.5,"1"]}]}}`,
			[]Series{{Labels: map[string]string{"instance": "a:1"}, Samples: []Sample{{t0, 1}}}}, ""},
		{"matrix with NaN", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000.5,"NaN"],[1700000001.5,"+Inf"]]}]}}`,
			[]Series{{Labels: map[string]string{}, Samples: []Sample{{t0, math.NaN()}, {t0.Add(time.Second), math.Inf(1)}}}}, ""},
		{"scalar", `{"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"3"]}}`,
			[]Series{{Labels: map[string]string{}, Samples: []Sample{{t0, 3}}}}, ""},
		{"empty", `{"status":"success","data":{"resultType":"vector","result":[]}}`, []Series{}, ""},
		{"query error", `{"status":"error","errorType":"bad_data","error":"parse error"}`, nil, "query failed: bad_data: parse error"},
		{"timeout", `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`, nil, "timeout"},
		{"html", `<html>login</html>`, nil, "not a query API answer"},
		{"string result", `{"status":"success","data":{"resultType":"string","result":[1,"x"]}}`, nil, `result type "string"`},
		{"value not a string", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}`, nil, "not a string"},
		{"result before its type, warnings, escapes", `{"status":"success","warnings":["w"],"data":{"result":[{"metric":{"instance":"a:\u0031","m\u006fde":"x"},"value":[1700000000.5,"1"]}],"resultType":"vector"}}`,
			[]Series{{Labels: map[string]string{"instance": "a:1", "mode": "x"}, Samples: []Sample{{t0, 1}}}}, ""},
		{"trailing garbage", `{"status":"success","data":{"resultType":"vector","result":[]}} x`, nil, "not a query API answer"},
		{"time not a JSON number", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[01,"2"]}]}}`, nil, "not a query API answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeQuery([]byte(tt.in), nil, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("decodeQuery(%s) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("decodeQuery(%s) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestDecodeQueryKeeps checks that only the labels asked for are kept,
// and that the interner hands back the same strings for the same bytes.
func TestDecodeQueryKeeps(t *testing.T) {
	in := []byte(`{"status":"success","data":{"resultType":"vector","result":[` +
		`{"metric":{"__name__":"node_filesystem_avail_bytes","instance":"a:1","mountpoint":"/","device":"/dev/vda1"},"value":[1,"2"]},` +
		`{"metric":{"instance":"b:1","fstype":"ext4"},"value":[1,"3"]}]}}`)
	var strs interner
	got, err := decodeQuery(in, []string{"instance", "mountpoint"}, &strs)
	if err != nil {
		t.Fatal(err)
	}
	want := []Series{
		{Labels: map[string]string{"instance": "a:1", "mountpoint": "/"}, Samples: []Sample{{time.Unix(1, 0).UTC(), 2}}},
		{Labels: map[string]string{"instance": "b:1"}, Samples: []Sample{{time.Unix(1, 0).UTC(), 3}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeQuery keeping instance and mountpoint (-want +got):\n%s", diff)
	}
	again, err := decodeQuery(in, []string{"instance"}, &strs)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := got[0].Labels["instance"], again[0].Labels["instance"]; unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("the second answer's instance is a new string, want the interned one")
	}
	third, err := decodeQuery(in, []string{"instance", "mountpoint"}, &strs)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(got[0].Labels).UnsafePointer() != reflect.ValueOf(third[0].Labels).UnsafePointer() {
		t.Errorf("the third answer's labels are a new map, want the first answer's")
	}
}

// FuzzDecodeQuery holds decodeQuery to the encoding/json decoder it
// replaced: whatever that one read, this one reads the same.
func FuzzDecodeQuery(f *testing.F) {
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1"},"value":[1700000000.5,"1"]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"]]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"scalar","result":[1e300,"3"]}}`))
	f.Add([]byte(`{"status":"success","data":{"result":[{"metric":{"a\u0062":"\u00e9"},"value":[1,"2"]}],"resultType":"vector"},"warnings":[null,true,{"x":[1.5e3]}]}`))
	f.Add([]byte(`{"status":"error","errorType":"timeout","error":"query timed out"}`))
	f.Add([]byte(`[{"labels":{"alertname":"x"},"startsAt":"2026-01-01T00:00:00Z","status":{"state":"active"}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeQuery(b, nil, nil)
		if err == nil {
			for _, s := range got {
				if len(s.Samples) == 0 || s.Labels == nil {
					t.Fatalf("decodeQuery gave a series without samples or labels: %+v", s)
				}
				s.Last()
			}
		}
		want, refErr := refDecodeQuery(b)
		// The reference made up a scalar of the zero time when the
		// answer had no result at all; this one reads none.
		madeUp := len(want) == 1 && len(want[0].Samples) == 1 && want[0].Samples[0].T.IsZero()
		if refErr == nil && !madeUp {
			if err != nil {
				t.Fatalf("decodeQuery(%q) = %v, the reference read %+v", b, err, want)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
				t.Fatalf("decodeQuery(%q) mismatch with the reference (-ref +got):\n%s", b, diff)
			}
		}
		decodeAlerts(b)
	})
}

func TestDecodeAlerts(t *testing.T) {
	in := `[{"labels":{"alertname":"CPUHigh","instance":"a:1","severity":"warning"},"startsAt":"2026-03-01T10:00:00Z","status":{"state":"active"}},
	{"labels":{"alertname":"Quiet"},"startsAt":"2026-03-01T10:00:00Z","status":{"state":"suppressed"}}]`
	got, err := decodeAlerts([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Alert{{Name: "CPUHigh", Severity: "warning", Since: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Labels: map[string]string{"alertname": "CPUHigh", "instance": "a:1", "severity": "warning"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeAlerts mismatch (-want +got):\n%s", diff)
	}
}

func TestClientAuth(t *testing.T) {
	t.Parallel()
	var gotAuth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer right" {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[]}}`))
	}))
	defer srv.Close()
	for _, tt := range []struct {
		auth    Auth
		want401 bool
	}{{Auth{Token: "right"}, false}, {Auth{Token: "wrong"}, true}, {Auth{User: "u", Password: "p"}, true}} {
		c, err := NewClient(ClientOptions{URL: srv.URL + "/", Auth: tt.auth})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Query(context.Background(), "up", time.Unix(0, 0))
		if got := errors.Is(err, ErrUnauthorized); got != tt.want401 {
			t.Errorf("query with %+v: error %v, want unauthorised %v", tt.auth, err, tt.want401)
		}
	}
	want := []string{"Bearer right", "Bearer wrong", "Basic dTpw"}
	if diff := cmp.Diff(want, gotAuth); diff != "" {
		t.Errorf("Authorization headers (-want +got):\n%s", diff)
	}
}

func TestNewClientRefuses(t *testing.T) {
	for _, u := range []string{"", "prometheus:9090", "ftp://x", "http://"} {
		if _, err := NewClient(ClientOptions{URL: u}); err == nil {
			t.Errorf("NewClient(%q) = nil error, want a refusal", u)
		}
	}
	if _, err := NewClient(ClientOptions{URL: "https://x", CAFile: "/nonexistent/ca.pem"}); err == nil {
		t.Error("NewClient with a missing CA file = nil error")
	}
}
