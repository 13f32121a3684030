package server

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupsState is a live state whose cgroups reading has a root, a
// limited service that was OOM-killed, a Docker container without a CPU
// rate yet and a Kubernetes pod.
func cgroupsState() *fakeState {
	g := func(path string, kv ...string) []reading.Label {
		ls := []reading.Label{{Name: "cgroup", Value: path}}
		for i := 0; i+1 < len(kv); i += 2 {
			ls = append(ls, reading.Label{Name: kv[i], Value: kv[i+1]})
		}
		return reading.Labels(ls).Sorted()
	}
	with := func(ls []reading.Label, k, v string) []reading.Label {
		return reading.Labels(append(append([]reading.Label{}, ls...), reading.Label{Name: k, Value: v})).Sorted()
	}
	root := g("/")
	nginx := g("/system.slice/nginx.service", "unit", "nginx.service")
	docker := g("/system.slice/docker-4b2c8a1e9f0d.scope", "container", "4b2c8a1e9f0d", "runtime", "docker", "unit", "docker-4b2c8a1e9f0d.scope")
	pod := g("/kubepods.slice/kubepods-pod5ec1b1c2.slice", "pod", "5ec1b1c2", "unit", "kubepods-pod5ec1b1c2.slice")
	m := func(name string, ls []reading.Label, v float64) reading.Metric {
		return reading.Metric{Name: name, Labels: ls, Value: v}
	}
	r := reading.Reading{Sensor: reading.SensorCgroups, Time: t0, Metrics: []reading.Metric{
		{Name: reading.CgroupsCount, Value: 9}, {Name: reading.CgroupsOmitted, Value: 5},
		m(reading.CgroupsCPUUsage, root, 250), m(reading.CgroupsCPUSecondsTotal, root, 9000),
		m(reading.CgroupsCPUUsage, nginx, 75), m(reading.CgroupsMemCurrent, nginx, 900<<20), m(reading.CgroupsMemMax, nginx, 1<<30),
		m(reading.CgroupsMemUsedPercent, nginx, 87.5), m(reading.CgroupsOOMKillsTotal, nginx, 2),
		m(reading.CgroupsMemEventsTotal, with(nginx, "event", "max"), 7),
		m(reading.CgroupsPressure, with(with(with(nginx, "kind", "some"), "resource", "memory"), "window", "avg10"), 12.5),
		m(reading.CgroupsIOReadRate, nginx, 4096), m(reading.CgroupsIOWriteRate, nginx, 1024),
		m(reading.CgroupsCPUSecondsTotal, docker, 3), m(reading.CgroupsMemCurrent, docker, 64<<20), m(reading.CgroupsPids, docker, 3),
		m(reading.CgroupsCPUUsage, pod, 5), m(reading.CgroupsMemCurrent, pod, 2<<30), m(reading.CgroupsMemMax, pod, 4<<30),
		m(reading.CgroupsMemUsedPercent, pod, 50),
	}}
	st := fixtureState()
	st.readings = append(st.readings, r)
	return st
}

func TestCgroupsAPI(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, func(o *Options) { o.State = cgroupsState() })
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"/", "/system.slice/nginx.service", "/kubepods.slice/kubepods-pod5ec1b1c2.slice", "/system.slice/docker-4b2c8a1e9f0d.scope"}},
		{"?sort=cpu&order=asc", []string{"/kubepods.slice/kubepods-pod5ec1b1c2.slice", "/system.slice/nginx.service", "/", "/system.slice/docker-4b2c8a1e9f0d.scope"}},
		{"?sort=memory_percent", []string{"/system.slice/nginx.service", "/kubepods.slice/kubepods-pod5ec1b1c2.slice", "/", "/system.slice/docker-4b2c8a1e9f0d.scope"}},
		{"?sort=path", []string{"/", "/kubepods.slice/kubepods-pod5ec1b1c2.slice", "/system.slice/docker-4b2c8a1e9f0d.scope", "/system.slice/nginx.service"}},
		{"?sort=oom_kills&limit=1", []string{"/system.slice/nginx.service"}},
		{"?filter=DOCKER", []string{"/system.slice/docker-4b2c8a1e9f0d.scope"}},
		{"?filter=5ec1", []string{"/kubepods.slice/kubepods-pod5ec1b1c2.slice"}},
		{"?filter=nothing", []string{}},
	}
	for _, tt := range tests {
		w := get(t, s.Handler(), "GET", "/api/v1/cgroups"+tt.query)
		var ans cgroupsAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil {
			t.Fatalf("%s: %v: %s", tt.query, err, w.Body)
		}
		got := []string{}
		for _, g := range ans.Cgroups {
			got = append(got, g.Path)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("cgroups%s mismatch (-want +got):\n%s", tt.query, diff)
		}
		if ans.Walked != 9 || ans.Omitted != 5 || ans.Total != 4 {
			t.Errorf("cgroups%s walked, omitted, total = %d, %d, %d; want 9, 5, 4", tt.query, ans.Walked, ans.Omitted, ans.Total)
		}
	}
	w := get(t, s.Handler(), "GET", "/api/v1/cgroups?sort=memory")
	golden.Check(t, filepath.Join("testdata", "cgroups.golden"), w.Body.Bytes())
	for _, q := range []string{"?sort=colour", "?order=up", "?limit=-1", "?cgroup=/"} {
		if w := get(t, s.Handler(), "GET", "/api/v1/cgroups"+q); w.Code != http.StatusBadRequest {
			t.Errorf("cgroups%s: status %d, want 400: %s", q, w.Code, w.Body)
		}
	}
}

// TestCgroupsAPIWithoutSensor checks the answer of an agent that runs no
// cgroups sensor: no groups, not an error.
func TestCgroupsAPIWithoutSensor(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, nil)
	w := get(t, s.Handler(), "GET", "/api/v1/cgroups")
	var ans cgroupsAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK || ans.Cgroups == nil || len(ans.Cgroups) != 0 {
		t.Errorf("status %d, answer %s (%v); want 200 with an empty list", w.Code, w.Body, err)
	}
}
