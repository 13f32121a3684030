package explain

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

var t0 = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)

func proc(id, name string, pid int32) Subject {
	return Subject{Kind: Process, ID: id, Name: name, PID: pid}
}

func TestBefore(t *testing.T) {
	t.Parallel()
	from, to := Before(t0, t0.Add(time.Minute))
	if !from.Equal(t0.Add(-4*time.Minute)) || !to.Equal(t0) {
		t.Errorf("Before(03:00, 03:01) = %v, %v; want 02:56, 03:00", from, to)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	firefox, sshd, make_, cc1 := proc("1", "firefox", 100), proc("2", "sshd", 200), proc("3", "make", 300), proc("4", "cc1", 400)
	window := func(cov time.Duration, us ...Usage) Span {
		return Span{From: t0, To: t0.Add(time.Minute), Covered: cov, Usage: us}
	}
	before := func(cov time.Duration, us ...Usage) Span {
		return Span{From: t0.Add(-4 * time.Minute), To: t0, Covered: cov, Usage: us}
	}
	tests := []struct {
		name           string
		before, window Span
		want           Result
	}{
		{
			name: "a spike against a quiet baseline",
			// firefox used 8 CPU-s in 4 minutes (2 a minute), then 50 in
			// one: +48, of a rise of 48 + 12 = 60.
			before: before(4*time.Minute,
				Usage{Subject: firefox, CPUSeconds: 8, RSS: 100},
				Usage{Subject: sshd, CPUSeconds: 4, RSS: 10}),
			window: window(time.Minute,
				Usage{Subject: firefox, CPUSeconds: 50, RSS: 160},
				Usage{Subject: make_, CPUSeconds: 12, RSS: 20, Started: true},
				Usage{Subject: sshd, CPUSeconds: 0.5, RSS: 10}),
			want: Result{
				Ranked: []Ranked{
					{Resource: CPU, Rise: 60, Fall: -0.5, Rose: []Line{
						{Subject: firefox, Before: 2, After: 50, Delta: 48, Share: 0.8},
						{Subject: make_, After: 12, Delta: 12, Share: 0.2, Started: true},
					}, Fell: []Line{
						{Subject: sshd, Before: 1, After: 0.5, Delta: -0.5, Share: 1},
					}},
					{Resource: Memory, Rise: 80, Rose: []Line{
						{Subject: firefox, Before: 100, After: 160, Delta: 60, Share: 0.75},
						{Subject: make_, After: 20, Delta: 20, Share: 0.25, Started: true},
					}},
				},
			},
		},
		{
			name: "an exit frees memory; a half-recorded baseline counts at its rate",
			// The span before was recorded for 2 of its 4 minutes: cc1's 6
			// CPU-s there are 3 a minute.
			before: before(2*time.Minute,
				Usage{Subject: cc1, CPUSeconds: 6, RSS: 300},
				Usage{Subject: firefox, CPUSeconds: 2, RSS: 100}),
			window: window(time.Minute,
				Usage{Subject: cc1, CPUSeconds: 1, RSS: 0, Exited: true},
				Usage{Subject: firefox, CPUSeconds: 1, RSS: 100}),
			want: Result{
				Ranked: []Ranked{
					{Resource: CPU, Fall: -2, Fell: []Line{
						{Subject: cc1, Before: 3, After: 1, Delta: -2, Share: 1, Exited: true},
					}},
					{Resource: Memory, Fall: -300, Fell: []Line{
						{Subject: cc1, Before: 300, Delta: -300, Share: 1, Exited: true},
					}},
				},
				Exited: Exited{Count: 1, CPUSeconds: 1, Delta: 1, Processes: []Exit{{Subject: cc1, CPUSeconds: 1, Count: 1, Share: 1}}},
			},
		},
		{
			name:   "no baseline: every change from zero; I/O when recorded; events in order",
			before: before(0),
			window: Span{From: t0, To: t0.Add(time.Minute), Covered: time.Minute,
				Usage: []Usage{
					{Subject: firefox, CPUSeconds: 3, RSS: 10, IOBytes: 4096, HasIO: true},
					{Subject: sshd, CPUSeconds: 1, RSS: 30},
				},
				Events: []Event{
					{Time: t0.Add(30 * time.Second), Transition: &reading.Transition{Rule: "b"}},
					{Time: t0.Add(10 * time.Second), Transition: &reading.Transition{Rule: "a"}},
				}},
			want: Result{
				NoBaseline: true,
				Ranked: []Ranked{
					{Resource: CPU, Rise: 4, Rose: []Line{
						{Subject: firefox, After: 3, Delta: 3, Share: 0.75},
						{Subject: sshd, After: 1, Delta: 1, Share: 0.25},
					}},
					{Resource: Memory, Rise: 40, Rose: []Line{
						{Subject: sshd, After: 30, Delta: 30, Share: 0.75},
						{Subject: firefox, After: 10, Delta: 10, Share: 0.25},
					}},
					{Resource: IO, Rise: 4096, Rose: []Line{
						{Subject: firefox, After: 4096, Delta: 4096, Share: 1},
					}},
				},
				Events: []Event{
					{Time: t0.Add(10 * time.Second), Transition: &reading.Transition{Rule: "a"}},
					{Time: t0.Add(30 * time.Second), Transition: &reading.Transition{Rule: "b"}},
				},
			},
		},
		{
			name: "rises and falls are ranked apart",
			// sshd's fall of 8 is larger than either rise: the rises still
			// lead their own list.
			before: before(4*time.Minute,
				Usage{Subject: sshd, CPUSeconds: 40}),
			window: window(time.Minute,
				Usage{Subject: sshd, CPUSeconds: 2},
				Usage{Subject: make_, CPUSeconds: 5},
				Usage{Subject: cc1, CPUSeconds: 6}),
			want: Result{
				Ranked: []Ranked{
					{Resource: CPU, Rise: 11, Fall: -8, Rose: []Line{
						{Subject: cc1, After: 6, Delta: 6, Share: 6.0 / 11},
						{Subject: make_, After: 5, Delta: 5, Share: 5.0 / 11},
					}, Fell: []Line{
						{Subject: sshd, Before: 10, After: 2, Delta: -8, Share: 1},
					}},
					{Resource: Memory},
				},
			},
		},
		{
			name: "a change below MinShare is left out, yet counts in the total",
			window: window(time.Minute,
				Usage{Subject: firefox, CPUSeconds: 999},
				Usage{Subject: sshd, CPUSeconds: 1}),
			before: before(0),
			want: Result{
				NoBaseline: true,
				Ranked: []Ranked{
					{Resource: CPU, Rise: 1000, Rose: []Line{{Subject: firefox, After: 999, Delta: 999, Share: 0.999}}},
					{Resource: Memory},
				},
			},
		},
		{
			name:   "a process gone from the window with nothing recorded of its end",
			before: before(4*time.Minute, Usage{Subject: sshd, CPUSeconds: 8, RSS: 10}),
			window: window(time.Minute),
			want: Result{
				Ranked: []Ranked{
					{Resource: CPU, Fall: -2, Fell: []Line{{Subject: sshd, Before: 2, Delta: -2, Share: 1}}},
					{Resource: Memory, Fall: -10, Fell: []Line{{Subject: sshd, Before: 10, Delta: -10, Share: 1}}},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Explain(tt.before, tt.window)
			tt.want.From, tt.want.To, tt.want.BeforeFrom = tt.window.From, tt.window.To, tt.before.From
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Explain mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKeepsLargest: only MaxLines lines are kept, the largest changes, yet
// the rise counts every subject, so the kept shares sum below 1.
func TestKeepsLargest(t *testing.T) {
	t.Parallel()
	var us []Usage
	for i := range MaxLines + 5 {
		us = append(us, Usage{Subject: proc(string(rune('a'+i)), string(rune('a'+i)), int32(i)), CPUSeconds: float64(i + 1)})
	}
	got := Explain(Span{}, Span{Covered: time.Minute, Usage: us}).Ranked[0]
	if len(got.Rose) != MaxLines || got.Rose[0].After != MaxLines+5 || got.Rose[MaxLines-1].After != 6 {
		t.Fatalf("kept %d lines, first %v, last %v; want the %d largest", len(got.Rose), got.Rose[0], got.Rose[len(got.Rose)-1], MaxLines)
	}
	sum := 0.0
	for _, l := range got.Rose {
		sum += l.Share
	}
	if want := (6.0 + 15) * 10 / 2 / (15 * 16 / 2); math.Abs(sum-want) > 1e-9 {
		t.Errorf("kept shares sum to %v, want %v", sum, want)
	}
}

// FuzzExplain: whatever was recorded, the shares of the rise and of the
// fall each sum to at most 1, every share is in [0, 1], every delta is
// after − before, and the rise and fall are the sums of the deltas.
func FuzzExplain(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{8, 7, 6, 5}, uint8(4), uint8(1))
	f.Add([]byte{}, []byte{9, 9, 9}, uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, b, w []byte, bcov, wcov uint8) {
		usage := func(bs []byte) []Usage {
			var us []Usage
			for i := 0; i+1 < len(bs); i += 2 {
				id := string(rune('a' + bs[i]%7)) // repeats are folded by the store; keep the first
				dup := false
				for _, u := range us {
					dup = dup || u.ID == id
				}
				if !dup {
					us = append(us, Usage{Subject: proc(id, id, 1), CPUSeconds: float64(bs[i+1]), RSS: float64(bs[i+1]) * 1000, IOBytes: float64(bs[i]), HasIO: bs[i]%2 == 0})
				}
			}
			return us
		}
		before := Span{Covered: time.Duration(bcov) * time.Second, Usage: usage(b)}
		window := Span{Covered: time.Duration(wcov) * time.Second, Usage: usage(w)}
		res := Explain(before, window)
		for _, r := range res.Ranked {
			var rise, fall, up, down float64
			for _, l := range r.Rose {
				if l.Delta <= 0 {
					t.Errorf("%s %s: delta %v among the rises", r.Resource, l.Name, l.Delta)
				}
			}
			for _, l := range r.Fell {
				if l.Delta >= 0 {
					t.Errorf("%s %s: delta %v among the falls", r.Resource, l.Name, l.Delta)
				}
			}
			for _, l := range append(slices.Clone(r.Rose), r.Fell...) {
				if l.Delta > 0 {
					up += l.Delta
				} else {
					down += l.Delta
				}
				if l.Share < 0 || l.Share > 1 {
					t.Errorf("%s %s: share %v out of [0, 1]", r.Resource, l.Name, l.Share)
				}
				if math.Abs(l.After-l.Before-l.Delta) > 1e-9*max(1, math.Abs(l.Delta)) {
					t.Errorf("%s %s: %v − %v ≠ %v", r.Resource, l.Name, l.After, l.Before, l.Delta)
				}
				if l.Delta > 0 {
					rise += l.Share
				} else {
					fall += l.Share
				}
				if want := l.Delta / r.Rise; l.Delta > 0 && math.Abs(l.Share-want) > 1e-9 {
					t.Errorf("%s %s: share %v, want %v / %v", r.Resource, l.Name, l.Share, l.Delta, r.Rise)
				}
			}
			if rise > 1+1e-9 || fall > 1+1e-9 {
				t.Errorf("%s: shares of the rise sum to %v, of the fall to %v", r.Resource, rise, fall)
			}
			// At most 7 subjects: every change of MinShare is a line.
			// Only lines under MinShare each may be left out.
			if up > r.Rise+1e-6 || up < r.Rise*(1-7*MinShare)-1e-6 || down < r.Fall-1e-6 || down > r.Fall*(1-7*MinShare)+1e-6 {
				t.Errorf("%s: rise %v, fall %v; the lines' deltas sum to %v, %v", r.Resource, r.Rise, r.Fall, up, down)
			}
			if r.Rise < 0 || r.Fall > 0 {
				t.Errorf("%s: rise %v, fall %v", r.Resource, r.Rise, r.Fall)
			}
		}
	})
}
