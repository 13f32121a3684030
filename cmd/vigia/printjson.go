package main

import (
	"encoding/json"
	"io"
)

// printJSON writes v as the --json output of a command: indented for a
// person reading it, one document, ending in a newline.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
