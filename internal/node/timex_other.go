//go:build !linux

package node

func adjtimex() (timexValues, error) { return timexValues{}, ErrNoData }
