package server

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// exitedAnswer is GET /api/v1/processes/exited: the processes that exited
// between the last two readings of the process table, busiest first.
// Watching false means the list cannot be had (vigia lacks root or
// CAP_NET_ADMIN, or reads another machine's /proc), not that nothing
// exited. Taskstats says CPU and I/O come from the kernel's record of each
// exit; TaskstatsLost counts its socket's overflows in the interval.
type exitedAnswer struct {
	Time          time.Time               `json:"time"`
	Watching      bool                    `json:"watching"`
	Lost          int                     `json:"lost"`
	Taskstats     bool                    `json:"taskstats"`
	TaskstatsLost int                     `json:"taskstats_lost"`
	Processes     []reading.ExitedProcess `json:"processes"`
	// NeedsToken names the fields withheld until a token is configured.
	NeedsToken []string `json:"needs_token,omitempty"`
}

func (s *Server) exited(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r) {
		return
	}
	defer s.wantProcesses(r.Context())() // each walk hands over the exits since the last
	ans := exitedAnswer{Processes: []reading.ExitedProcess{}}
	for _, rd := range s.opts.State.Snapshot() {
		if rd.Sensor != reading.SensorProcesses {
			continue
		}
		ans.Time = rd.Time
		ex := rd.Exits
		if s.opts.Token == "" {
			ex = withheldExits(ex)
			ans.NeedsToken = exitsIO
		}
		if ex != nil {
			ans.Watching, ans.Lost = ex.Watching, ex.Lost
			ans.Taskstats, ans.TaskstatsLost = ex.Taskstats, ex.TaskstatsLost
			ans.Processes = append(ans.Processes, ex.Processes...)
		}
		break
	}
	slices.SortStableFunc(ans.Processes, func(a, b reading.ExitedProcess) int {
		if c := cmp.Compare(b.CPUTime, a.CPUTime); c != 0 {
			return c
		}
		return a.Exit.Compare(b.Exit)
	})
	writeJSON(w, http.StatusOK, ans)
}
