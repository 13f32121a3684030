//go:build !linux

package engine

import "runtime/metrics"

// residentBytes approximates the resident set from the Go runtime: memory
// mapped by the runtime minus what it has returned to the system.
func residentBytes() (uint64, bool) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return s[0].Value.Uint64() - s[1].Value.Uint64(), true
}
