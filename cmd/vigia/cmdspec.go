package main

import (
	"context"
	"flag"
	"io"
	"regexp"
	"strings"
)

// commandSpec is what completion and the man page know of a command: its
// help text and its flags, read from the flag set the command itself
// builds, so neither keeps a second list that could drift.
type commandSpec struct {
	name, summary string
	help          helpText
	flags         []*flag.Flag // in the flag set's (sorted) order
	// verbs are the words that must follow the command (config check,
	// alert test), from its help's usage line; one of them, when several
	// are separated by |.
	verbs []string
	// fileArg is set when the usage line ends in FILE: a path follows
	// the verb.
	fileArg bool
}

// specs runs every command with --help on an env that keeps its flag set
// and throws its output away: each command defines its flags exactly as
// it does for a real run, then stops at --help before it touches anything.
func specs() []commandSpec {
	var out []commandSpec
	for _, c := range commands() {
		var fs *flag.FlagSet
		var help string
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
			getenv:  func(string) string { return "" },
			flagSet: func(f *flag.FlagSet, h string) { fs, help = f, h }}
		if err := c.run(context.Background(), e, []string{"--help"}); err != errHelp || fs == nil {
			panic("vigia " + c.name + " --help did not stop at its flags") // a programming error, caught by the tests
		}
		s := commandSpec{name: c.name, summary: c.summary, help: parseHelp(help)}
		fs.VisitAll(func(f *flag.Flag) { s.flags = append(s.flags, f) })
		s.verbs, s.fileArg = usageArgs(c.name, s.help.usage)
		out = append(out, s)
	}
	return out
}

// isBool reports whether a flag takes no value.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// flagLine is the flag's usage, first line only, with the value name
// unquoted: a short description for shells and the man page.
func flagLine(f *flag.Flag) (valueName, usage string) {
	valueName, usage = flag.UnquoteUsage(f)
	if isBool(f) {
		valueName = ""
	}
	return valueName, usage
}

var verbWords = regexp.MustCompile(`^[a-z]+(\|[a-z]+)*$`)

// usageArgs reads the words a command's usage line says follow its name:
// "vigia config check FILE" gives the verb check and a file.
func usageArgs(name string, usage []string) (verbs []string, fileArg bool) {
	if len(usage) == 0 {
		return nil, false
	}
	words := strings.Fields(usage[0])
	if len(words) < 2 || words[0] != "vigia" || words[1] != name {
		return nil, false
	}
	words = words[2:]
	if len(words) > 0 && verbWords.MatchString(words[0]) {
		verbs = strings.Split(words[0], "|")
		words = words[1:]
	}
	return verbs, len(words) > 0 && words[0] == "FILE"
}

// helpText is a command's --help cut into the parts a man page sets apart.
type helpText struct {
	title    string   // "vigia watch — stream …", when the help starts with one
	usage    []string // the usage lines, without "Usage:"
	body     []string // the description, paragraphs separated by ""
	examples []string // the example lines, unindented
}

// parseHelp cuts a help text (as the commands write them: a title line, a
// Usage: block or line, paragraphs, an Examples: block) into its parts.
func parseHelp(help string) helpText {
	var h helpText
	lines := strings.Split(strings.Trim(help, "\n"), "\n")
	section := "body"
	for i, l := range lines {
		switch {
		case i == 0 && strings.HasPrefix(l, "vigia ") && strings.Contains(l, " — "):
			h.title = l
			// A title may wrap onto the next lines, up to the first blank one.
			section = "title"
			continue
		case section == "title" && l != "":
			h.title += " " + l
			continue
		case strings.HasPrefix(l, "Usage:"):
			section = "usage"
			if rest := strings.TrimSpace(strings.TrimPrefix(l, "Usage:")); rest != "" {
				h.usage = append(h.usage, rest)
			}
			continue
		case l == "Examples:" || l == "Example:":
			section = "examples"
			continue
		case l == "":
			// A blank line ends a block (an Examples: block only once it
			// has lines) and separates paragraphs of the description.
			if section != "examples" || len(h.examples) > 0 {
				section = "body"
			}
			if n := len(h.body); n > 0 && h.body[n-1] != "" {
				h.body = append(h.body, "")
			}
			continue
		}
		switch section {
		case "usage":
			h.usage = append(h.usage, strings.TrimSpace(l))
		case "examples":
			if !strings.HasPrefix(l, "  ") {
				section = "body"
				h.body = append(h.body, l)
				continue
			}
			h.examples = append(h.examples, strings.TrimPrefix(l, "  "))
		default:
			section = "body"
			h.body = append(h.body, l)
		}
	}
	if n := len(h.body); n > 0 && h.body[n-1] == "" {
		h.body = h.body[:n-1]
	}
	return h
}
