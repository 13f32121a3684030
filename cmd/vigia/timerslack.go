package main

import "time"

// timerSlack is how late the kernel may fire the timers of a quiet
// command (one that runs until stopped), so that it wakes the program less
// often (widenTimerSlack).
const timerSlack = 4 * time.Millisecond

// isQuiet says whether the command named runs until stopped, woken by
// timers (command.quiet).
func isQuiet(name string) bool {
	for _, c := range commands() {
		if c.name == name {
			return c.quiet
		}
	}
	return false
}
