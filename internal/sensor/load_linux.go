package sensor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Read samples /proc/loadavg, the online core count and /proc/pressure. A
// broken loadavg is an error; a broken pressure file only costs the pressure
// metrics and is said in the reading's Note.
func (l *Load) Read(ctx context.Context, now time.Time) (reading.Reading, error) {
	// Kernel files do not block, so the deadline is only checked once:
	// a read already abandoned should not replace the baseline.
	if err := ctx.Err(); err != nil {
		return reading.Reading{}, err
	}
	la, buf, err := l.fs.LoadAvg(l.buf)
	l.buf = buf
	if err != nil {
		return reading.Reading{}, err
	}
	cores, err := l.cores()
	if err != nil {
		return reading.Reading{}, err
	}
	var psi [3]procfs.Pressure
	var have [3]bool
	var notes []error
	for i, res := range psiResources {
		psi[i], l.psBuf, err = l.fs.Pressure(res, l.psBuf)
		switch {
		case errors.Is(err, procfs.ErrNoPressure):
		case err != nil:
			notes = append(notes, err)
		default:
			have[i] = true
		}
	}
	r := loadReading(now, la, cores, &psi, &have)
	if len(notes) > 0 {
		r.Note = errors.Join(notes...).Error()
	}
	return r, nil
}

// cores counts the online CPUs from <sys>/devices/system/cpu/online, a
// few bytes, and falls back to the cpu lines of /proc/stat when sysfs is not
// mounted there.
func (l *Load) cores() (int, error) {
	p := l.fs.Sys("devices", "system", "cpu", "online")
	b, err := l.fs.ReadFile(p)
	if err == nil {
		n, err := procfs.ParseCPUList(b)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p, err)
		}
		return n, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	if l.buf, err = l.fs.Stat(&l.stat, l.buf); err != nil {
		return 0, err
	}
	return len(l.stat.Cores), nil
}
