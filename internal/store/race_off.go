//go:build !race

package store

// raceEnabled is true in a -race build.
const raceEnabled = false
