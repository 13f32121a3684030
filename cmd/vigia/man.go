package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/vigia-dev/vigia/internal/text"
)

func runMan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "man", text.For(text.FromEnv(e.getenv)).ManHelp())
	lang := fs.String("lang", "", "language of the page's own words, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("man takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	words, err := language(e, "", *lang)
	if err != nil {
		return err
	}
	writeMan(e.stdout, words, specs())
	return nil
}

// writeMan writes vigia(1) in roff from the help texts and flag sets the
// commands use for --help, and the words of text for what no help holds.
// It has no date: two builds of one version make the same page.
func writeMan(w io.Writer, t *text.Text, cs []commandSpec) {
	r := roff{w: w}
	r.line(`.\" vigia.1, made by 'vigia man' from vigia's own help texts and flags.`)
	r.line(fmt.Sprintf(`.TH VIGIA 1 "" "vigia %s"`, build().Version))
	// Left-adjusted: the defaults of the exclusion flags are long regexps
	// no justified line can hold.
	r.line(".ad l")
	r.section(t.ManSection("NAME"))
	r.text("vigia \\- " + r.escape(tagline))
	r.section(t.ManSection("SYNOPSIS"))
	r.line(".B vigia")
	r.line(".RI [ command ]")
	r.line(".RI [ flags ]")

	main := parseHelp(mainHelp)
	r.section(t.ManSection("DESCRIPTION"))
	r.paragraphs(main.body)
	r.examples(t, main.examples)

	r.section(t.ManSection("COMMANDS"))
	for _, c := range cs {
		r.line(`.SS "vigia ` + c.name + `"`)
		title := c.summary
		if _, after, ok := strings.Cut(c.help.title, " — "); ok {
			title = after
		}
		r.text(r.escape(title))
		if len(c.help.usage) > 0 {
			r.line(".PP")
			r.text(r.escape(t.ManSection("Usage:")))
			r.block(c.help.usage)
		}
		r.paragraphs(c.help.body)
		if len(c.flags) > 0 {
			r.line(".PP")
			r.text(r.escape(t.ManSection("Flags:")))
			for _, f := range c.flags {
				r.flag(f)
			}
		}
		r.examples(t, c.help.examples)
	}

	for _, s := range []struct {
		name    string
		entries []text.ManEntry
		font    string
	}{
		{"FILES", t.ManFiles(), ".I"},
		{"ENVIRONMENT", t.ManEnvironment(), ".B"},
		{"EXIT STATUS", t.ManExitStatus(), ".B"},
	} {
		r.section(t.ManSection(s.name))
		for _, e := range s.entries {
			r.line(".TP")
			r.line(s.font + " " + r.escape(e.Term))
			r.text(r.escape(e.What))
		}
	}
	r.section(t.ManSection("SEE ALSO"))
	pages := []string{"top 1", "ps 1", "free 1", "journalctl 1", "systemd.service 5"}
	for i, p := range pages {
		name, sec, _ := strings.Cut(p, " ")
		sep := ","
		if i == len(pages)-1 {
			sep = ""
		}
		r.line(".BR " + name + " (" + sec + ")" + sep)
	}
	r.line(".PP")
	r.text(r.escape(t.ManSeeAlso()))
}

// roff writes man(7) markup.
type roff struct{ w io.Writer }

func (r roff) line(s string) { fmt.Fprintln(r.w, s) }

// text writes escaped text lines; a line that would start with a control
// character (. or ') is guarded.
func (r roff) text(s string) {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			l = `\&` + l
		}
		r.line(l)
	}
}

func (r roff) section(name string) { r.line(`.SH "` + r.escape(name) + `"`) }

// escape makes text safe for roff: backslashes and dashes escaped, and
// every character past ASCII written as its Unicode escape, so groff reads
// the page the same whatever encoding it assumes.
func (roff) escape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\\':
			b.WriteString(`\e`)
		case c == '-':
			b.WriteString(`\-`)
		case c > 127:
			fmt.Fprintf(&b, `\[u%04X]`, c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// paragraphs writes a help's description: runs of text are filled, an
// indented line (a sample of output) is kept as it is.
func (r roff) paragraphs(body []string) {
	r.line(".PP")
	for i := 0; i < len(body); i++ {
		l := body[i]
		switch {
		case l == "":
			r.line(".PP")
		case strings.HasPrefix(l, " "):
			var lines []string
			for ; i < len(body) && strings.HasPrefix(body[i], " "); i++ {
				lines = append(lines, strings.TrimSpace(body[i]))
			}
			i--
			r.block(lines)
		default:
			r.text(r.escape(l))
		}
	}
}

// block writes lines unfilled and indented: usage lines, examples.
func (r roff) block(lines []string) {
	r.line(".RS")
	r.line(".nf")
	for _, l := range lines {
		r.text(r.escape(l))
	}
	r.line(".fi")
	r.line(".RE")
}

func (r roff) examples(t *text.Text, examples []string) {
	if len(examples) == 0 {
		return
	}
	r.line(".PP")
	r.text(r.escape(t.ManSection("Examples:")))
	r.block(examples)
}

// flag writes one flag as --help shows it: name, value name, usage, and
// the default when the usage does not say it.
func (r roff) flag(f *flag.Flag) {
	vn, usage := flagLine(f)
	r.line(".TP")
	if vn == "" {
		r.line(".B " + r.escape("--"+f.Name))
	} else {
		r.line(`.BI "` + r.escape("--"+f.Name) + ` " ` + r.escape(vn))
	}
	if def := f.DefValue; def != "" && def != "0" && def != "false" && !strings.Contains(usage, "(default") {
		usage += fmt.Sprintf(" (default %s)", def)
	}
	r.text(r.escape(usage))
}
