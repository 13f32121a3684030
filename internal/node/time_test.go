package node

import (
	"path/filepath"
	"strings"
	"testing"
)

const sysClock = "sys/devices/system/clocksource/"

// TestTimeClockSourceChanges: a new current clocksource (the kernel found
// the TSC unstable) and a new list of available ones show at the next
// scrape, though the directory is listed once and its files held open.
func TestTimeClockSourceChanges(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{
		sysClock + "clocksource0/available_clocksource": "tsc hpet acpi_pm \n",
		sysClock + "clocksource0/current_clocksource":   "tsc\n",
	})
	env := fixtureEnv(t, dir)
	env.Now = fixedClock
	c := newCollector(t, env, "time")
	check := func(step string, want, unwanted []string) {
		t.Helper()
		got, err := scrape(t, c)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		for _, w := range want {
			if !strings.Contains(got, w+" 1\n") {
				t.Errorf("%s: lacks %s:\n%s", step, w, got)
			}
		}
		for _, u := range unwanted {
			if strings.Contains(got, u) {
				t.Errorf("%s: still has %s:\n%s", step, u, got)
			}
		}
	}
	check("boot", []string{`node_time_clocksource_current_info{device="0",clocksource="tsc"}`,
		`node_time_clocksource_available_info{device="0",clocksource="acpi_pm"}`}, nil)
	write(sysClock+"clocksource0/current_clocksource", "hpet\n")
	check("switched", []string{`node_time_clocksource_current_info{device="0",clocksource="hpet"}`,
		`node_time_clocksource_available_info{device="0",clocksource="tsc"}`}, []string{`current_info{device="0",clocksource="tsc"}`})
	write(sysClock+"clocksource0/available_clocksource", "hpet acpi_pm \n")
	check("tsc withdrawn", []string{`node_time_clocksource_available_info{device="0",clocksource="hpet"}`},
		[]string{`clocksource="tsc"`})
}

// TestTimeClockSourceUnreadable: a clocksource file that cannot be read
// fails the scrape with the error a fresh read gives, and once it can be
// read again the series are back.
func TestTimeClockSourceUnreadable(t *testing.T) {
	t.Parallel()
	dir, write := tempMachine(t, map[string]string{
		sysClock + "clocksource0/available_clocksource": "tsc \n",
	})
	c := newCollector(t, fixtureEnv(t, dir), "time")
	_, err := scrape(t, c)
	want := "open " + filepath.Join(dir, sysClock, "clocksource0", "current_clocksource") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("no current_clocksource: error %v, want %s", err, want)
	}
	write(sysClock+"clocksource0/current_clocksource", "tsc\n")
	if got, err := scrape(t, c); err != nil || !strings.Contains(got, `node_time_clocksource_current_info{device="0",clocksource="tsc"} 1`) {
		t.Errorf("current_clocksource back: %v\n%s", err, got)
	}
}
