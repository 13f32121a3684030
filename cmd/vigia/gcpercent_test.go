package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	tuneGC(getenv, agentGCPercent)
	if got := debug.SetGCPercent(100); got != agentGCPercent {
		t.Errorf("GC percent with no GOGC: %d, want %d", got, agentGCPercent)
	}
	// A GOGC the runtime has read already is the operator's choice.
	env["GOGC"] = "200"
	tuneGC(getenv, agentGCPercent)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC set: %d, want it left at 100", got)
	}
}
