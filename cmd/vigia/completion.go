package main

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/vigia-dev/vigia/internal/text"
)

// shells are the shells `vigia completion` writes a script for.
var shells = map[string]func(w io.Writer, cs []commandSpec, values map[string]valueSet){
	"bash": bashCompletion,
	"zsh":  zshCompletion,
	"fish": fishCompletion,
}

func runCompletion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "completion", text.For(text.FromEnv(e.getenv)).CompletionHelp())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	gen, ok := shells[fs.Arg(0)]
	if fs.NArg() != 1 || !ok {
		return usagef("usage: vigia completion bash|zsh|fish")
	}
	gen(e.stdout, specs(), flagValues())
	return nil
}

// completionFlag is one flag as the completion scripts see it.
type completionFlag struct {
	name, valueName, usage string
	bool                   bool
	path                   string // "file", "dir" or ""
	values                 valueSet
	repeatable             bool
}

// completionFlags turns a command's flags into what a script needs to
// complete them and their values.
func completionFlags(c commandSpec, values map[string]valueSet) []completionFlag {
	var out []completionFlag
	for _, f := range c.flags {
		vn, usage := flagLine(f)
		usage, _, _ = strings.Cut(usage, "\n")
		out = append(out, completionFlag{name: f.Name, valueName: vn, usage: usage, bool: isBool(f),
			path: pathKind(vn), values: values[f.Name], repeatable: strings.Contains(usage, "(repeatable")})
	}
	return out
}

// keyWords are a key=value flag's keys as a shell offers them, key=.
func keyWords(v valueSet) []string {
	var out []string
	for _, k := range sortedKeys(v) {
		out = append(out, k+"=")
	}
	return out
}

// sortedKeys are a key=value flag's keys, in order.
func sortedKeys(v valueSet) []string {
	var keys []string
	for k := range v.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
