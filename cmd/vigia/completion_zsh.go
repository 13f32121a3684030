package main

import (
	"fmt"
	"io"
	"strings"
)

func zshCompletion(w io.Writer, cs []commandSpec, values map[string]valueSet) {
	fmt.Fprint(w, `#compdef vigia
# zsh completion for vigia, made by 'vigia completion zsh' from vigia's own
# flags. Install: vigia completion zsh > /usr/share/zsh/vendor-completions/_vigia

_vigia() {
	local -a commands
	commands=(
`)
	for _, c := range cs {
		fmt.Fprintf(w, "\t\t%s\n", zshQuote(c.name+":"+strings.ReplaceAll(c.summary, ":", `\:`)))
	}
	fmt.Fprintf(w, `	)
	if (( CURRENT == 2 )); then
		_describe -t commands 'vigia command' commands
		return
	fi
	local cmd=$words[2]
	shift words
	(( CURRENT-- ))
	case $cmd in
`)
	for _, c := range cs {
		fmt.Fprintf(w, "\t%s) _vigia_%s ;;\n", c.name, c.name)
	}
	fmt.Fprint(w, "\tesac\n}\n")
	for _, c := range cs {
		fmt.Fprintf(w, "\n_vigia_%s() {\n\t_arguments -s", c.name)
		for _, f := range completionFlags(c, values) {
			spec := "--" + f.name
			if f.repeatable {
				spec = "*" + spec
			}
			desc := zshDesc(f.usage)
			if f.bool {
				fmt.Fprintf(w, " \\\n\t\t%s", zshQuote(spec+"["+desc+"]"))
				continue
			}
			msg := zshDesc(f.valueName)
			action := " "
			switch {
			case f.values.keys != nil:
				var specs []string
				for _, k := range sortedKeys(f.values) {
					vs := ""
					if f.values.keys[k] != nil {
						vs = "(" + strings.Join(f.values.keys[k], " ") + ")"
					}
					specs = append(specs, zshQuote(k+"["+k+"]:"+k+":"+vs))
				}
				action = "_values -s , " + zshQuote(f.name) + " " + strings.Join(specs, " ")
			case f.values.list:
				action = "_values -s , " + zshQuote(f.name) + " " + strings.Join(f.values.words, " ")
			case f.values.words != nil:
				action = "(" + strings.Join(f.values.words, " ") + ")"
			case f.path == "file":
				action = "_files"
			case f.path == "dir":
				action = "_files -/"
			}
			// _arguments splits a spec at its colons: those of the action
			// (_values' own specs) are escaped.
			action = strings.ReplaceAll(action, ":", `\:`)
			fmt.Fprintf(w, " \\\n\t\t%s", zshQuote(spec+"=["+desc+"]:"+msg+":"+action))
		}
		if len(c.verbs) > 0 {
			fmt.Fprintf(w, " \\\n\t\t%s", zshQuote("1:"+c.name+":("+strings.Join(c.verbs, " ")+")"))
		}
		if c.fileArg {
			fmt.Fprintf(w, " \\\n\t\t%s", zshQuote("2:file:_files"))
		}
		fmt.Fprint(w, "\n}\n")
	}
	fmt.Fprint(w, `
if [[ $funcstack[1] == _vigia ]]; then
	_vigia "$@"
else
	compdef _vigia vigia
fi
`)
}

// zshDesc escapes a description for the brackets of an _arguments spec.
func zshDesc(s string) string {
	return strings.NewReplacer(`[`, `\[`, `]`, `\]`, `:`, `\:`).Replace(s)
}

// zshQuote quotes a word for zsh in single quotes.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
