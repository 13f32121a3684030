package server

import (
	"slices"

	"github.com/vigia-dev/vigia/internal/reading"
)

// privateFields are the process details the kernel shows only to the
// process's owner (or root): /proc/PID/exe, cwd, fd and io need ptrace
// access. An agent running as root could read them for anyone; without a
// token it must not, or every local user would learn what the kernel hides
// from them.
var privateFields = []string{"exe", "cwd", "open_files", "io_read_bytes", "io_write_bytes"}

// processAnswer is /api/v1/processes/{pid}'s body: the detail, and which
// of its fields are withheld until a token is configured.
type processAnswer struct {
	reading.ProcessDetail
	NeedsToken []string `json:"needs_token,omitempty"`
}

// detailAnswer withholds the private fields of d when the agent has no
// token: with one, every caller has proven who it is.
func (s *Server) detailAnswer(d reading.ProcessDetail) processAnswer {
	if s.opts.Token != "" {
		return processAnswer{ProcessDetail: d}
	}
	d.Exe, d.Cwd, d.OpenFiles, d.ReadBytes, d.WriteBytes = "", "", 0, 0, 0
	d.Unreadable = slices.Clone(d.Unreadable)
	for _, f := range privateFields {
		if !slices.Contains(d.Unreadable, f) {
			d.Unreadable = append(d.Unreadable, f)
		}
	}
	return processAnswer{ProcessDetail: d, NeedsToken: privateFields}
}

// exitsIO are the exited processes' fields read from /proc/PID/io, private
// as the detail's I/O is.
var exitsIO = []string{"io_read_bytes", "io_write_bytes"}

// withheldExits returns a copy of ex without the exited processes' I/O,
// for an agent without a token.
func withheldExits(ex *reading.Exits) *reading.Exits {
	if ex == nil {
		return nil
	}
	out := *ex
	out.Processes = slices.Clone(ex.Processes)
	for i := range out.Processes {
		out.Processes[i].ReadBytes, out.Processes[i].WriteBytes = 0, 0
	}
	return &out
}

// privateReadings withholds the exited processes' I/O of rs, in place,
// when the agent has no token.
func (s *Server) privateReadings(rs []reading.Reading) []reading.Reading {
	if s.opts.Token == "" {
		for i := range rs {
			rs[i].Exits = withheldExits(rs[i].Exits)
		}
	}
	return rs
}
