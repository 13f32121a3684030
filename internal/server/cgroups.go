package server

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// cgroupsAnswer is /api/v1/cgroups: the groups of the latest cgroups
// reading, one value each. Walked and Omitted say how many groups the
// sensor walked and how many its cap left out of the reading.
type cgroupsAnswer struct {
	Time    time.Time        `json:"time"`
	Walked  int              `json:"walked"`
	Omitted int              `json:"omitted"`
	Total   int              `json:"total"`
	Matched int              `json:"matched"`
	Sort    string           `json:"sort"`
	Order   string           `json:"order"`
	Cgroups []reading.Cgroup `json:"cgroups"`
}

// cgroupSorts are the columns /api/v1/cgroups sorts by: a number of the
// group (NaN when it has none, always last), or its path.
var cgroupSorts = map[string]func(*reading.Cgroup) float64{
	"cpu":            func(g *reading.Cgroup) float64 { return val(g.CPUPercent) },
	"memory":         func(g *reading.Cgroup) float64 { return val(g.MemCurrent) },
	"memory_percent": func(g *reading.Cgroup) float64 { return val(g.MemPercent) },
	"throttled":      func(g *reading.Cgroup) float64 { return val(g.ThrottledSeconds) },
	"oom_kills":      func(g *reading.Cgroup) float64 { return val(g.OOMKills) },
	"io":             func(g *reading.Cgroup) float64 { return val(g.IOReadRate) + val(g.IOWriteRate) },
	"pids":           func(g *reading.Cgroup) float64 { return val(g.Pids) },
	"pressure": func(g *reading.Cgroup) float64 {
		if v, _, ok := g.PressureMax(); ok {
			return v
		}
		return math.NaN()
	},
	"path": nil,
}

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func cgroupSortNames() string {
	return strings.Join(slices.Sorted(func(yield func(string) bool) {
		for k := range cgroupSorts {
			if !yield(k) {
				return
			}
		}
	}), ", ")
}

func (s *Server) cgroups(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "sort", "order", "filter", "limit") {
		return
	}
	q := r.URL.Query()
	sortBy := cmp.Or(q.Get("sort"), "cpu")
	key, ok := cgroupSorts[sortBy]
	if !ok {
		writeError(w, http.StatusBadRequest, "sort="+strconv.Quote(sortBy)+" is not a column (one of "+cgroupSortNames()+")")
		return
	}
	order, limit, filter, ok := tableQuery(w, q, key == nil, 0)
	if !ok {
		return
	}
	ans := cgroupsAnswer{Sort: sortBy, Order: order, Cgroups: []reading.Cgroup{}}
	for _, rd := range s.opts.State.Snapshot() {
		if rd.Sensor != reading.SensorCgroups {
			continue
		}
		ans.Time = rd.Time
		if v, ok := rd.Value(reading.CgroupsCount); ok {
			ans.Walked = int(v)
		}
		if v, ok := rd.Value(reading.CgroupsOmitted); ok {
			ans.Omitted = int(v)
		}
		all := reading.Cgroups(&rd)
		ans.Total = len(all)
		for _, g := range all {
			if filter == "" || containsFold(g.Path, filter) || containsFold(g.Unit, filter) ||
				containsFold(g.Container, filter) || containsFold(g.Pod, filter) {
				ans.Cgroups = append(ans.Cgroups, g)
			}
		}
		break
	}
	ans.Matched = len(ans.Cgroups)
	slices.SortStableFunc(ans.Cgroups, func(a, b reading.Cgroup) int {
		var c int
		if key == nil {
			c = strings.Compare(a.Path, b.Path)
		} else {
			// NaN (no value) last in either order.
			x, y := key(&a), key(&b)
			switch xn, yn := math.IsNaN(x), math.IsNaN(y); {
			case xn && yn:
			case xn:
				return 1
			case yn:
				return -1
			default:
				c = cmp.Compare(x, y)
			}
		}
		if order == "desc" {
			c = -c
		}
		if c == 0 {
			c = strings.Compare(a.Path, b.Path)
		}
		return c
	})
	if limit > 0 && limit < len(ans.Cgroups) {
		ans.Cgroups = ans.Cgroups[:limit]
	}
	writeJSON(w, http.StatusOK, ans)
}
