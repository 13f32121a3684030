# zsh-complete.zsh DIR LINE: prints, one a line, what zsh's completion
# offers for LINE with the completion functions in DIR, by driving an
# interactive zsh on a pseudo-terminal and catching its compadd calls.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -d $1/zcompdump"
zpty -w z "bindkey '^I' complete-word"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<<$IPREFIX$h>>"; done
}'
zpty -w z "$2"$'\t'
zpty -w z $'\C-u'"print DONE"
local line
while zpty -r z line; do
  [[ $line == *DONE* && $line != *print* ]] && break
  [[ $line == *"<<"*">>"* && $line != *IPREFIX* ]] && print -r -- "${${line#*<<}%%>>*}"
done
zpty -d z
