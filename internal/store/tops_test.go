package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// topFields is what a replay shows of a recorded top process beyond its
// name.
type topFields struct {
	PID                 int32
	Threads             int32
	CPUTime             float64
	State               string
	ReadRate, WriteRate float64
}

// TestTopsKeepThreadsTimeState: a top list keeps each process's threads,
// CPU time, state and I/O rates, in the journal and once compacted.
func TestTopsKeepThreadsTimeState(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(time.Hour))
	ps := []reading.Process{
		{PID: 10, Comm: "java", Start: base.Add(-time.Hour), CPUPercent: 250, RSS: 1 << 30, Threads: 312, CPUTime: 3725.25, State: "S", ReadRate: 5 << 20, WriteRate: 12.4},
		{PID: 11, Comm: "cc1", Start: base.Add(-time.Minute), CPUPercent: 99.5, RSS: 1 << 20, Threads: 1, CPUTime: 12, State: "R", WriteRate: 300e6},
	}
	record(t, s, []reading.Reading{{Sensor: reading.SensorProcesses, Time: base, Primary: reading.ProcsCount, Processes: ps}})
	want := []topFields{{10, 312, 3725.25, "S", 5 << 20, 12}, {11, 1, 12, "R", 0, 300e6}}
	check := func(stage string) {
		var got []topFields
		for r, err := range s.Readings(base, base.Add(time.Minute)) {
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range r.Processes {
				got = append(got, topFields{p.PID, p.Threads, p.CPUTime, p.State, p.ReadRate, p.WriteRate})
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: recorded top processes (-want +got):\n%s", stage, diff)
		}
	}
	check("journal")
	if err := s.Compact(base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	check("compacted")
}

// TestTopsOfOlderRecordings: entries written before threads, CPU time and
// state were recorded still read, with them marked absent.
func TestTopsOfOlderRecordings(t *testing.T) {
	t.Parallel()
	var entry []byte
	entry = binary.AppendUvarint(entry, 0) // no samples
	entry = binary.AppendUvarint(entry, 1) // one top process: id, CPU × 100, RSS
	for _, v := range []uint64{7, 1250, 4096} {
		entry = binary.AppendUvarint(entry, v)
	}
	_, tops, err := decodeEntry(entry, nil, nil)
	if diff := cmp.Diff([]topProc{{proc: 7, cpu: 12.5, rss: 4096}}, tops, cmp.AllowUnexported(topProc{})); diff != "" || err != nil {
		t.Errorf("old journal entry: %v (-want +got):\n%s", err, diff)
	}
	old := topsEntry{ts: 1000, procs: []topProc{{proc: 7, cpu: 12.5, rss: 4096}}}
	es, err := decodeTops(encodeTops([]topsEntry{old}))
	if diff := cmp.Diff([]topsEntry{old}, es, cmp.AllowUnexported(topsEntry{}, topProc{})); diff != "" || err != nil {
		t.Errorf("old top lists: %v (-want +got):\n%s", err, diff)
	}
	// A new entry read by the old decoder's part: the extra fields follow
	// what it reads.
	cur := topsEntry{ts: 1000, procs: []topProc{{proc: 7, cpu: 12.5, rss: 4096, more: true, threads: 3, cpuTime: 1.5, state: 'S'}}}
	es, err = decodeTops(encodeTops([]topsEntry{cur}))
	if diff := cmp.Diff([]topsEntry{cur}, es, cmp.AllowUnexported(topsEntry{}, topProc{})); diff != "" || err != nil {
		t.Errorf("top lists: %v (-want +got):\n%s", err, diff)
	}
	if !bytes.HasPrefix(appendMore(nil, &cur.procs[0]), []byte{3, 150, 1, 'S'}) {
		t.Errorf("appendMore wrote %v", appendMore(nil, &cur.procs[0]))
	}
	// A journal entry with threads but written before I/O rates reads
	// with them marked absent; one with them keeps them.
	withMore := append(slices.Clone(entry), appendMore(nil, &cur.procs[0])...)
	_, tops, err = decodeEntry(withMore, nil, nil)
	if diff := cmp.Diff(cur.procs, tops, cmp.AllowUnexported(topProc{})); diff != "" || err != nil {
		t.Errorf("journal entry before I/O rates: %v (-want +got):\n%s", err, diff)
	}
	io := cur
	io.procs = []topProc{cur.procs[0]}
	io.procs[0].io, io.procs[0].readRate, io.procs[0].writeRate = true, 4096, 1<<30
	_, tops, err = decodeEntry(appendIO(withMore, &io.procs[0]), nil, nil)
	if diff := cmp.Diff(io.procs, tops, cmp.AllowUnexported(topProc{})); diff != "" || err != nil {
		t.Errorf("journal entry with I/O rates: %v (-want +got):\n%s", err, diff)
	}
	es, err = decodeTops(encodeTops([]topsEntry{io}))
	if diff := cmp.Diff([]topsEntry{io}, es, cmp.AllowUnexported(topsEntry{}, topProc{})); diff != "" || err != nil {
		t.Errorf("top lists with I/O rates: %v (-want +got):\n%s", err, diff)
	}
}

// FuzzDecodeTops: no top list, however corrupt, panics either decoder.
func FuzzDecodeTops(f *testing.F) {
	cur := topsEntry{ts: 1000, procs: []topProc{{proc: 7, cpu: 12.5, rss: 4096, more: true, threads: 3, cpuTime: 1.5, state: 'S'}}}
	f.Add(encodeTops([]topsEntry{cur}))
	f.Add([]byte{0, 1, 7, 226, 9, 128, 32, 3, 150, 1, 'S'})
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeTops(data)
		decodeEntry(data, nil, nil)
	})
}
