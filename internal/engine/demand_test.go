package engine

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// eventually fails the test unless cond holds within 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("after 5 s: %s", what)
		}
	}
}

// TestDemand: the sensor runs at full cadence while wanted, pinned or
// within the hold after the last release, and at the idle cadence
// otherwise; a wanter that finds it idle is told so.
func TestDemand(t *testing.T) {
	t.Parallel()
	const hold = 200 * time.Millisecond
	e := mustNew(t, Options{Sensors: []SensorSpec{{Sensor: steadySensor(reading.SensorProcesses), Interval: time.Second}}, SelfInterval: -1})
	interval := func() time.Duration { return health(e, reading.SensorProcesses).Interval }
	if e.NewDemand("nosuch", time.Second, 5*time.Second, hold) != nil || e.NewDemand(reading.SensorProcesses, time.Second, time.Second, hold) != nil {
		t.Fatal("a demand over a sensor the engine does not run, or with no slower idle cadence")
	}
	d := e.NewDemand(reading.SensorProcesses, 200*time.Millisecond, 10*time.Second, time.Hour)
	defer d.Stop()
	d.Pin(false) // as the agent does when nothing pins it: the first reads' hold stands
	if d.Idle() || interval() != 200*time.Millisecond {
		t.Errorf("starts idle %v at %v; want its first reads at the full 200ms", d.Idle(), interval())
	}
	// Nothing wants it: idle after its first reads, not after the hour's hold.
	eventually(t, "not idle after the first reads", func() bool { return d.Idle() && interval() == 10*time.Second })
	d.Stop()

	d = e.NewDemand(reading.SensorProcesses, 2*time.Second, 10*time.Second, hold)
	defer d.Stop()
	d.Retune(2*time.Second, 10*time.Second, true) // as a reload would
	d.Retune(2*time.Second, 10*time.Second, false)
	eventually(t, "not idle with nothing wanting it", func() bool { return d.Idle() && interval() == 10*time.Second })

	before := time.Now()
	release, fresh := d.Want()
	if fresh.Before(before) || d.Idle() || interval() != 2*time.Second {
		t.Errorf("wanted: fresh from %v (asked at %v), idle %v, interval %v; want from then, false, 2s", fresh, before, d.Idle(), interval())
	}
	// A second wanter within a full interval of the wake is told the
	// same: readings from before it may be old.
	release2, fresh2 := d.Want()
	if !fresh2.Equal(fresh) {
		t.Errorf("a second wanter was told fresh from %v, want %v", fresh2, fresh)
	}
	release()
	release() // twice is once
	time.Sleep(3 * hold)
	if d.Idle() {
		t.Fatal("idle while the second wanter still holds it")
	}
	release2()
	if d.Idle() {
		t.Error("idle before the hold after the last release ran out")
	}
	eventually(t, "not idle after the hold", d.Idle)

	d.Pin(true)
	if d.Idle() || interval() != 2*time.Second {
		t.Errorf("pinned: idle %v, interval %v", d.Idle(), interval())
	}
	time.Sleep(3 * hold)
	if d.Idle() {
		t.Error("a pinned sensor went idle")
	}
	d.Pin(false)
	eventually(t, "not idle once unpinned", d.Idle)

	// A reload: new cadences apply at once, idle or full.
	d.Retune(3*time.Second, 15*time.Second, false)
	if !d.Idle() || interval() != 15*time.Second {
		t.Errorf("retuned while idle: idle %v, interval %v; want true, 15s", d.Idle(), interval())
	}
	d.Retune(3*time.Second, 15*time.Second, true)
	if d.Idle() || interval() != 3*time.Second {
		t.Errorf("retuned pinned: idle %v, interval %v; want false, 3s", d.Idle(), interval())
	}
	d.Retune(5*time.Second, 5*time.Second, false) // no slower idle cadence: pinned
	time.Sleep(3 * hold)
	if d.Idle() || interval() != 5*time.Second {
		t.Errorf("retuned with idle == full: idle %v, interval %v; want false, 5s", d.Idle(), interval())
	}
	d.Retune(2*time.Second, 10*time.Second, false)
	eventually(t, "not idle after a retune unpinned it", func() bool { return d.Idle() && interval() == 10*time.Second })

	d.Stop()
	d.Want()
	if interval() != 10*time.Second {
		t.Errorf("a stopped demand changed the cadence to %v", interval())
	}
}

// TestDemandNil: an agent without a governed sensor may call a nil
// Demand.
func TestDemandNil(t *testing.T) {
	var d *Demand
	release, fresh := d.Want()
	release()
	d.Pin(true)
	d.Stop()
	if !fresh.IsZero() || d.Idle() {
		t.Error("a nil Demand reported idle")
	}
}
