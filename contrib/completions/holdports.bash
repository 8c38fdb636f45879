# SPDX-License-Identifier: ISC
# bash completion for holdports(1). Installed as
# $(PREFIX)/share/bash-completion/completions/holdports, where
# bash-completion loads it on first use; or source it from ~/.bashrc. It
# needs nothing from bash-completion itself.
#
# Completes the subcommands (check, ls, reload, stop), every option and
# its values, the instances that `holdports ls --json` lists for reload
# and stop (and after reload NAME, its children), and, from the ports.ini of the command line (-c FILE, else
# ./ports.ini), the socket names of its [socket.NAME] sections after
# `-l SPEC=` and the `name =` of its [holdports] section after -n. After
# `--` it completes a command, then file names.

# _holdports_config: the configuration file the words name with -c or
# --config, else ports.ini.
_holdports_config() {
	local i w
	for ((i = 1; i < ${#_hp_words[@]} - 1; i++)); do
		w=${_hp_words[i]}
		case $w in
		--) break ;;
		-c | --config) printf '%s\n' "${_hp_words[i + 1]/#\~/$HOME}" && return ;;
		--config=*) printf '%s\n' "${w#--config=}" && return ;;
		-c?*) printf '%s\n' "${w#-c}" && return ;;
		esac
	done
	printf '%s\n' ports.ini
}

# _holdports_ini SECTION KEY: the values of KEY in the sections of the
# configuration named SECTION (an awk regular expression); with KEY empty,
# what follows the first dot in the names of those sections.
_holdports_ini() {
	local file
	file=$(_holdports_config)
	[[ -r $file ]] || return 0
	awk -v re="^\\\\[($1)\\\\]\$" -v key="$2" '
		{ sub(/\r$/, ""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
		/^\[/ {
			in_s = $0 ~ re
			if (in_s && key == "") {
				sub(/^\[[^.]*\./, ""); sub(/\]$/, ""); print
			}
			next
		}
		in_s && key != "" && (i = index($0, "=")) > 0 {
			k = substr($0, 1, i - 1); v = substr($0, i + 1)
			sub(/[ \t]+$/, "", k); sub(/^[ \t]+/, "", v)
			if (k == key) print v
		}' "$file" 2>/dev/null
}

# _holdports_instances: the names and pids of the running instances.
_holdports_instances() {
	local json
	json=$("${_hp_words[0]}" ls --json 2>/dev/null)
	{
		sed -n 's/.*"name" *: *"\([^"]*\)".*/\1/p' <<<"$json"
		sed -n 's/.*"pid" *: *\([0-9][0-9]*\).*/\1/p' <<<"$json"
	} | sort -u
}

# _holdports_children INSTANCE: the names of the children of the running
# instance INSTANCE (a name or a pid), for holdports reload INSTANCE CHILD.
_holdports_children() {
	"${_hp_words[0]}" ls --json 2>/dev/null |
	    awk -v want="$1" '
		{
			n = $0; sub(/.*"name" *: *"/, "", n); sub(/".*/, "", n)
			p = $0; sub(/.*"pid" *: */, "", p); sub(/[^0-9].*/, "", p)
			c = $0
			if (!sub(/.*"child" *: *"/, "", c)) next
			sub(/".*/, "", c)
			if (n == want || p == want) print c
		}' | sort -u
}

# _holdports_value OPTION CUR: completes the value CUR of OPTION into
# COMPREPLY; false if OPTION takes no value.
_holdports_value() {
	case $1 in
	-c | --config)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.ini' -- "$2"
		    compgen -d -- "$2")
		compopt -o filenames 2>/dev/null
		;;
	-l | --listen)
		if [[ $2 == *=* ]]; then
			mapfile -t COMPREPLY < <(compgen -P "${2%%=*}=" -W \
			    "$(_holdports_ini 'socket\\.[^]]*' '')" -- "${2#*=}")
		elif [[ $2 == unix:* || $2 == udp:unix:* ]]; then
			mapfile -t COMPREPLY < <(compgen -P "${2%%unix:*}unix:" \
			    -f -- "${2#*unix:}")
			compopt -o nospace 2>/dev/null
		else
			mapfile -t COMPREPLY < <(compgen -W '127.0.0.1: 0.0.0.0:
			    [::1]: [::]: localhost: unix: udp:' -- "$2")
			compopt -o nospace 2>/dev/null
		fi
		;;
	-w | --watch)
		mapfile -t COMPREPLY < <(compgen -f -- "$2")
		compopt -o filenames 2>/dev/null
		;;
	-i | --ignore) ;;
	-b | --build)
		mapfile -t COMPREPLY < <(compgen -c -- "$2")
		;;
	-d | --debounce)
		mapfile -t COMPREPLY < <(compgen -W '50ms 100ms 200ms 500ms 1s' \
		    -- "$2")
		;;
	--mode)
		mapfile -t COMPREPLY < <(compgen -W 'replace overlap' -- "$2")
		;;
	--ready)
		mapfile -t COMPREPLY < <(compgen -W 'none notify' -- "$2")
		;;
	--fallback)
		mapfile -t COMPREPLY < <(compgen -W 'none next next:10 next:100' \
		    -- "$2")
		;;
	--procfile)
		mapfile -t COMPREPLY < <(compgen -f -- "$2")
		compopt -o filenames 2>/dev/null
		;;
	-n | --name)
		mapfile -t COMPREPLY < <(compgen -W \
		    "$(_holdports_ini holdports name)" -- "$2")
		;;
	*)
		return 1
		;;
	esac
	return 0
}

_holdports() {
	local line cur prev word head i sub= dashdash=0
	local -a _hp_words
	local opts='-c --config -l --listen -w --watch -i --ignore -b --build
	    -d --debounce --mode --ready --fallback --procfile --clear
	    -n --name -q --quiet
	    -v --verbose -h --help -V --version'

	# Split the line up to the cursor at blanks only, so that a word such
	# as 127.0.0.1:8080=http or --mode=overlap stays whole (bash splits
	# it at ':' and '=', COMP_WORDBREAKS).
	line=${COMP_LINE:0:COMP_POINT}
	read -r -a _hp_words <<<"$line"
	if [[ ${#_hp_words[@]} -eq 0 || $line == *[[:blank:]] ]]; then
		_hp_words+=("")
	fi
	i=${#_hp_words[@]}
	cur=${_hp_words[i - 1]}
	prev=
	((i > 1)) && prev=${_hp_words[i - 2]}
	COMPREPLY=()

	for ((i = 1; i < ${#_hp_words[@]} - 1; i++)); do
		case ${_hp_words[i]} in
		--)
			dashdash=$i
			break
			;;
		check | ls | reload | stop)
			((i == 1)) && sub=${_hp_words[i]}
			;;
		esac
	done

	if ((dashdash > 0)); then
		# After `--`: a command, then its arguments.
		if ((${#_hp_words[@]} - 1 == dashdash + 1)); then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
		fi
	elif [[ $sub == ls ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--json' -- "$cur")
	elif [[ $sub == reload || $sub == stop ]]; then
		if ((${#_hp_words[@]} == 3)); then
			mapfile -t COMPREPLY < <(compgen \
			    -W "$(_holdports_instances)" -- "$cur")
		elif [[ $sub == reload ]] && ((${#_hp_words[@]} == 4)); then
			mapfile -t COMPREPLY < <(compgen \
			    -W "$(_holdports_children "${_hp_words[2]}")" -- "$cur")
		fi
	elif _holdports_value "$prev" "$cur"; then
		:
	elif [[ $cur == --*=* ]] &&
	    _holdports_value "${cur%%=*}" "${cur#*=}"; then
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
	elif [[ $cur == -[cdlwibn]?* ]] &&
	    _holdports_value "${cur:0:2}" "${cur:2}"; then
		COMPREPLY=("${COMPREPLY[@]/#/${cur:0:2}}")
	elif [[ $cur == -* ]]; then
		[[ -z $sub ]] && opts="$opts --"
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	elif [[ ${#_hp_words[@]} -eq 2 ]]; then
		mapfile -t COMPREPLY < <(compgen -W 'check ls reload stop' \
		    -- "$cur")
	elif [[ -z $sub ]]; then
		# The command may also follow the options without `--`.
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	fi

	# bash replaces only what follows the last ':' or '=' of the word
	# (COMP_WORDBREAKS): drop what comes before from each completion.
	word=${cur##*[=:]}
	head=${cur%"$word"}
	if [[ -n $head ]]; then
		COMPREPLY=("${COMPREPLY[@]#"$head"}")
	fi
	return 0
}
complete -F _holdports holdports
