package reading

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCgroups(t *testing.T) {
	t.Parallel()
	nginx := []Label{{"cgroup", "/system.slice/nginx.service"}, {"unit", "nginx.service"}}
	with := func(ls []Label, more ...Label) []Label {
		return Labels(append(append([]Label{}, ls...), more...)).Sorted()
	}
	r := Reading{Sensor: SensorCgroups, Metrics: []Metric{
		{Name: CgroupsCount, Value: 2},
		{Name: CgroupsCPUSecondsTotal, Labels: []Label{{"cgroup", "/"}}, Value: 900},
		{Name: CgroupsMemEventsTotal, Labels: with(nginx, Label{"event", "max"}), Value: 5},
		{Name: CgroupsCPUUsage, Labels: nginx, Value: 75},
		{Name: CgroupsMemMax, Labels: nginx, Value: 1 << 30},
		{Name: CgroupsMemUsedPercent, Labels: nginx, Value: 77},
		{Name: CgroupsMemEventsTotal, Labels: with(nginx, Label{"event", "oom"}), Value: 1},
		{Name: CgroupsOOMKillsTotal, Labels: nginx, Value: 1},
		{Name: CgroupsIOReadRate, Labels: nginx, Value: 1000},
		{Name: CgroupsPressure, Labels: with(nginx, Label{"kind", "some"}, Label{"resource", "memory"}, Label{"window", "avg10"}), Value: 1.5},
		{Name: CgroupsPressure, Labels: with(nginx, Label{"kind", "full"}, Label{"resource", "memory"}, Label{"window", "avg10"}), Value: 0.5},
		{Name: CgroupsPressure, Labels: with(nginx, Label{"kind", "some"}, Label{"resource", "cpu"}, Label{"window", "avg60"}), Value: 9},
	}}
	f := func(v float64) *float64 { return &v }
	want := []Cgroup{
		{Path: "/", CPUSeconds: f(900)},
		{Path: "/system.slice/nginx.service", Unit: "nginx.service", CPUPercent: f(75), MemMax: f(1 << 30), MemPercent: f(77),
			MemMaxEvents: f(5), MemOOM: f(1), OOMKills: f(1), IOReadRate: f(1000), Pressure: map[string]float64{"memory": 1.5}},
	}
	got := Cgroups(&r)
	want[0].Labels = []Label{{"cgroup", "/"}}
	want[1].Labels = nginx
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Cgroups mismatch (-want +got):\n%s", diff)
	}
	if v, res, ok := got[1].PressureMax(); v != 1.5 || res != "memory" || !ok {
		t.Errorf("PressureMax = %v %q %v, want 1.5 memory true", v, res, ok)
	}
	if n := got[1].Name(); n != "nginx.service" {
		t.Errorf("Name = %q", n)
	}
}
