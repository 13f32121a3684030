package store

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestSeriesLabelsOnDisk pins the text the series table keeps for a label
// set: databases already written hold this form, so a change to it would
// split every labelled series in two.
func TestSeriesLabelsOnDisk(t *testing.T) {
	t.Parallel()
	s := openTest(t, base)
	labels := []reading.Label{{Name: "device", Value: "sda"}, {Name: "mountpoint", Value: "/a \"b\"\tc\\d"}}
	record(t, s, []reading.Reading{{Sensor: reading.SensorDisk, Time: base,
		Metrics: []reading.Metric{{Name: reading.FSAvail, Value: 1, Unit: reading.Bytes, Labels: labels}}}})

	var got string
	if err := s.db.QueryRow("SELECT labels FROM series WHERE metric = ?", reading.FSAvail).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := `device="sda",mountpoint="/a \"b\"\tc\\d"`; got != want {
		t.Errorf("series.labels = %s, want %s", got, want)
	}

	// A row another version wrote, with a value in the unquoted short form,
	// reads back and is found by its labels.
	if _, err := s.db.Exec(`INSERT INTO series (id, sensor, metric, labels, unit, kind) VALUES (900, 'cpu', 'cpu.core.usage', 'cpu=7', '%', 0)`); err != nil {
		t.Fatal(err)
	}
	infos, err := s.series(reading.CPUCoreUsage, []reading.Label{{Name: "cpu", Value: "7"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []SeriesInfo{{ID: 900, Sensor: "cpu", Metric: reading.CPUCoreUsage, Labels: []reading.Label{{Name: "cpu", Value: "7"}}, Unit: reading.Percent}}
	if diff := cmp.Diff(want, infos); diff != "" {
		t.Errorf("series(cpu.core.usage{cpu=7}) mismatch (-want +got):\n%s", diff)
	}
}
