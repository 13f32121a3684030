//go:build race

package server

// raceEnabled: the race detector slows every goroutine several times over,
// so timing bounds are not asserted under it.
const raceEnabled = true
