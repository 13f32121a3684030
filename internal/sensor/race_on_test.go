//go:build race

package sensor

// raceEnabled: every job of TestShortLivedJobs is this test binary, which
// under the race detector takes a second or more to start on a busy
// machine; the race detector then runs a few, enough to watch the exit
// watch and the reads side by side.
const raceEnabled = true
