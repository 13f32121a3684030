package main

import (
	"fmt"
	"io"
	"strings"
)

// bashPrelude holds the helpers every command's completion uses. bash
// splits the word being completed at = and : (COMP_WORDBREAKS), which would
// cut --rule metric=cpu.usage in two, so the words are read from COMP_LINE
// instead, and a reply keeps only what follows the last = or : of the word.
const bashPrelude = `# bash completion for vigia, made by 'vigia completion bash' from vigia's own
# flags. Install: vigia completion bash > /usr/share/bash-completion/completions/vigia

# _vigia_reply offers the words given that start with the word being
# completed ($vpre$cur, set by _vigia).
_vigia_reply() {
	local IFS=$'\n' full=$vpre$cur wb
	COMPREPLY=($(compgen -P "$vpre" -W "$*" -- "$cur"))
	wb=${full%"${full##*[=:]}"}
	if [[ -n $wb ]]; then
		COMPREPLY=("${COMPREPLY[@]#"$wb"}")
	fi
}

# _vigia_list offers the words given as the last item of a comma-separated list.
_vigia_list() {
	local pre= w out=()
	[[ $cur == *,* ]] && pre=${cur%,*},
	for w in "$@"; do out+=("$pre$w"); done
	_vigia_reply "${out[@]}"
}

_vigia_files() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

_vigia_dirs() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -d -- "$cur"))
}
`

func bashCompletion(w io.Writer, cs []commandSpec, values map[string]valueSet) {
	io.WriteString(w, bashPrelude)
	// A key=value flag gets its own function: keys first, then the values
	// of the key being written.
	done := map[string]bool{}
	for _, c := range cs {
		for _, f := range completionFlags(c, values) {
			if f.values.keys == nil || done[f.name] {
				continue
			}
			done[f.name] = true
			fmt.Fprintf(w, "\n# %s takes key=value pairs separated by commas.\n_vigia_keys_%s() {\n", f.name, bashName(f.name))
			fmt.Fprint(w, "\tlocal last=${cur##*,}\n\tcase $last in\n")
			for _, k := range sortedKeys(f.values) {
				if vs := f.values.keys[k]; vs != nil {
					fmt.Fprintf(w, "\t%s=*) _vigia_list %s ;;\n", k, bashWords(prefixed(k+"=", vs)))
				}
			}
			fmt.Fprintf(w, "\t*)\n\t\tcompopt -o nospace 2>/dev/null\n\t\t_vigia_list %s\n\t\t;;\n\tesac\n}\n", bashWords(keyWords(f.values)))
		}
	}

	fmt.Fprint(w, "\n_vigia() {\n")
	fmt.Fprint(w, `	local line=${COMP_LINE:0:COMP_POINT} words cur prev= vpre= cmd
	read -ra words <<<"$line"
	[[ -z $line || $line == *[[:space:]] ]] && words+=("")
	cur=${words[${#words[@]}-1]}
	(( ${#words[@]} > 2 )) && prev=${words[${#words[@]}-2]}
	if (( ${#words[@]} <= 2 )); then
`)
	var names []string
	for _, c := range cs {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, "\t\t_vigia_reply %s --help --version\n\t\treturn\n\tfi\n", bashWords(names))
	fmt.Fprint(w, `	# --flag=value: complete the value, keeping --flag= in front.
	if [[ $cur == -*=* ]]; then
		prev=${cur%%=*}
		vpre=$prev=
		cur=${cur#*=}
	elif [[ $prev == -* && $prev == *=* ]]; then
		prev=
	fi
	cmd=${words[1]}
	case $cmd in
`)
	for _, c := range cs {
		fmt.Fprintf(w, "\t%s)\n\t\tcase ${prev/#--/-} in\n", c.name)
		var flags []string
		for _, f := range completionFlags(c, values) {
			flags = append(flags, "--"+f.name)
			if f.bool {
				continue
			}
			fmt.Fprintf(w, "\t\t-%s) ", f.name)
			switch {
			case f.values.keys != nil:
				fmt.Fprintf(w, "_vigia_keys_%s", bashName(f.name))
			case f.values.list:
				fmt.Fprintf(w, "_vigia_list %s", bashWords(f.values.words))
			case f.values.words != nil:
				fmt.Fprintf(w, "_vigia_reply %s", bashWords(f.values.words))
			case f.path == "file":
				fmt.Fprint(w, "_vigia_files")
			case f.path == "dir":
				fmt.Fprint(w, "_vigia_dirs")
			default:
				fmt.Fprint(w, ":") // a value of the user's own
			}
			fmt.Fprint(w, "; return ;;\n")
		}
		fmt.Fprint(w, "\t\tesac\n")
		if len(c.verbs) > 0 {
			// The verb comes first among the arguments; a FILE after it.
			fmt.Fprintf(w, "\t\tlocal w seen=\n\t\tfor w in \"${words[@]:2:${#words[@]}-3}\"; do\n\t\t\tcase $w in %s) seen=1 ;; esac\n\t\tdone\n", strings.Join(c.verbs, "|"))
			fmt.Fprintf(w, "\t\tif [[ -z $seen && $cur != -* ]]; then\n\t\t\t_vigia_reply %s\n\t\t\treturn\n\t\tfi\n", bashWords(c.verbs))
			if c.fileArg {
				fmt.Fprint(w, "\t\tif [[ $cur != -* ]]; then\n\t\t\t_vigia_files\n\t\t\treturn\n\t\tfi\n")
			}
		}
		fmt.Fprintf(w, "\t\t_vigia_reply %s\n\t\t;;\n", bashWords(append(flags, "--help")))
	}
	fmt.Fprint(w, "\tesac\n}\n\ncomplete -F _vigia vigia\n")
}

// bashWords quotes words for a bash command line.
func bashWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		if !strings.ContainsAny(w, " '\"$`\\{}[]*?!;&|<>()#~") {
			q[i] = w
		}
	}
	return strings.Join(q, " ")
}

func bashName(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

func prefixed(pre string, words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = pre + w
	}
	return out
}
