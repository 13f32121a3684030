package main

import (
	"errors"
	"fmt"
)

// usageError is a mistake in how vigia was called: exit 2, with a hint.
type usageError struct {
	err  error
	hint string
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), hint: "Run 'vigia --help' for commands, 'vigia COMMAND --help' for flags."}
}

// errHelp is returned when --help was asked for and printed: exit 0.
var errHelp = errors.New("help shown")
