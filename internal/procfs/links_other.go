//go:build !linux

package procfs

import "errors"

// Links reads network devices over rtnetlink, which only Linux has.
type Links struct{}

// OpenLinks fails: there is no rtnetlink.
func OpenLinks(stats bool) (*Links, error) { return nil, errors.ErrUnsupported }

// Dump returns no links.
func (l *Links) Dump(dst []Link) ([]Link, error) { return dst[:0], errors.ErrUnsupported }

// Close does nothing.
func (l *Links) Close() error { return nil }
