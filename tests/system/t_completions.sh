# SPDX-License-Identifier: ISC
# The bash and zsh completions of contrib/completions: the subcommands,
# every long option that `holdports -h` lists, option values, the socket
# names and instance name of the ports.ini on the line, and the running
# instances for reload and stop. bash runs the completion function on a
# simulated line (COMP_LINE, COMP_POINT); zsh runs it for real, in an
# interactive zsh on a pseudo-terminal (zsh/zpty), recording what reaches
# compadd. A shell that is not installed is a skip.
. tests/system/lib.sh

COMPL=$TOP/contrib/completions
mkdir -p "$T/work/conf" "$T/bin"
cd "$T/work" || exit 1
cat > ports.ini <<'EOF'
[holdports]
name = shop
[socket.http]
listen = 0
[socket.admin]
listen = unix:admin.sock
[child]
command = ./server
EOF
cat > conf/other.ini <<'EOF'
[socket.metrics]
listen = 0
[child]
command = ./server
EOF
ln -s "$HP" "$T/bin/holdports"
PATH=$T/bin:$PATH
export PATH

# An instance for reload and stop to find.
hp_start -n compl-test -l 127.0.0.1:0=http -- sleep 600
wait_port http > /dev/null
wait_until 10 sh -c "holdports ls --json | grep -q compl-test" ||
	fail "the instance is not in holdports ls --json"

# The long options of holdports -h, and its subcommands.
options=$(holdports -h | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' |
    sort | tr '\n' ' ')

# expect SHELL OUTPUT LINE WORD...: the completions of LINE in OUTPUT (the
# block after "== LINE") include every WORD.
expect() {
	_sh=$1 _out=$2 _line=$3
	shift 3
	awk -v l="== $_line" '$0 == l { on = 1; next } /^== / { on = 0 } on' \
	    "$_out" | sort -u > "$T/got"
	_missing=
	for _w in "$@"; do
		grep -qxF -- "$_w" "$T/got" || _missing="$_missing $_w"
	done
	if [ -z "$_missing" ]; then
		ok "$_sh: '$_line' offers $*"
	else
		fail "$_sh: '$_line' lacks$_missing; got: $(tr '\n' ' ' < "$T/got")"
	fi
}

# Lines to complete (at their end) and what each must offer.
LINES='holdports |holdports --|holdports --mode=|holdports --mode |holdports --ready |holdports -l 8080=|holdports -c conf/other.ini -l 0=|holdports -n |holdports -c conf/o|holdports ls -|holdports reload |holdports stop compl|holdports -- slee|holdports -l unix:conf/o|holdports -d '

check_all() { # check_all SHELL OUTPUT
	expect "$1" "$2" 'holdports ' check init ls reload stop
	# shellcheck disable=SC2086
	expect "$1" "$2" 'holdports --' $options
	expect "$1" "$2" 'holdports --mode=' replace overlap
	expect "$1" "$2" 'holdports --mode ' replace overlap
	expect "$1" "$2" 'holdports --ready ' none notify
	expect "$1" "$2" 'holdports -l 8080=' http admin
	expect "$1" "$2" 'holdports -c conf/other.ini -l 0=' metrics
	expect "$1" "$2" 'holdports -n ' shop
	expect "$1" "$2" 'holdports ls -' --json
	expect "$1" "$2" 'holdports reload ' compl-test "$HP_PID"
	expect "$1" "$2" 'holdports stop compl' compl-test
	expect "$1" "$2" 'holdports -- slee' sleep
	expect "$1" "$2" 'holdports -d ' 100ms 1s
}

if ! command -v bash > /dev/null 2>&1; then
	skip "bash: not installed"
else
	cat > "$T/bash-complete" <<'EOF'
# bash-complete FILE LINE...: sources FILE and prints, for each LINE, a
# line "== LINE" and the completions at its end, as bash inserts them
# (after the last ':' or '=').
. "$1" || exit 2
shift
for line in "$@"; do
	COMP_LINE=$line COMP_POINT=${#line} COMPREPLY=()
	_holdports holdports 2> /dev/null
	printf '== %s\n' "$line"
	[ ${#COMPREPLY[@]} -gt 0 ] && printf '%s\n' "${COMPREPLY[@]}"
done
EOF
	old_ifs=$IFS
	IFS='|'
	# shellcheck disable=SC2086
	bash --norc --noprofile "$T/bash-complete" "$COMPL/holdports.bash" \
	    $LINES > "$T/bash.out" 2>&1
	IFS=$old_ifs
	# bash inserts a value after the last '=' or ':': the bare value.
	check_all bash "$T/bash.out"
	expect bash "$T/bash.out" 'holdports -c conf/o' conf/other.ini
	expect bash "$T/bash.out" 'holdports -l unix:conf/o' conf/other.ini
fi

if ! command -v zsh > /dev/null 2>&1; then
	skip "zsh: not installed (Debian package zsh)"
else
	cat > "$T/zsh-complete" <<'EOF'
# zsh-complete DIR LINE...: for each LINE, a line "== LINE" and then the
# matches zsh offers at its end, one a line, with the functions of DIR
# first in $fpath: an interactive zsh on a pseudo-terminal completes LINE
# with a TAB, and a compadd wrapper prints what it would add.
zmodload zsh/zpty || exit 2
dir=$1
shift
TERM=dumb zpty z zsh -f -i
zpty -w z "PS1=''; RPS1=''; bindkey -e; unsetopt zle_bracketed_paste beep"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __h; builtin compadd -A __h "$@"; local __r=$? __m
  for __m in $__h; do print -r -- "<M>$__m</M>" >/dev/tty; done
  return __r
}'
# wait_for WORD: what the terminal shows until it prints <WORD> (5 s).
wait_for() {
  local out all= tries=500
  while (( tries-- > 0 )) && [[ $all != *"<$1>"* ]]; do
    if zpty -rt z out; then all+=$out; else sleep 0.01; fi
  done
  print -r -- $all
}
zpty -w z 'print -r -- "<RE""ADY>"'
wait_for READY > /dev/null
for l in "$@"; do
  print -r -- "== $l"
  zpty -w -n z "$l"$'\t'$'\C-u'
  zpty -w z 'print -r -- "<DO""NE>"'
  wait_for DONE | tr -d '\r' | grep -o '<M>.*</M>' | sed 's,^<M>,,; s,</M>$,,'
done
zpty -d z
EOF
	old_ifs=$IFS
	IFS='|'
	# shellcheck disable=SC2086
	zsh -f "$T/zsh-complete" "$COMPL" $LINES > "$T/zsh.out" 2>&1
	IFS=$old_ifs
	check_all zsh "$T/zsh.out"
	# zsh lists a file by its name; the directory stays in the prefix.
	expect zsh "$T/zsh.out" 'holdports -c conf/o' other.ini
	expect zsh "$T/zsh.out" 'holdports -l unix:conf/o' other.ini
fi
cd "$TOP" || exit 1
finish
