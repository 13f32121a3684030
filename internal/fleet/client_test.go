package fleet

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeQuery([]byte(tt.in))
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

func FuzzDecodeQuery(f *testing.F) {
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1"},"value":[1700000000.5,"1"]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"]]}]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"scalar","result":[1e300,"3"]}}`))
	f.Add([]byte(`[{"labels":{"alertname":"x"},"startsAt":"2026-01-01T00:00:00Z","status":{"state":"active"}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, err := decodeQuery(b); err == nil {
			for _, s := range got {
				if len(s.Samples) == 0 || s.Labels == nil {
					t.Fatalf("decodeQuery gave a series without samples or labels: %+v", s)
				}
				s.Last()
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
