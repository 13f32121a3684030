package procfs

import (
	"bytes"
	"fmt"
)

// ReadInto reads a whole kernel file into buf[:0], growing it as needed,
// with ReadFile's size cap: for callers outside this package that read
// many small sysfs attributes each scrape and keep one buffer for them.
// A missing file's error wraps fs.ErrNotExist.
func ReadInto(path string, buf []byte) ([]byte, error) { return statReadFile(path, buf) }

// ReadUint reads a sysfs attribute holding one unsigned decimal, such as
// thermal_throttle/core_throttle_count or cpufreq/scaling_cur_freq,
// reusing buf as ReadInto does. A value that is not a number is an error
// naming the file.
func ReadUint(path string, buf []byte) (uint64, []byte, error) {
	buf, err := statReadFile(path, buf)
	if err != nil {
		return 0, buf, err
	}
	v, ok := parseDecimal(bytes.TrimSpace(buf))
	if !ok {
		return 0, buf, fmt.Errorf("%s: %s is not a number", path, statQuote(buf))
	}
	return v, buf, nil
}

// ClockTicks returns USER_HZ, the unit of /proc/stat's cpu lines, as the
// kernel told this process at exec (100 when it did not say).
func ClockTicks() uint64 { return clockTicks() }
