package store

import (
	"cmp"
	"database/sql"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Report is a period at a glance.
type Report struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Peaks has, for each sensor's primary metric, its highest value and
	// when it happened, and its mean over the period.
	Peaks []Peak `json:"peaks"`
	// Alerts is the time each rule's alert spent at each level.
	Alerts []AlertTime `json:"alerts"`
	// TopCPU is the processes that used the most CPU time in the period,
	// TopMemory those with the highest resident memory; both from the
	// top-N samples kept of each procs reading.
	TopCPU    []ProcUsage `json:"top_cpu"`
	TopMemory []ProcUsage `json:"top_memory"`
	// Started and Exited count the processes that started and ended in the
	// period; StartedList and ExitedList show some of them (the ended ones
	// by peak memory, the started ones by start time).
	Started     int        `json:"started"`
	Exited      int        `json:"exited"`
	StartedList []ProcLife `json:"started_list"`
	ExitedList  []ProcLife `json:"exited_list"`
	// Exits is what the kernel's process events saw exit: the reportTop
	// that used the most CPU, and the totals of all.
	Exits Exits `json:"exits"`
	// Disks is each filesystem's used space at the start and end.
	Disks []DiskGrowth `json:"disks"`
	// Events are the first reportEvents OOM kills, throttling bursts and
	// pressure crossings of the period (the processes and alerts have
	// sections of their own); EventCount counts them all.
	Events     []reading.Event `json:"events"`
	EventCount int             `json:"event_count"`
}

// Peak is a metric's high point.
type Peak struct {
	Sensor string       `json:"sensor"`
	Metric string       `json:"metric"`
	Unit   reading.Unit `json:"unit,omitempty"`
	Max    float64      `json:"max"`
	At     time.Time    `json:"at"`
	Mean   float64      `json:"mean"`
}

// AlertTime is how long one alert (rule and labels) spent warning and
// critical, and how many times it was raised.
type AlertTime struct {
	Rule     string          `json:"rule"`
	Sensor   string          `json:"sensor"`
	Metric   string          `json:"metric"`
	Labels   []reading.Label `json:"labels,omitempty"`
	Warning  time.Duration   `json:"warning_ns"`
	Critical time.Duration   `json:"critical_ns"`
	Raised   int             `json:"raised"`
	// Active is the level at the end of the period.
	Active reading.Status `json:"active"`
}

// ProcUsage is one process's use of the machine in the period.
type ProcUsage struct {
	PID        int32     `json:"pid"`
	Comm       string    `json:"comm"`
	Cmdline    string    `json:"cmdline"`
	User       string    `json:"user"`
	Start      time.Time `json:"start_time"`
	CPUSeconds float64   `json:"cpu_seconds"`
	PeakRSS    uint64    `json:"peak_rss_bytes"`
}

// ProcLife is a process seen starting or ending.
type ProcLife struct {
	PID     int32     `json:"pid"`
	Comm    string    `json:"comm"`
	Cmdline string    `json:"cmdline"`
	User    string    `json:"user"`
	Start   time.Time `json:"start_time"`
	// End is when it was last seen; zero while it runs.
	End        time.Time     `json:"end,omitzero"`
	Lifetime   time.Duration `json:"lifetime_ns"`
	PeakRSS    uint64        `json:"peak_rss_bytes"`
	CPUSeconds float64       `json:"cpu_seconds"`
}

// DiskGrowth is a filesystem's used bytes at the start and end of the
// period.
type DiskGrowth struct {
	Mountpoint string  `json:"mountpoint"`
	Device     string  `json:"device"`
	Size       float64 `json:"size_bytes"`
	StartUsed  float64 `json:"start_used_bytes"`
	EndUsed    float64 `json:"end_used_bytes"`
	Growth     float64 `json:"growth_bytes"`
}

// reportTop is how many processes each list of a report holds.
const reportTop = 10

// Report summarises [from, to).
func (s *Store) Report(from, to time.Time) (*Report, error) {
	rep := &Report{From: from, To: to}
	var err error
	if rep.Peaks, err = s.peaks(from, to); err != nil {
		return nil, err
	}
	if rep.Alerts, err = s.alertTimes(ms(from), ms(to)); err != nil {
		return nil, err
	}
	if rep.TopCPU, rep.TopMemory, err = s.topUsage(ms(from), ms(to)); err != nil {
		return nil, err
	}
	if err = s.lives(rep, ms(from), ms(to)); err != nil {
		return nil, err
	}
	if rep.Exits, err = s.Exits(from, to, reportTop); err != nil {
		return nil, err
	}
	if rep.Disks, err = s.disks(from, to); err != nil {
		return nil, err
	}
	if err = s.reportEvents(rep, from, to); err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Store) peaks(from, to time.Time) ([]Peak, error) {
	rows, err := s.db.Query("SELECT name, primary_metric FROM sensors WHERE primary_metric != '' ORDER BY name")
	if err != nil {
		return nil, err
	}
	type sp struct{ sensor, metric string }
	var prims []sp
	for rows.Next() {
		var p sp
		if err := rows.Scan(&p.sensor, &p.metric); err != nil {
			rows.Close()
			return nil, err
		}
		prims = append(prims, p)
	}
	rows.Close()
	var out []Peak
	for _, p := range prims {
		ss, err := s.Series(p.metric, nil, from, to, 0)
		if errors.Is(err, ErrUnknownMetric) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, sr := range ss {
			if len(sr.Labels) > 0 || sr.Sensor != p.sensor || len(sr.Points) == 0 {
				continue
			}
			pk := Peak{Sensor: p.sensor, Metric: p.metric, Unit: sr.Unit, Max: math.Inf(-1)}
			var sum float64
			var n int
			for _, pt := range sr.Points {
				if pt.Max > pk.Max {
					pk.Max, pk.At = pt.Max, pt.Time
				}
				sum += pt.Mean * float64(pt.Count)
				n += pt.Count
			}
			pk.Mean = sum / float64(n)
			out = append(out, pk)
		}
	}
	return out, nil
}

// alertTimes walks every transition up to to, so an alert raised before
// the period counts from its start.
func (s *Store) alertTimes(from, to int64) ([]AlertTime, error) {
	trs, err := s.transitions(math.MinInt64, to)
	if err != nil {
		return nil, err
	}
	type state struct {
		at    *AlertTime
		level reading.Status
		since int64
	}
	states := map[string]*state{}
	var order []string
	credit := func(st *state, until int64) {
		a, b := max(st.since, from), min(until, to)
		if b <= a {
			return
		}
		d := time.Duration(b-a) * time.Millisecond
		switch st.level {
		case reading.Warning:
			st.at.Warning += d
		case reading.Critical:
			st.at.Critical += d
		}
	}
	for _, tr := range trs {
		k := tr.Rule + "\x00" + tr.Sensor + "\x00" + tr.Metric + "\x00" + reading.Labels(tr.Labels).Key()
		st := states[k]
		if st == nil {
			st = &state{at: &AlertTime{Rule: tr.Rule, Sensor: tr.Sensor, Metric: tr.Metric, Labels: tr.Labels}}
			states[k] = st
			order = append(order, k)
		}
		t := ms(tr.Time)
		credit(st, t)
		if tr.From <= reading.Normal && tr.To > reading.Normal && t >= from {
			st.at.Raised++
		}
		st.level, st.since = tr.To, t
	}
	var out []AlertTime
	for _, k := range order {
		st := states[k]
		credit(st, to)
		st.at.Active = st.level
		if st.at.Warning > 0 || st.at.Critical > 0 || st.at.Raised > 0 {
			out = append(out, *st.at)
		}
	}
	slices.SortStableFunc(out, func(a, b AlertTime) int { return cmp.Compare(b.Warning+b.Critical, a.Warning+a.Critical) })
	return out, nil
}

// topUsage integrates the top-N samples: CPU % × time between procs
// readings (capped at a minute, so a gap in recording adds nothing), and
// the highest RSS seen.
func (s *Store) topUsage(from, to int64) (cpu, mem []ProcUsage, err error) {
	entries, err := s.topEntries(from, to)
	if err != nil {
		return nil, nil, err
	}

	use := map[int64]*ProcUsage{}
	prev := int64(math.MinInt64)
	for _, e := range entries {
		if e.ts < from || e.ts >= to {
			continue
		}
		dt := 0.0
		if prev != math.MinInt64 {
			dt = float64(min(e.ts-prev, minuteMS)) / 1000
		}
		prev = e.ts
		for _, p := range e.procs {
			u := use[p.proc]
			if u == nil {
				u = &ProcUsage{}
				use[p.proc] = u
			}
			u.CPUSeconds += p.cpu / 100 * dt
			u.PeakRSS = max(u.PeakRSS, p.rss)
		}
	}
	ids := make([]int64, 0, len(use))
	for id := range use {
		ids = append(ids, id)
	}
	pick := func(less func(a, b *ProcUsage) int) ([]ProcUsage, error) {
		slices.SortFunc(ids, func(a, b int64) int {
			if c := less(use[a], use[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		var out []ProcUsage
		for _, id := range ids[:min(len(ids), reportTop)] {
			u := *use[id]
			var started int64
			err := s.db.QueryRow("SELECT p.pid, p.started, "+procNames+" FROM "+procsJoined+" WHERE p.id = ?", id).Scan(&u.PID, &started, &u.Comm, &u.Cmdline, &u.User)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
			u.Start = fromMS(started)
			out = append(out, u)
		}
		return out, nil
	}
	if cpu, err = pick(func(a, b *ProcUsage) int { return cmp.Compare(b.CPUSeconds, a.CPUSeconds) }); err != nil {
		return nil, nil, err
	}
	mem, err = pick(func(a, b *ProcUsage) int { return cmp.Compare(b.PeakRSS, a.PeakRSS) })
	return cpu, mem, err
}

func (s *Store) lives(rep *Report, from, to int64) error {
	if err := s.db.QueryRow("SELECT count(*) FROM ("+startedIn("id", 1, 2)+")", from, to).Scan(&rep.Started); err != nil {
		return err
	}
	if err := s.db.QueryRow("SELECT count(*) FROM procs WHERE exited > 0 AND last_seen >= ? AND last_seen < ?", from, to).Scan(&rep.Exited); err != nil {
		return err
	}
	var err error
	rep.StartedList, err = s.procLives("("+startedIn("*", 1, 2)+") p LEFT JOIN cmdlines c ON c.id = p.cmd ORDER BY started, p.id", from, to)
	if err != nil {
		return err
	}
	rep.ExitedList, err = s.procLives(procsJoined+" WHERE exited > 0 AND last_seen >= ?1 AND last_seen < ?2 ORDER BY peak_rss DESC, p.id", from, to)
	return err
}

// procLives reads the processes of from (a FROM clause of procs p and
// cmdlines c, with ?1 and ?2 for from and to).
func (s *Store) procLives(from string, f, t int64) ([]ProcLife, error) {
	rows, err := s.db.Query("SELECT p.pid, "+procNames+", p.started, p.last_seen, p.exited > 0, p.peak_rss, p.cpu_time FROM "+from+" LIMIT ?3", f, t, reportTop)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProcLife
	for rows.Next() {
		var p ProcLife
		var started, last int64
		var exited bool
		if err := rows.Scan(&p.PID, &p.Comm, &p.Cmdline, &p.User, &started, &last, &exited, &p.PeakRSS, &p.CPUSeconds); err != nil {
			return nil, err
		}
		p.Start = fromMS(started)
		if exited {
			p.End = fromMS(last)
			p.Lifetime = p.End.Sub(p.Start)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) disks(from, to time.Time) ([]DiskGrowth, error) {
	sizes, err := s.Series(reading.FSSize, nil, from, to, 0)
	if errors.Is(err, ErrUnknownMetric) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	frees, err := s.Series(reading.FSFree, nil, from, to, 0)
	if err != nil && !errors.Is(err, ErrUnknownMetric) {
		return nil, err
	}
	var out []DiskGrowth
	for _, sz := range sizes {
		if len(sz.Points) == 0 {
			continue
		}
		for _, fr := range frees {
			if !slices.Equal(fr.Labels, sz.Labels) || len(fr.Points) == 0 {
				continue
			}
			d := DiskGrowth{
				Mountpoint: reading.Labels(sz.Labels).Value("mountpoint"), Device: reading.Labels(sz.Labels).Value("device"),
				Size:      sz.Points[len(sz.Points)-1].Mean,
				StartUsed: sz.Points[0].Mean - fr.Points[0].Mean,
				EndUsed:   sz.Points[len(sz.Points)-1].Mean - fr.Points[len(fr.Points)-1].Mean,
			}
			d.Growth = d.EndUsed - d.StartUsed
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b DiskGrowth) int { return cmp.Compare(math.Abs(b.Growth), math.Abs(a.Growth)) })
	return out, nil
}
