package main

import (
	"fmt"
	"io"
	"strings"
)

// fishPrelude holds the helpers: fish completes a whole token, so a list
// or key=value flag offers the token so far with each possible last item.
const fishPrelude = `# fish completion for vigia, made by 'vigia completion fish' from vigia's own
# flags. Install: vigia completion fish > /usr/share/fish/vendor_completions.d/vigia.fish

# __vigia_list prints each word given as the last item of the
# comma-separated list being written.
function __vigia_list
    set -l pre (string replace -r '[^,]*$' '' -- (commandline -ct))
    for w in $argv
        printf '%s%s\n' $pre $w
    end
end

complete -c vigia -f
`

func fishCompletion(w io.Writer, cs []commandSpec, values map[string]valueSet) {
	io.WriteString(w, fishPrelude)
	for _, c := range cs {
		fmt.Fprintf(w, "complete -c vigia -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cs {
		fmt.Fprintf(w, "\n# vigia %s\n", c.name)
		cond := "-n " + fishQuote("__fish_seen_subcommand_from "+c.name)
		for _, f := range completionFlags(c, values) {
			fmt.Fprintf(w, "complete -c vigia %s -l %s", cond, f.name)
			switch {
			case f.bool:
			case f.values.keys != nil:
				fmt.Fprintf(w, " -x -a %s", fishQuote(fishKeys(f.values)))
			case f.values.list:
				fmt.Fprintf(w, " -x -a %s", fishQuote("(__vigia_list "+strings.Join(f.values.words, " ")+")"))
			case f.values.words != nil:
				fmt.Fprintf(w, " -x -a %s", fishQuote(strings.Join(f.values.words, " ")))
			case f.path == "file":
				fmt.Fprint(w, " -r -F")
			case f.path == "dir":
				fmt.Fprint(w, " -x -a '(__fish_complete_directories (commandline -ct))'")
			default:
				fmt.Fprint(w, " -x")
			}
			fmt.Fprintf(w, " -d %s\n", fishQuote(f.usage))
		}
		if len(c.verbs) > 0 {
			seen := "__fish_seen_subcommand_from " + strings.Join(c.verbs, " ")
			fmt.Fprintf(w, "complete -c vigia -n %s -a %s\n",
				fishQuote("__fish_seen_subcommand_from "+c.name+"; and not "+seen), fishQuote(strings.Join(c.verbs, " ")))
			if c.fileArg {
				fmt.Fprintf(w, "complete -c vigia -n %s -F\n", fishQuote("__fish_seen_subcommand_from "+c.name+"; and "+seen))
			}
		}
	}
}

// fishKeys is the command that completes a key=value flag: the values of
// the key being written, or the keys.
func fishKeys(v valueSet) string {
	var b strings.Builder
	b.WriteString("(switch (string replace -r '^.*,' '' -- (commandline -ct))")
	for _, k := range sortedKeys(v) {
		if vs := v.keys[k]; vs != nil {
			fmt.Fprintf(&b, "; case '%s=*'; __vigia_list %s", k, strings.Join(prefixed(k+"=", vs), " "))
		}
	}
	fmt.Fprintf(&b, "; case '*'; __vigia_list %s; end)", strings.Join(keyWords(v), " "))
	return b.String()
}

// fishQuote quotes a word for fish in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
