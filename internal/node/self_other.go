//go:build !linux

package node

// Self returns nil where there is no /proc: /metrics falls back to
// client_golang's process collector.
func Self() Collector { return nil }
