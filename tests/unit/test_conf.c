/* SPDX-License-Identifier: ISC */
/* test_conf.c: the ports.ini loader and its SPEC, duration and signal
 * parsers, table by table; run from the repo top (it reads tests/golden). */

#define _XOPEN_SOURCE 700 /* mkdtemp(3) */

#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

#define PATH "ports.ini" /* conf_load_string's name for the text */
#define FINAL "[child]\ncommand = ./server\n"
/* The only child of c, or the defaults of [holdports] before there is
 * one. */
#define CH(c) ((c).nchildren > 0 ? &(c).children[0] : &(c).defaults)

/* Loads text as PATH and finishes it. Returns what the two return; the
 * caller frees c. */
static int
load(struct conf *c, const char *text, char *err)
{
	conf_init(c);
	err[0] = '\0';
	if (conf_load_string(c, text, PATH, err) == -1)
		return -1;
	return conf_finish(c, err);
}

/* Returns the contents of the file at path (malloc'ed), or fails the
 * test. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0;

	if (f == NULL)
		fail_msg("%s: %s (run the tests from the repo top)", path,
		    strerror(errno));
	if (getdelim(&s, &n, '\0', f) == -1) {
		free(s);
		s = calloc(1, 1);
	}
	(void)fclose(f);
	assert_non_null(s);
	return s;
}

/* Sets CH(*c)->command as main.c does for "-- COMMAND". */
static void
set_command(struct conf *c, const char *cmd)
{
	struct childconf *ch = conf_child(c);

	assert_non_null(ch);
	free(ch->command);
	ch->command = strdup(cmd);
	assert_non_null(ch->command);
}

/* Returns conf_print's output (malloc'ed). */
static char *
print(const struct conf *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	conf_print(c, f);
	assert_int_equal(fclose(f), 0);
	return s;
}

/* Returns s with every occurrence of from replaced by to (malloc'ed). */
static char *
replace(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p, *hit;
	char *out, *o;

	for (p = s; (p = strstr(p, from)) != NULL; p += nf)
		n++;
	out = o = malloc(strlen(s) + n * nt + 1);
	assert_non_null(out);
	for (p = s; (hit = strstr(p, from)) != NULL; p = hit + nf) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, nt);
		o += nt;
	}
	memcpy(o, p, strlen(p) + 1);
	return out;
}

/* (a) Bad files: the exact message of the first error. */
static const struct {
	const char *text;
	const char *err;
} bad[] = {
    /* unknown keys and sections */
    {"[holdports]\nname = x\ncolour = red\n",
	"ports.ini:3: [holdports] colour: unknown key; valid keys are name, "
	"compat, events, events_fallback, clear, debounce, stop_signal, "
	"stop_timeout, restart, mode, ready, ready_timeout, watch_mode and "
	"poll_interval"},
    {"[socket.http]\nlisten = 80\nport = 80\n",
	"ports.ini:3: [socket.http] port: unknown key; valid keys are listen, "
	"backlog, fallback, mode, user, group and protocol"},
    /* the browser side */
    {"[socket.http]\nlisten = 80\nprotocol = https\n",
	"ports.ini:3: [socket.http] protocol: 'https' is not valid; use none "
	"(connections wait while no child serves) or http (an error page "
	"answers them)"},
    {"[holdports]\nevents = unix:/tmp/x\n",
	"ports.ini:2: [holdports] events: 'unix:/tmp/x' is not a TCP address "
	"for browsers; write [HOST:]PORT, e.g. events = 127.0.0.1:8081 (no "
	"unix:, udp: or =NAME)"},
    {"[holdports]\nevents = 8081=ev\n",
	"ports.ini:2: [holdports] events: '8081=ev' is not a TCP address for "
	"browsers; write [HOST:]PORT, e.g. events = 127.0.0.1:8081 (no "
	"unix:, udp: or =NAME)"},
    {"[holdports]\nevents = 80800\n",
	"ports.ini:2: [holdports] events: port '80800' is not a number from 0 "
	"to 65535; write e.g. 8080 or 127.0.0.1:8080 (port 0: the kernel "
	"picks a free one)"},
    {"[holdports]\nevents_fallback = later\n",
	"ports.ini:2: [holdports] events_fallback: 'later' is not valid; use "
	"none, next (the next 100 ports) or next:N (N ports from this one, "
	"e.g. next:20)"},
    {"[child]\ncmd = ./x\n",
	"ports.ini:2: [child] cmd: unknown key; valid keys are command, "
	"directory, environment, env_file, watch, ignore, build, gitignore, "
	"listen_pid, sockets, fdstore_max, stdin, debounce, stop_signal, "
	"stop_timeout, restart, mode, ready, ready_timeout, watch_mode and "
	"poll_interval"},
    /* a typo: did you mean */
    {"[child]\nCommand = ./x\n",
	"ports.ini:2: [child] Command: unknown key; did you mean command?"},
    {"[child]\ncomand = ./x\n",
	"ports.ini:2: [child] comand: unknown key; did you mean command?"},
    {"[socket.http]\nlisen = 80\n",
	"ports.ini:2: [socket.http] lisen: unknown key; did you mean listen?"},
    {"[holdports]\ncommand = ./x\n",
	"ports.ini:2: [holdports] command: not a key of [holdports]; move it "
	"to [child]"},
    {"[child]\nlisten = 80\n",
	"ports.ini:2: [child] listen: not a key of [child]; move it to "
	"[socket.NAME]"},
    {"command = ./x\n",
	"ports.ini:1: key 'command' comes before any section; put it under "
	"[child]"},
    {"; hello\nfoo = 1\n",
	"ports.ini:2: key 'foo' comes before any section; start with a "
	"section: [holdports], [socket.NAME] or [child]"},
    {"[server]\ncommand = ./x\n",
	"ports.ini:1: unknown section '[server]'; valid sections are "
	"[holdports], [socket.NAME], [child] and [child.NAME]"},
    {"[ child ]\n",
	"ports.ini:1: unknown section '[ child ]'; did you mean [child]?"},
    {"[holdport]\n",
	"ports.ini:1: unknown section '[holdport]'; did you mean [holdports]?"},
    {"[sockets.http]\n",
	"ports.ini:1: unknown section '[sockets.http]'; did you mean "
	"[socket.http]?"},
    {"[socket]\nlisten = 80\n",
	"ports.ini:1: section '[socket]' needs a name; write [socket.NAME], "
	"e.g. [socket.http]"},
    /* ports and hosts */
    {"[socket.http]\nlisten = 70000\n",
	"ports.ini:2: [socket.http] listen: port '70000' is not a number from "
	"0 to 65535; write e.g. 8080 or 127.0.0.1:8080 (port 0: the kernel "
	"picks a free one)"},
    {"[socket.http]\nlisten = 127.0.0.1:http\n",
	"ports.ini:2: [socket.http] listen: port 'http' is not a number from "
	"0 to 65535; write e.g. 8080 or 127.0.0.1:8080 (port 0: the kernel "
	"picks a free one)"},
    {"[socket.http]\nlisten = -1\n",
	"ports.ini:2: [socket.http] listen: port '-1' is not a number from 0 "
	"to 65535; write e.g. 8080 or 127.0.0.1:8080 (port 0: the kernel "
	"picks a free one)"},
    {"[socket.http]\nlisten = example.com:80\n",
	"ports.ini:2: [socket.http] listen: host 'example.com' is not a "
	"numeric address; write an IPv4 address (127.0.0.1, 0.0.0.0), an "
	"IPv6 address in brackets ([::1], [::]) or localhost"},
    {"[socket.http]\nlisten = ::1:80\n",
	"ports.ini:2: [socket.http] listen: an IPv6 address needs brackets: "
	"'::1:80'; write e.g. [::1]:8080"},
    /* a URL pasted from the browser */
    {"[socket.http]\nlisten = http://localhost:8080\n",
	"ports.ini:2: [socket.http] listen: 'http://localhost:8080' is a URL; "
	"write the address without 'http://', e.g. localhost:8080"},
    {"[socket.http]\nlisten = 8080=admin\n",
	"ports.ini:2: [socket.http] listen: '=admin' differs from the "
	"section's name 'http'; drop '=admin' (a socket is named after its "
	"section)"},
    {"[socket.sock]\nlisten = unix:/tmp/a=b.sock\n",
	"ports.ini:2: [socket.sock] listen: '=b.sock' differs from the "
	"section's name 'sock'; drop '=b.sock' (a socket is named after its "
	"section; a path with '=' in it needs '=NAME' at its end)"},
    {"[socket.http]\nlisten =\n",
	"ports.ini:2: [socket.http] listen: empty value; give one, e.g. "
	"listen = 8080"},
    {"[socket.http]\nbacklog = 10\n[child]\n",
	"ports.ini:1: [socket.http] listen: missing; set the address to "
	"bind, e.g. listen = 8080"},
    {"[socket.http]\nbacklog = 10\n",
	"ports.ini:1: [socket.http] listen: missing; set the address to "
	"bind, e.g. listen = 8080"},
    {"[socket.http]\nlisten = 80\nbacklog = 0\n",
	"ports.ini:3: [socket.http] backlog: '0' is not a number from 1 to "
	"65535; write e.g. backlog = 1024"},
    {"[socket.http]\nlisten = 80\nbacklog = lots\n",
	"ports.ini:3: [socket.http] backlog: 'lots' is not a number from 1 "
	"to 65535; write e.g. backlog = 1024"},
    {"[socket.dns]\nbacklog = 10\nlisten = udp:53\n" FINAL,
	"ports.ini:2: [socket.dns] backlog: a udp socket does not listen, so "
	"it has no backlog; remove the line"},
    /* durations */
    {"[holdports]\ndebounce = 10 parsecs\n",
	"ports.ini:2: [holdports] debounce: '10 parsecs' is not a duration; "
	"write a number and ms, s or min, e.g. 250ms, 1.5s or 2min (a bare "
	"number means milliseconds)"},
    {"[holdports]\nstop_timeout = -5s\n",
	"ports.ini:2: [holdports] stop_timeout: '-5s' is not a duration; "
	"write a number and ms, s or min, e.g. 250ms, 1.5s or 2min (a bare "
	"number means milliseconds)"},
    {"[holdports]\nstop_timeout = 1.0005s\n",
	"ports.ini:2: [holdports] stop_timeout: '1.0005s' is not a whole "
	"number of milliseconds; round it to whole milliseconds, e.g. 1.5s "
	"or 1500ms"},
    {"[holdports]\ndebounce = 1441min\n",
	"ports.ini:2: [holdports] debounce: '1441min' is more than one day; "
	"use at most 1440min"},
    /* the command */
    {"[holdports]\nname = x\n\n[socket.http]\nlisten = 80\n",
	"ports.ini:5: [child] command: missing; set the command that starts "
	"your server, e.g. command = ./server"},
    {"",
	"ports.ini:1: [child] command: missing; set the command that "
	"starts your server, e.g. command = ./server"},
    {"[holdports]\nname = x\n[child]\nwatch = .\n",
	"ports.ini:3: [child] command: missing; set the command that starts "
	"your server, e.g. command = ./server"},
    {"[child]\ncommand =\n",
	"ports.ini:2: [child] command: empty value; give one, e.g. command = "
	"./server"},
    /* other values */
    {"[holdports]\nstop_signal = FOO\n",
	"ports.ini:2: [holdports] stop_signal: 'FOO' is not a signal; use "
	"TERM, INT, QUIT, HUP, USR1, USR2, ALRM, WINCH or KILL (SIGTERM and "
	"15 work too)"},
    {"[holdports]\nstop_signal = SIGSTOP\n",
	"ports.ini:2: [holdports] stop_signal: 'SIGSTOP' does not ask a "
	"server to stop; use TERM, INT, QUIT, HUP, USR1, USR2, ALRM, WINCH or "
	"KILL (SIGTERM and 15 work too)"},
    {"[holdports]\nstop_signal = 0\n",
	"ports.ini:2: [holdports] stop_signal: '0' is not a signal; use TERM, "
	"INT, QUIT, HUP, USR1, USR2, ALRM, WINCH or KILL (SIGTERM and 15 "
	"work too)"},
    {"[holdports]\nrestart = sometimes\n",
	"ports.ini:2: [holdports] restart: 'sometimes' is not valid; use "
	"on-failure, always or no"},
    {"[holdports]\nname = my app\n",
	"ports.ini:2: [holdports] name: 'my app' is not a valid name; use up "
	"to 64 letters, digits, '.', '_' and '-', not only digits"},
    {"[holdports]\nname = 4242\n",
	"ports.ini:2: [holdports] name: '4242' is not a valid name; use up to "
	"64 letters, digits, '.', '_' and '-', not only digits"},
    {"[child]\nenvironment = DEBUG\n",
	"ports.ini:2: [child] environment: 'DEBUG' has no '='; write "
	"KEY=VALUE, e.g. environment = DEBUG=1"},
    {"[child]\nenvironment = 1X=1\n",
	"ports.ini:2: [child] environment: '1X' is not a variable name; use "
	"letters, digits and '_', not starting with a digit"},
    {"[child]\nenvironment = =1\n",
	"ports.ini:2: [child] environment: '' is not a variable name; use "
	"letters, digits and '_', not starting with a digit"},
    {"[child]\nenvironment = LISTEN_FDS=1\n",
	"ports.ini:2: [child] environment: holdports sets LISTEN_FDS itself; "
	"remove the line"},
    {"[child]\nenvironment = HOLDPORTS_SOCKET_API=x\n",
	"ports.ini:2: [child] environment: holdports sets "
	"HOLDPORTS_SOCKET_API itself; remove the line"},
    {"[child]\nenvironment = A=1\nenvironment = A=2\n",
	"ports.ini:3: [child] environment: A is set twice; keep one"},
    /* inih: line length, inline comments, continuation lines */
    {"[child]\ncommand = ./server --a-very-long-option-name-number-one "
     "--a-very-long-option-name-number-two "
     "--a-very-long-option-name-number-three "
     "--a-very-long-option-name-number-four --and-more-to-end-it "
     "--and-some-more\n",
	"ports.ini:2: the line is 206 bytes long, more than the 199 that "
	"inih reads; shorten it, e.g. move a long command into a script or "
	"give a list one value a line"},
    {"[child]\ncommand = make ; ./run\n",
	"ports.ini:2: [child] command: everything after ' ;' would be "
	"dropped as a comment; write 'make; ./run' without a space before "
	"';', or put the commands in a script"},
    {"[holdports]\ndebounce = 100ms ; quiet time\n",
	"ports.ini:2: [holdports] debounce: everything after ' ;' would be "
	"dropped as a comment; remove the space before ';', or put the "
	"comment on a line of its own"},
    {"[child]\nwatch = src\n\tlib ; and more\n",
	"ports.ini:3: [child] watch: everything after ' ;' would be dropped "
	"as a comment; remove the space before ';', or put the comment on a "
	"line of its own"},
    {"[child]\ncommand = ./server\n  --verbose\n",
	"ports.ini:3: [child] command: given twice: an indented line "
	"continues the key above it; remove the indentation, or join the two "
	"lines"},
    {"[socket.http]\n  listen = 80\n  backlog = 10\n",
	"ports.ini:3: [socket.http] listen: given twice: an indented line "
	"continues the key above it; remove the indentation, or join the two "
	"lines"},
    {"[child]\ncommand = ./a\ndirectory = .\ncommand = ./b\n",
	"ports.ini:4: [child] command: given twice (first on line 2); keep "
	"one"},
    {"[child]\nwatch = src\n  [holdports]\n",
	"ports.ini:3: an indented '[holdports]' continues the key above it; "
	"remove the indentation"},
    {"[child\n",
	"ports.ini:1: '[child' has no closing ']'; write e.g. "
	"[child]"},
    {"[child] x\n", "ports.ini:1: unexpected 'x' after '[child]'; remove it"},
    {"[child]\n./server\n",
	"ports.ini:2: './server' is neither KEY = VALUE nor [SECTION]; write "
	"e.g. watch = src"},
    {"[child]\n= ./server\n",
	"ports.ini:2: no key before '='; write KEY = VALUE"},
    /* sections */
    {"[socket.http]\nlisten = 80\n[socket.http]\nlisten = 81\n",
	"ports.ini:3: section '[socket.http]' given twice (first on line 1); "
	"merge the two"},
    {"[child]\ncommand = ./x\n[holdports]\n[child]\n",
	"ports.ini:4: section '[child]' given twice (first on line 1); merge "
	"the two"},
    {"[socket.a:b]\nlisten = 80\n",
	"ports.ini:1: socket name 'a:b' in '[socket.a:b]' is not valid; use 1 "
	"to 255 printable ASCII characters without ':' and without a space "
	"at either end"},
    {"[socket.http ]\nlisten = 80\n",
	"ports.ini:1: socket name 'http ' in '[socket.http ]' is not valid; "
	"use 1 to 255 printable ASCII characters without ':' and without a "
	"space at either end"},
    {"[socket.]\nlisten = 80\n",
	"ports.ini:1: socket name '' in '[socket.]' is not valid; use 1 to "
	"255 printable ASCII characters without ':' and without a space at "
	"either end"},
    {"[socket.api]\nlisten = unix:/tmp/"
     "0123456789012345678901234567890123456789"
     "0123456789012345678901234567890123456789"
     "0123456789012345678901234567890.sock\n",
	"ports.ini:2: [socket.api] listen: unix socket path '/tmp/"
	"0123456789012345678901234567890123456789"
	"0123456789012345678901234567890123456789"
	"0123456789012345678901234567890.sock' is 121 bytes, more than the "
	"107 that fit in a socket address; use a shorter path, e.g. under "
	"/tmp"},
    /* mode, ready, ready_timeout */
    {"[holdports]\nmode = hot-swap\n",
	"ports.ini:2: [holdports] mode: 'hot-swap' is not valid; use replace "
	"or overlap"},
    {"[holdports]\nmode = Overlap\n",
	"ports.ini:2: [holdports] mode: 'Overlap' is not valid; use replace "
	"or overlap"},
    {"[holdports]\nmode = overlap,replace\n",
	"ports.ini:2: [holdports] mode: 'overlap,replace' is not valid; use "
	"replace or overlap"},
    {"[holdports]\nmode =\n",
	"ports.ini:2: [holdports] mode: empty value; give one, e.g. mode = "
	"replace"},
    {"[holdports]\nmode = overlap ; faster\n",
	"ports.ini:2: [holdports] mode: everything after ' ;' would be "
	"dropped as a comment; remove the space before ';', or put the "
	"comment on a line of its own"},
    {"[holdports]\nmode = replace\nmode = overlap\n",
	"ports.ini:3: [holdports] mode: given twice (first on line 2); keep "
	"one"},
    {"[holdports]\nmode = replace\n  overlap\n",
	"ports.ini:3: [holdports] mode: given twice: an indented line "
	"continues the key above it; remove the indentation, or join the two "
	"lines"},
    {"mode = overlap\n",
	"ports.ini:1: key 'mode' comes before any section; put it under "
	"[holdports]"},
    {"[child]\nsockets = http\ncommand = ./x\n",
	"ports.ini:2: [child] sockets: no socket is called 'http'; give the "
	"NAME of a [socket.NAME] section"},
    {"[holdports]\nready = yes\n",
	"ports.ini:2: [holdports] ready: 'yes' is not valid; use none or "
	"notify"},
    {"[holdports]\nready = sd_notify\n",
	"ports.ini:2: [holdports] ready: 'sd_notify' is not valid; use none "
	"or notify"},
    {"[holdports]\nready = NOTIFY\n",
	"ports.ini:2: [holdports] ready: 'NOTIFY' is not valid; use none or "
	"notify"},
    {"[holdports]\nready =\n",
	"ports.ini:2: [holdports] ready: empty value; give one, e.g. ready = "
	"none"},
    {"[socket.http]\nlisten = 80\nready = notify\n",
	"ports.ini:3: [socket.http] ready: not a key of [socket.http]; move "
	"it to [holdports]"},
    {"[holdports]\nready_timeout = forever\n",
	"ports.ini:2: [holdports] ready_timeout: 'forever' is not a "
	"duration; write a number and ms, s or min, e.g. 250ms, 1.5s or 2min "
	"(a bare number means milliseconds)"},
    {"[holdports]\nready_timeout = -1\n",
	"ports.ini:2: [holdports] ready_timeout: '-1' is not a duration; "
	"write a number and ms, s or min, e.g. 250ms, 1.5s or 2min (a bare "
	"number means milliseconds)"},
    {"[holdports]\nready_timeout = 1h\n",
	"ports.ini:2: [holdports] ready_timeout: '1h' is not a duration; "
	"write a number and ms, s or min, e.g. 250ms, 1.5s or 2min (a bare "
	"number means milliseconds)"},
    {"[holdports]\nready_timeout = 0.0001s\n",
	"ports.ini:2: [holdports] ready_timeout: '0.0001s' is not a whole "
	"number of milliseconds; round it to whole milliseconds, e.g. 1.5s "
	"or 1500ms"},
    {"[holdports]\nready_timeout = 1441min\n",
	"ports.ini:2: [holdports] ready_timeout: '1441min' is more than one "
	"day; use at most 1440min"},
    {"[holdports]\nready_timeout =\n",
	"ports.ini:2: [holdports] ready_timeout: empty value; give one, e.g. "
	"ready_timeout = 30s"},
    /* build */
    {"[child]\ncommand = ./x\nbuild =\n",
	"ports.ini:3: [child] build: empty value; give one, e.g. build = make "
	"-s"},
    {"[child]\nbuild = make ; ./gen\ncommand = ./x\n",
	"ports.ini:2: [child] build: everything after ' ;' would be dropped "
	"as a comment; write 'make; ./run' without a space before ';', or "
	"put the commands in a script"},
    {"[child]\nbuild = make\t; ./gen\n",
	"ports.ini:2: [child] build: everything after ' ;' would be dropped "
	"as a comment; write 'make; ./run' without a space before ';', or "
	"put the commands in a script"},
    /* inih knows no quotes */
    {"[child]\nbuild = ./gen 'a ; b'\n",
	"ports.ini:2: [child] build: everything after ' ;' would be dropped "
	"as a comment; write 'make; ./run' without a space before ';', or "
	"put the commands in a script"},
    {"[child]\nbuild = make -s\n\t&& ./gen\n",
	"ports.ini:3: [child] build: given twice: an indented line continues "
	"the key above it; remove the indentation, or join the two lines"},
    {"[child]\nbuild = make\ncommand = ./x\nbuild = ninja\n",
	"ports.ini:4: [child] build: given twice (first on line 2); keep "
	"one"},
    {"[holdports]\nbuild = make\n",
	"ports.ini:2: [holdports] build: not a key of [holdports]; move it "
	"to [child]"},
    {"build = make\n",
	"ports.ini:1: key 'build' comes before any section; put it under "
	"[child]"},
    {"[child]\nbuild = make -s --jobs=4 --output-sync=target "
     "--no-print-directory --warn-undefined-variables "
     "CFLAGS='-O2 -g -Wall -Wextra -Wpedantic -Wshadow' "
     "LDFLAGS='-Wl,-z,relro -Wl,-z,now' all tests docs install\n",
	"ports.ini:2: the line is 200 bytes long, more than the 199 that "
	"inih reads; shorten it, e.g. move a long command into a script or "
	"give a list one value a line"},
    /* fallback: its values, and a fixed TCP or UDP port */
    {"[socket.http]\nlisten = 8080\nfallback = later\n",
	"ports.ini:3: [socket.http] fallback: 'later' is not valid; use none, "
	"next (the next 100 ports) or next:N (N ports from this one, e.g. "
	"next:20)"},
    {"[socket.http]\nlisten = 8080\nfallback = next:0\n",
	"ports.ini:3: [socket.http] fallback: 'next:0' is not valid; use none, "
	"next (the next 100 ports) or next:N (N ports from this one, e.g. "
	"next:20)"},
    {"[socket.http]\nlisten = 8080\nfallback = next:65536\n",
	"ports.ini:3: [socket.http] fallback: 'next:65536' is not valid; use "
	"none, next (the next 100 ports) or next:N (N ports from this one, "
	"e.g. next:20)"},
    {"[socket.http]\nlisten = 8080\nfallback = next:\n",
	"ports.ini:3: [socket.http] fallback: 'next:' is not valid; use none, "
	"next (the next 100 ports) or next:N (N ports from this one, e.g. "
	"next:20)"},
    {"[socket.http]\nlisten = 8080\nfallback = Next\n",
	"ports.ini:3: [socket.http] fallback: 'Next' is not valid; use none, "
	"next (the next 100 ports) or next:N (N ports from this one, e.g. "
	"next:20)"},
    {"[socket.http]\nlisten = 8080\nfallback =\n",
	"ports.ini:3: [socket.http] fallback: empty value; give one, e.g. "
	"fallback = next"},
    {"[socket.http]\nlisten = 8080\nfallback = next\nfallback = none\n",
	"ports.ini:4: [socket.http] fallback: given twice (first on line 3); "
	"keep one"},
    {"[socket.http]\nlisten = 0\nfallback = next\n",
	"ports.ini:3: [socket.http] fallback: needs a fixed port: with port 0 "
	"the kernel already chooses a free one; give a port, e.g. listen = "
	"8080, or remove the line"},
    {"[socket.http]\nfallback = next:5\nlisten = udp:[::1]:0\n",
	"ports.ini:2: [socket.http] fallback: needs a fixed port: with port 0 "
	"the kernel already chooses a free one; give a port, e.g. listen = "
	"8080, or remove the line"},
    {"[socket.http]\nlisten = unix:/run/x.sock\nfallback = next\n",
	"ports.ini:3: [socket.http] fallback: a unix socket has no port to "
	"fall back from; remove the line"},
    {"[child]\nfallback = next\n",
	"ports.ini:2: [child] fallback: not a key of [child]; move it to "
	"[socket.NAME]"},
    /* mode, user and group: unix socket files only */
    {"[socket.http]\nlisten = 8080\nmode = 0660\n",
	"ports.ini:3: [socket.http] mode: applies to unix socket files only; "
	"remove the line"},
    {"[socket.http]\nuser = 0\nlisten = [::1]:8080\n",
	"ports.ini:2: [socket.http] user: applies to unix socket files only; "
	"remove the line"},
    {"[socket.http]\nlisten = udp:8080\ngroup = 0\n",
	"ports.ini:3: [socket.http] group: applies to unix socket files only; "
	"remove the line"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nmode = 0888\n",
	"ports.ini:3: [socket.api] mode: '0888' is not a file mode; write it "
	"in octal, at most 0777, e.g. mode = 0660"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nmode = 01777\n",
	"ports.ini:3: [socket.api] mode: '01777' is not a file mode; write it "
	"in octal, at most 0777, e.g. mode = 0660"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nmode = rw-rw----\n",
	"ports.ini:3: [socket.api] mode: 'rw-rw----' is not a file mode; write "
	"it in octal, at most 0777, e.g. mode = 0660"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nmode = 00660\n",
	"ports.ini:3: [socket.api] mode: '00660' is not a file mode; write it "
	"in octal, at most 0777, e.g. mode = 0660"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nuser = no-such-user-hp\n",
	"ports.ini:3: [socket.api] user: 'no-such-user-hp' is not a user of "
	"this system; give a name from /etc/passwd or a number"},
    {"[socket.api]\nlisten = unix:/run/x.sock\ngroup = no-such-group-hp\n",
	"ports.ini:3: [socket.api] group: 'no-such-group-hp' is not a group of "
	"this system; give a name from /etc/group or a number"},
    {"[socket.api]\nlisten = unix:/run/x.sock\nuser = 4294967295\n",
	"ports.ini:3: [socket.api] user: '4294967295' is not a user of this "
	"system; give a name from /etc/passwd or a number"},
    {"[socket.api]\nlisten = unix:/run/x.sock\ngroup = 12ab\n",
	"ports.ini:3: [socket.api] group: '12ab' is not a group of this "
	"system; give a name from /etc/group or a number"},
    /* Two sockets one instance cannot both bind. */
    {"[socket.a]\nlisten = 0.0.0.0:8080\n[socket.b]\nlisten = [::]:8080\n",
	"ports.ini:4: [socket.b] listen: [::]:8080 takes the same port as "
	"[socket.a] on line 2 (0.0.0.0:8080): one instance cannot bind both; "
	"give each socket an address of its own, or this one fallback = "
	"next"},
    {"[socket.a]\nlisten = 127.0.0.1:8080\n[socket.b]\nlisten = "
     "127.0.0.1:8080\n",
	"ports.ini:4: [socket.b] listen: 127.0.0.1:8080 takes the same port "
	"as [socket.a] on line 2 (127.0.0.1:8080): one instance cannot bind "
	"both; give each socket an address of its own, or this one fallback "
	"= next"},
    {"[socket.a]\nlisten = udp:8080\n[socket.b]\nlisten = udp:[::]:8080\n",
	"ports.ini:4: [socket.b] listen: udp:[::]:8080 takes the same port as "
	"[socket.a] on line 2 (udp:127.0.0.1:8080): one instance cannot bind "
	"both; give each socket an address of its own, or this one fallback = "
	"next"},
    {"[socket.a]\nlisten = unix:/run/x.sock\n[socket.b]\nlisten = "
     "udp:unix:/run/x.sock\n",
	"ports.ini:4: [socket.b] listen: udp:unix:/run/x.sock takes the same "
	"path as [socket.a] on line 2 (unix:/run/x.sock): one instance cannot "
	"bind both; give each socket an address of its own"},
    {"[child]\nlisten_pid = maybe\n",
	"ports.ini:2: [child] listen_pid: 'maybe' is not valid; use child (the "
	"default: the child's own pid) or none (left unset)"},
};

static void
test_bad_files(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = load(&c, bad[i].text, err);

		if (r != -1 || strcmp(err, bad[i].err) != 0) {
			print_error("bad[%zu] returned %d\n  text: %s\n  want: "
				    "%s\n  got:  %s\n",
			    i, r, bad[i].text, bad[i].err, err);
			nfail++;
		}
		conf_free(&c);
	}
	assert_int_equal(nfail, 0);
}

/* Good values of mode, ready, ready_timeout and build: what each file
 * (FINAL unless it has its own [child]) sets. */
static const struct {
	const char *text;
	enum mode mode;
	enum ready ready;
	int64_t ready_timeout_ms;
	const char *build; /* NULL: none */
} good_keys[] = {
    {FINAL, MODE_REPLACE, READY_NONE, 30000, NULL},
    {"[holdports]\nmode = replace\n" FINAL, MODE_REPLACE, READY_NONE, 30000,
	NULL},
    {"[holdports]\nmode = overlap\n" FINAL, MODE_OVERLAP, READY_NONE, 30000,
	NULL},
    {"[holdports]\nready = none\n" FINAL, MODE_REPLACE, READY_NONE, 30000,
	NULL},
    {"[holdports]\nready = notify\n" FINAL, MODE_REPLACE, READY_NOTIFY, 30000,
	NULL},
    {"[holdports]\nmode: overlap\nready: notify\n" FINAL, MODE_OVERLAP,
	READY_NOTIFY, 30000, NULL},
    {"[holdports]\n  mode  =  overlap  \n" FINAL, MODE_OVERLAP, READY_NONE,
	30000, NULL},
    {"[holdports]\nready_timeout = 0\n" FINAL, MODE_REPLACE, READY_NONE, 0,
	NULL},
    {"[holdports]\nready_timeout = 0s\n" FINAL, MODE_REPLACE, READY_NONE, 0,
	NULL},
    {"[holdports]\nready_timeout = 250\n" FINAL, MODE_REPLACE, READY_NONE, 250,
	NULL},
    {"[holdports]\nready_timeout = 1.5s\n" FINAL, MODE_REPLACE, READY_NONE,
	1500, NULL},
    {"[holdports]\nready_timeout = 2min\n" FINAL, MODE_REPLACE, READY_NONE,
	120000, NULL},
    {"[holdports]\nready_timeout = 1440min\n" FINAL, MODE_REPLACE, READY_NONE,
	86400000, NULL},
    /* ready_timeout is kept with ready = none, where it has no effect */
    {"[holdports]\nready = none\nready_timeout = 5s\n" FINAL, MODE_REPLACE,
	READY_NONE, 5000, NULL},
    {"[child]\ncommand = ./server\nbuild = make -s\n", MODE_REPLACE, READY_NONE,
	30000, "make -s"},
    {"[child]\nbuild = make -s;./gen 'a;b'\ncommand = ./server\n", MODE_REPLACE,
	READY_NONE, 30000, "make -s;./gen 'a;b'"},
    {"[child]\nbuild = make # a comment for the shell\ncommand = ./s\n",
	MODE_REPLACE, READY_NONE, 30000, "make # a comment for the shell"},
    {"[child]\nbuild=  test \"$CC\" = cc || make  \ncommand = ./s\n",
	MODE_REPLACE, READY_NONE, 30000, "test \"$CC\" = cc || make"},
    /* no blank before it, so ';' starts no comment */
    {"[child]\nbuild =;true\ncommand = ./s\n", MODE_REPLACE, READY_NONE, 30000,
	";true"},
    /* not a path: kept as written, not resolved */
    {"[child]\nbuild = ./build.sh\ncommand = ./s\n", MODE_REPLACE, READY_NONE,
	30000, "./build.sh"},
};

static void
test_good_keys(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_keys) / sizeof(good_keys[0]); i++) {
		print_message("good_keys[%zu]: %s\n", i, good_keys[i].text);
		if (load(&c, good_keys[i].text, err) == -1)
			fail_msg("%s", err);
		assert_int_equal(CH(c)->mode, good_keys[i].mode);
		assert_int_equal(CH(c)->ready, good_keys[i].ready);
		assert_int_equal(
		    CH(c)->ready_timeout_ms, good_keys[i].ready_timeout_ms);
		if (good_keys[i].build == NULL)
			assert_null(CH(c)->build);
		else
			assert_string_equal(CH(c)->build, good_keys[i].build);
		conf_free(&c);
	}
}

/* A unix path that fits as written but not once made absolute. */
static void
test_unix_path_too_long_resolved(void **state)
{
	struct conf c;
	char dir[120], path[140], want[CONF_ERR_MAX], err[CONF_ERR_MAX];

	(void)state;
	memset(dir, 'd', 101);
	dir[0] = '/';
	dir[101] = '\0';
	(void)snprintf(path, sizeof(path), "%s/ports.ini", dir);
	(void)snprintf(want, sizeof(want),
	    "%s:2: [socket.api] listen: unix socket path '%s/x.sock' is 108 "
	    "bytes, more than the 107 that fit in a socket address; use a "
	    "shorter path, e.g. under /tmp",
	    path, dir);
	conf_init(&c);
	assert_int_equal(conf_load_string(&c,
			     "[socket.api]\nlisten = unix:x.sock\n", path, err),
	    -1);
	assert_string_equal(err, want);
	conf_free(&c);
	/* one byte shorter fits: 107 bytes */
	dir[100] = '\0';
	(void)snprintf(path, sizeof(path), "%s/ports.ini", dir);
	conf_init(&c);
	assert_int_equal(conf_load_string(&c,
			     "[socket.api]\nlisten = unix:x.sock\n", path, err),
	    0);
	assert_int_equal(strlen(c.socks[0].spec.path), 107);
	conf_free(&c);
}

/* inih reads 199 bytes a line (INI_MAX_LINE 200 with the NUL): a line of
 * 199 bytes loads, one of 200 is refused, whatever the line end. */
static void
test_line_limit(void **state)
{
	static const char *const ends[] = {"\n", "\r\n", ""};
	struct conf c;
	char text[400], err[CONF_ERR_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		n = (size_t)sprintf(text, "[child]\ncommand = ");
		memset(text + n, 'x', 199 - 10);
		(void)sprintf(text + n + 189, "%s", ends[i]);
		assert_int_equal(load(&c, text, err), 0);
		assert_int_equal(strlen(CH(c)->command), 189);
		conf_free(&c);
		(void)sprintf(text + n + 189, "y%s", ends[i]);
		assert_int_equal(load(&c, text, err), -1);
		assert_string_equal(err,
		    "ports.ini:2: the line is 200 bytes long, more than the "
		    "199 that inih reads; shorten it, e.g. move a long command "
		    "into a script or give a list one value a line");
		conf_free(&c);
	}
}

/* CONF_SOCKS_MAX sockets load; one more is refused. */
static void
test_too_many_sockets(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX], want[CONF_ERR_MAX], *text, *t;
	size_t i;

	(void)state;
	t = text = malloc((CONF_SOCKS_MAX + 1) * 40 + sizeof(FINAL));
	assert_non_null(text);
	for (i = 0; i < CONF_SOCKS_MAX; i++)
		t += sprintf(t, "[socket.s%zu]\nlisten = 0\n", i);
	strcpy(t, FINAL);
	assert_int_equal(load(&c, text, err), 0);
	assert_int_equal(c.nsocks, CONF_SOCKS_MAX);
	conf_free(&c);
	t += sprintf(t, "[socket.one-more]\nlisten = 0\n");
	strcpy(t, FINAL);
	(void)snprintf(want, sizeof(want),
	    "ports.ini:%d: more than %d sockets; holdports holds at most %d",
	    2 * CONF_SOCKS_MAX + 1, CONF_SOCKS_MAX, CONF_SOCKS_MAX);
	assert_int_equal(load(&c, text, err), -1);
	assert_string_equal(err, want);
	conf_free(&c);
	free(text);
}

/* (b) Good SPECs. */
static const struct {
	const char *s;
	int family, type;
	const char *host;
	int port;
	const char *path, *name;
} good_specs[] = {
    {"8080", AF_INET, SOCK_STREAM, "127.0.0.1", 8080, "", ""},
    {"0", AF_INET, SOCK_STREAM, "127.0.0.1", 0, "", ""},
    {"65535", AF_INET, SOCK_STREAM, "127.0.0.1", 65535, "", ""},
    {"08080", AF_INET, SOCK_STREAM, "127.0.0.1", 8080, "", ""},
    {"0.0.0.0:80=http", AF_INET, SOCK_STREAM, "0.0.0.0", 80, "", "http"},
    {"localhost:8080", AF_INET, SOCK_STREAM, "127.0.0.1", 8080, "", ""},
    {"10.1.2.3:1=a=b", AF_INET, SOCK_STREAM, "10.1.2.3", 1, "", "a=b"},
    {"[::1]:8080=v6", AF_INET6, SOCK_STREAM, "::1", 8080, "", "v6"},
    {"[::]:0", AF_INET6, SOCK_STREAM, "::", 0, "", ""},
    {"[0:0::0001]:1", AF_INET6, SOCK_STREAM, "::1", 1, "", ""},
    {"[::ffff:127.0.0.1]:2", AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 2, "",
	""},
    {"udp:5353", AF_INET, SOCK_DGRAM, "127.0.0.1", 5353, "", ""},
    {"udp:[::1]:53=dns", AF_INET6, SOCK_DGRAM, "::1", 53, "", "dns"},
    {"unix:/tmp/a.sock", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/a.sock", ""},
    {"unix:/tmp/a.sock=api", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/a.sock", "api"},
    {"udp:unix:rel.sock", AF_UNIX, SOCK_DGRAM, "", 0, "rel.sock", ""},
    /* '=' then '/' cannot start a name: all of it is the path */
    {"unix:/tmp/k=v/x.sock", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/k=v/x.sock",
	""},
    /* documented: a path ending in "=WORD" needs an explicit =NAME */
    {"unix:/tmp/x=1.sock", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/x", "1.sock"},
    {"unix:/tmp/x=1.sock=s", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/x=1.sock", "s"},
    {"unix:/tmp/x=", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/x=", ""},
    {"unix:/tmp/x= y", AF_UNIX, SOCK_STREAM, "", 0, "/tmp/x= y", ""},
};

static void
test_good_specs(void **state)
{
	struct spec sp;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_specs) / sizeof(good_specs[0]); i++) {
		print_message("spec '%s'\n", good_specs[i].s);
		err[0] = '\0';
		assert_int_equal(spec_parse(good_specs[i].s, &sp, err), 0);
		assert_int_equal(sp.family, good_specs[i].family);
		assert_int_equal(sp.type, good_specs[i].type);
		assert_string_equal(sp.host, good_specs[i].host);
		assert_int_equal(sp.port, good_specs[i].port);
		assert_string_equal(sp.path, good_specs[i].path);
		assert_string_equal(sp.name, good_specs[i].name);
	}
}

/* (b) Bad SPECs: spec_parse's own message, without file:line. */
static const struct {
	const char *s, *err;
} bad_specs[] = {
    {"",
	"no address; write PORT, HOST:PORT, [IPV6]:PORT or unix:PATH, "
	"e.g. 8080 or 127.0.0.1:8080"},
    {"=x",
	"no address; write PORT, HOST:PORT, [IPV6]:PORT or unix:PATH, "
	"e.g. 8080 or 127.0.0.1:8080"},
    {"udp:",
	"no address; write PORT, HOST:PORT, [IPV6]:PORT or "
	"unix:PATH, e.g. 8080 or 127.0.0.1:8080"},
    {"65536",
	"port '65536' is not a number from 0 to 65535; write e.g. "
	"8080 or 127.0.0.1:8080 (port 0: the kernel picks a free one)"},
    {"127.0.0.1:",
	"port '' is not a number from 0 to 65535; write e.g. "
	"8080 or 127.0.0.1:8080 (port 0: the kernel picks a free "
	"one)"},
    {"+80",
	"port '+80' is not a number from 0 to 65535; write e.g. 8080 "
	"or 127.0.0.1:8080 (port 0: the kernel picks a free one)"},
    {"127.0.0.1",
	"no port in '127.0.0.1'; write HOST:PORT, e.g. "
	"127.0.0.1:8080"},
    {"localhost",
	"no port in 'localhost'; write HOST:PORT, e.g. "
	"localhost:8080"},
    {":80",
	"no host before ':' in ':80'; write 0.0.0.0:80 for every "
	"address or 80 for 127.0.0.1"},
    {"*:80",
	"host '*' is not a numeric address; write an IPv4 address "
	"(127.0.0.1, 0.0.0.0), an IPv6 address in brackets ([::1], [::]) "
	"or localhost"},
    {"1.2.3:80",
	"host '1.2.3' is not a numeric address; write an IPv4 "
	"address (127.0.0.1, 0.0.0.0), an IPv6 address in brackets "
	"([::1], [::]) or localhost"},
    {"tcp:80",
	"host 'tcp' is not a numeric address; write an IPv4 address "
	"(127.0.0.1, 0.0.0.0), an IPv6 address in brackets ([::1], "
	"[::]) or localhost"},
    {"[::1]8080",
	"no ':PORT' after ']' in '[::1]8080'; write e.g. "
	"[::1]:8080"},
    {"[::1:8080",
	"no ']' after the IPv6 address in '[::1:8080'; write "
	"e.g. [::1]:8080"},
    {"[fe80::1%eth0]:80",
	"'[fe80::1%eth0]' is not a numeric IPv6 "
	"address; write e.g. [::1]:8080 or [::]:8080"},
    {"[127.0.0.1]:80",
	"'[127.0.0.1]' is not a numeric IPv6 address; "
	"write e.g. [::1]:8080 or [::]:8080"},
    {"8080=a:b",
	"socket name 'a:b' is not valid; use 1 to 255 printable "
	"ASCII characters without ':' and without a space at either "
	"end"},
    {"8080= x",
	"socket name ' x' is not valid; use 1 to 255 printable "
	"ASCII characters without ':' and without a space at either "
	"end"},
    {"8080=",
	"socket name '' is not valid; use 1 to 255 printable ASCII "
	"characters without ':' and without a space at either end"},
    {"unix:",
	"no path after 'unix:'; write e.g. unix:/tmp/app.sock or "
	"unix:app.sock"},
    {"unix:=x",
	"no path after 'unix:'; write e.g. unix:/tmp/app.sock or "
	"unix:app.sock"},
    {"unix:@abstract",
	"abstract unix sockets ('unix:@NAME') are not "
	"supported; use a file path, e.g. unix:/tmp/app.sock"},
};

static void
test_bad_specs(void **state)
{
	struct spec sp;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		print_message("spec '%s'\n", bad_specs[i].s);
		err[0] = '\0';
		assert_int_equal(spec_parse(bad_specs[i].s, &sp, err), -1);
		assert_string_equal(err, bad_specs[i].err);
	}
}

/* The longest unix path that fits, and one byte more. */
static void
test_spec_unix_limit(void **state)
{
	struct spec sp;
	char s[CONF_PATH_MAX + 16], err[CONF_ERR_MAX];

	(void)state;
	memcpy(s, "unix:/", 6);
	memset(s + 6, 'p', CONF_PATH_MAX - 2);
	s[5 + CONF_PATH_MAX - 1] = '\0'; /* 107 bytes of path */
	assert_int_equal(spec_parse(s, &sp, err), 0);
	assert_int_equal(strlen(sp.path), CONF_PATH_MAX - 1);
	memcpy(s + 5 + CONF_PATH_MAX - 1, "p", 2);
	assert_int_equal(spec_parse(s, &sp, err), -1);
	assert_non_null(strstr(err, "is 108 bytes, more than the 107"));
}

/* spec_equal(): the same socket to bind, whatever its name. */
static const struct {
	const char *a, *b;
	int equal;
} spec_pairs[] = {
    {"8080", "8080", 1},
    {"8080", "127.0.0.1:8080=http", 1},
    {"localhost:8080", "127.0.0.1:8080", 1},
    {"8080=a", "8080=b", 1},
    {"0", "0", 1},
    {"0=http", "localhost:0=web", 1},
    {"[::1]:80", "[0:0::0001]:80=v6", 1},
    {"udp:53", "udp:127.0.0.1:53=dns", 1},
    {"unix:/tmp/a.sock", "unix:/tmp/a.sock=api", 1},
    {"unix:/tmp/a.sock=x", "unix:/tmp/a.sock=y", 1},
    {"udp:unix:/tmp/a.sock", "udp:unix:/tmp/a.sock", 1},
    {"8080", "8081", 0},
    {"8080", "0", 0},
    {"8080", "0.0.0.0:8080", 0},
    {"8080", "10.0.0.1:8080", 0},
    {"8080", "udp:8080", 0},
    {"8080", "[::1]:8080", 0},
    {"[::1]:80", "[::]:80", 0},
    {"[::ffff:127.0.0.1]:80", "127.0.0.1:80", 0},
    {"unix:/tmp/a.sock", "unix:/tmp/b.sock", 0},
    {"unix:/tmp/a.sock", "udp:unix:/tmp/a.sock", 0},
    {"unix:/tmp/a.sock", "unix:/tmp/a.sock/", 0},
    {"unix:8080", "8080", 0},
    {"unix:/tmp/x", "udp:unix:/tmp/x", 0},
};

static void
test_spec_equal(void **state)
{
	struct spec a, b;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spec_pairs) / sizeof(spec_pairs[0]); i++) {
		print_message(
		    "'%s' and '%s'\n", spec_pairs[i].a, spec_pairs[i].b);
		assert_int_equal(spec_parse(spec_pairs[i].a, &a, err), 0);
		assert_int_equal(spec_parse(spec_pairs[i].b, &b, err), 0);
		assert_int_equal(spec_equal(&a, &b), spec_pairs[i].equal);
		assert_int_equal(spec_equal(&b, &a), spec_pairs[i].equal);
		assert_int_equal(spec_equal(&a, &a), 1);
		assert_int_equal(spec_equal(&b, &b), 1);
	}
}

/* A reload compares the sockets of two loads: unix paths written
 * differently but resolving to the same file are the same socket. */
static void
test_spec_equal_loaded(void **state)
{
	static const char *const texts[] = {
	    "[socket.api]\nlisten = unix:run/api.sock\n"
	    "[socket.http]\nlisten = 8080\n" FINAL,
	    "[socket.api]\nlisten = unix:./run//api.sock=api\n"
	    "[socket.web]\nlisten = localhost:8080\n" FINAL,
	    "[socket.api]\nlisten = unix:/p/run/api.sock\n"
	    "[socket.http]\nlisten = 127.0.0.1:8080=http\n" FINAL,
	};
	struct conf one, two;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	conf_init(&one);
	assert_int_equal(
	    conf_load_string(&one, texts[0], "/p/ports.ini", err), 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		print_message("texts[%zu]\n", i);
		conf_init(&two);
		assert_int_equal(
		    conf_load_string(&two, texts[i], "/p/ports.ini", err), 0);
		assert_int_equal(two.nsocks, 2);
		assert_int_equal(
		    spec_equal(&one.socks[0].spec, &two.socks[0].spec), 1);
		assert_int_equal(
		    spec_equal(&one.socks[1].spec, &two.socks[1].spec), 1);
		assert_int_equal(
		    spec_equal(&one.socks[0].spec, &two.socks[1].spec), 0);
		conf_free(&two);
	}
	/* the same text in another directory is another unix socket */
	conf_init(&two);
	assert_int_equal(
	    conf_load_string(&two, texts[0], "/q/ports.ini", err), 0);
	assert_int_equal(spec_equal(&one.socks[0].spec, &two.socks[0].spec), 0);
	assert_int_equal(spec_equal(&one.socks[1].spec, &two.socks[1].spec), 1);
	conf_free(&two);
	conf_free(&one);
}

/* (c) Durations. */
static const struct {
	const char *s;
	int64_t ms;
	int err; /* 0, EINVAL or ERANGE */
} durations[] = {
    {"0", 0, 0},
    {"250", 250, 0},
    {"250ms", 250, 0},
    {"1s", 1000, 0},
    {"1.5s", 1500, 0},
    {"0.001s", 1, 0},
    {"1.0s", 1000, 0},
    {"1.000000000s", 1000, 0},
    {"2min", 120000, 0},
    {"1.25min", 75000, 0},
    {"0.00005min", 3, 0},
    {"1.5ms", 0, EINVAL},
    {"1.0ms", 1, 0},
    {"86400000", 86400000, 0},
    {"86400s", 86400000, 0},
    {"1440min", 86400000, 0},
    {"0000000000000000000001s", 1000, 0},
    {"86400001", 0, ERANGE},
    {"86400.001s", 0, ERANGE},
    {"1441min", 0, ERANGE},
    {"99999999999999999999999999", 0, ERANGE},
    {"", 0, EINVAL},
    {"-5s", 0, EINVAL},
    {"+5s", 0, EINVAL},
    {"10 parsecs", 0, EINVAL},
    {"5 s", 0, EINVAL},
    {" 5s", 0, EINVAL},
    {"1.0005s", 0, EINVAL},
    {"0.000001min", 0, EINVAL},
    {"s", 0, EINVAL},
    {"ms", 0, EINVAL},
    {"1.", 0, EINVAL},
    {".5s", 0, EINVAL},
    {"1.5.2s", 0, EINVAL},
    {"1e3", 0, EINVAL},
    {"0x10", 0, EINVAL},
    {"1h", 0, EINVAL},
    {"1S", 0, EINVAL},
    {"1sec", 0, EINVAL},
    {"99999999999999999999x", 0, EINVAL},
};

static void
test_durations(void **state)
{
	size_t i;
	int64_t ms;

	(void)state;
	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		print_message("duration '%s'\n", durations[i].s);
		ms = -1;
		errno = 0;
		if (durations[i].err == 0) {
			assert_int_equal(
			    duration_parse(durations[i].s, &ms), 0);
			assert_int_equal(ms, durations[i].ms);
		} else {
			assert_int_equal(
			    duration_parse(durations[i].s, &ms), -1);
			assert_int_equal(errno, durations[i].err);
			assert_int_equal(ms, -1);
		}
	}
}

/* (d) Signals. */
static const struct {
	const char *s;
	int signo; /* 0: refused */
} signals[] = {
    {"TERM", SIGTERM},
    {"SIGTERM", SIGTERM},
    {"15", SIGTERM},
    {"term", SIGTERM},
    {"sigint", SIGINT},
    {"INT", SIGINT},
    {"QUIT", SIGQUIT},
    {"HUP", SIGHUP},
    {"USR1", SIGUSR1},
    {"SIGUSR2", SIGUSR2},
    {"ALRM", SIGALRM},
    {"WINCH", SIGWINCH},
    {"KILL", SIGKILL},
    {"9", SIGKILL},
    {"0", 0},
    {"", 0},
    {"SIG", 0},
    {"FOO", 0},
    {"SIGFOO", 0},
    {"TERMS", 0},
    {"TER", 0},
    {"-15", 0},
    {"15x", 0},
    {"999", 0},
    {"CONT", 0},
    {"STOP", 0},
    {"TSTP", 0},
    {"SEGV", 0},
    {"CHLD", 0},
    {"PIPE", 0},
    {"ABRT", 0},
};

static void
test_signals(void **state)
{
	size_t i;
	int signo;

	(void)state;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		print_message("signal '%s'\n", signals[i].s);
		signo = -1;
		errno = 0;
		if (signals[i].signo != 0) {
			assert_int_equal(signal_parse(signals[i].s, &signo), 0);
			assert_int_equal(signo, signals[i].signo);
		} else {
			assert_int_equal(
			    signal_parse(signals[i].s, &signo), -1);
			assert_int_equal(errno, EINVAL);
			assert_int_equal(signo, -1);
		}
	}
	assert_string_equal(signal_name(SIGTERM), "TERM");
	assert_string_equal(signal_name(SIGKILL), "KILL");
	assert_string_equal(signal_name(SIGWINCH), "WINCH");
	/* every signal a child can die of has a name, for the log */
	assert_string_equal(signal_name(SIGSEGV), "SEGV");
	assert_string_equal(signal_name(SIGABRT), "ABRT");
	assert_string_equal(signal_name(SIGCONT), "CONT");
	assert_null(signal_name(0));
	assert_null(signal_name(-1));
	assert_null(signal_name(12345));
}

static void
test_fdname_valid(void **state)
{
	char s[CONF_FDNAME_MAX + 2];

	(void)state;
	assert_int_equal(fdname_valid("http"), 1);
	assert_int_equal(fdname_valid("a b=c~!"), 1);
	assert_int_equal(fdname_valid(""), 0);
	assert_int_equal(fdname_valid(NULL), 0);
	assert_int_equal(fdname_valid("a:b"), 0);
	assert_int_equal(fdname_valid("a\tb"), 0);
	assert_int_equal(fdname_valid("\x7f"), 0);
	assert_int_equal(fdname_valid("caf\xc3\xa9"), 0);
	memset(s, 'n', CONF_FDNAME_MAX);
	s[CONF_FDNAME_MAX] = '\0';
	assert_int_equal(fdname_valid(s), 1);
	s[CONF_FDNAME_MAX] = 'n';
	s[CONF_FDNAME_MAX + 1] = '\0';
	assert_int_equal(fdname_valid(s), 0);
}

/* (e) A file with every key: every field, paths resolved against the
 * file's directory (which need not exist), inih's quirks handled. */
static void
test_full_file(void **state)
{
	static const char text[] =
	    "\xEF\xBB\xBF; a byte order mark, then comments\r\n"
	    "# hash comment\n"
	    "[holdports]\n"
	    "name = proj-1\n"
	    "debounce = 250\n"
	    "stop_signal = SIGQUIT\n"
	    "stop_timeout = 2min\n"
	    "restart = no\n"
	    "mode = overlap\n"
	    "ready = notify\n"
	    "ready_timeout = 0.5s\n"
	    "\n"
	    "[socket.http] ; comment\r\n"
	    "listen = 0.0.0.0:8080=http\n"
	    "backlog = 511\n"
	    "[socket.api]\n"
	    "listen = unix:run/api.sock\n"
	    "[socket.dns]\n"
	    "listen: udp:[::1]:5353\n"
	    "[child]\n"
	    "command = ./server --flag='x;y'\n"
	    "build = make -s;./gen --out=src/gen.c\n"
	    "directory = build/../out/.\n"
	    "environment = A=1\n"
	    "  B=two words\n"
	    "environment = C=\n"
	    "watch = src\n"
	    "\tinclude/\n"
	    "\n"
	    "  ; an indented comment stays a comment\n"
	    "    /abs//path\n"
	    "ignore = *.o\n"
	    "ignore = build/*\n";
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(
	    conf_load_string(&c, text, "/nonexistent/x/./p/ports.ini", err), 0);
	assert_int_equal(conf_finish(&c, err), 0);
	assert_string_equal(c.file, "/nonexistent/x/./p/ports.ini");
	assert_string_equal(c.dir, "/nonexistent/x/p");
	assert_string_equal(c.name, "proj-1");
	assert_int_equal(CH(c)->debounce_ms, 250);
	assert_int_equal(CH(c)->stop_signal, SIGQUIT);
	assert_int_equal(CH(c)->stop_timeout_ms, 120000);
	assert_int_equal(CH(c)->restart, RESTART_NO);
	assert_int_equal(CH(c)->mode, MODE_OVERLAP);
	assert_int_equal(CH(c)->ready, READY_NOTIFY);
	assert_int_equal(CH(c)->ready_timeout_ms, 500);
	assert_int_equal(c.nsocks, 3);
	assert_string_equal(c.socks[0].spec.name, "http");
	assert_string_equal(c.socks[0].listen, "0.0.0.0:8080=http");
	assert_int_equal(c.socks[0].spec.family, AF_INET);
	assert_string_equal(c.socks[0].spec.host, "0.0.0.0");
	assert_int_equal(c.socks[0].spec.port, 8080);
	assert_int_equal(c.socks[0].backlog, 511);
	assert_int_equal(c.socks[0].line, 14);
	assert_string_equal(c.socks[1].spec.name, "api");
	assert_int_equal(c.socks[1].spec.family, AF_UNIX);
	assert_int_equal(c.socks[1].spec.type, SOCK_STREAM);
	assert_string_equal(
	    c.socks[1].spec.path, "/nonexistent/x/p/run/api.sock");
	assert_string_equal(c.socks[1].listen, "unix:run/api.sock");
	assert_int_equal(c.socks[1].backlog, SOMAXCONN);
	assert_string_equal(c.socks[2].spec.name, "dns");
	assert_int_equal(c.socks[2].spec.family, AF_INET6);
	assert_int_equal(c.socks[2].spec.type, SOCK_DGRAM);
	assert_string_equal(c.socks[2].spec.host, "::1");
	assert_int_equal(c.socks[2].spec.port, 5353);
	assert_string_equal(CH(c)->command, "./server --flag='x;y'");
	/* split as a shell splits a simple command, quotes removed */
	assert_int_equal(CH(c)->argc, 2);
	assert_string_equal(CH(c)->argv[0], "./server");
	assert_string_equal(CH(c)->argv[1], "--flag=x;y");
	assert_null(CH(c)->argv[2]);
	assert_string_equal(CH(c)->build, "make -s;./gen --out=src/gen.c");
	assert_string_equal(CH(c)->directory, "/nonexistent/x/p/build/../out");
	assert_int_equal(CH(c)->nenv, 3);
	assert_string_equal(CH(c)->env[0], "A=1");
	assert_string_equal(CH(c)->env[1], "B=two words");
	assert_string_equal(CH(c)->env[2], "C=");
	assert_int_equal(CH(c)->nwatch, 3);
	assert_string_equal(CH(c)->watch[0], "/nonexistent/x/p/src");
	assert_string_equal(CH(c)->watch[1], "/nonexistent/x/p/include");
	assert_string_equal(CH(c)->watch[2], "/abs/path");
	assert_int_equal(CH(c)->nignore, 2);
	assert_string_equal(CH(c)->ignore[0], "*.o");
	assert_string_equal(CH(c)->ignore[1], "build/*");
	assert_int_equal(CH(c)->line, 20);
	assert_int_equal(c.last_line, 33);
	conf_free(&c);
}

/* inih skips one UTF-8 byte order mark, on line 1 only; so does the
 * reader's own reading of the line. */
static void
test_bom(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	assert_int_equal(load(&c, "\xEF\xBB\xBF" FINAL, err), 0);
	assert_string_equal(CH(c)->command, "./server");
	conf_free(&c);
	assert_int_equal(load(&c, "\xEF\xBB\xBF\xEF\xBB\xBF:x\n", err), -1);
	/* the second mark is the key, for inih as for holdports */
	assert_string_equal(err,
	    "ports.ini:1: key '\xEF\xBB\xBF' comes before any section; "
	    "start with a section: [holdports], [socket.NAME] or [child]");
	conf_free(&c);
}

/* The defaults, and the default name from the directory. */
static void
test_defaults(void **state)
{
	static const struct {
		const char *path, *dir, *name;
	} names[] = {
	    {"/srv/myapp/ports.ini", "/srv/myapp", "myapp"},
	    {"/srv/my app/ports.ini", "/srv/my app", "my_app"},
	    {"/srv/2024/ports.ini", "/srv/2024", "_2024"},
	    {"/srv/caf\xc3\xa9/ports.ini", "/srv/caf\xc3\xa9", "caf__"},
	    {"/ports.ini", "/", "root"},
	    {"//x//ports.ini", "/x", "x"},
	};
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		print_message("path '%s'\n", names[i].path);
		conf_init(&c);
		assert_int_equal(
		    conf_load_string(&c, FINAL, names[i].path, err), 0);
		assert_int_equal(conf_finish(&c, err), 0);
		assert_string_equal(c.dir, names[i].dir);
		assert_string_equal(CH(c)->directory, names[i].dir);
		assert_string_equal(c.name, names[i].name);
		assert_int_equal(CH(c)->debounce_ms, 50);
		assert_int_equal(CH(c)->gitignore, 1);
		assert_int_equal(CH(c)->watch_mode, WMODE_AUTO);
		assert_int_equal(CH(c)->poll_interval_ms, 500);
		assert_int_equal(CH(c)->stop_signal, SIGTERM);
		assert_int_equal(CH(c)->stop_timeout_ms, 5000);
		assert_int_equal(CH(c)->restart, RESTART_ON_FAILURE);
		assert_int_equal(CH(c)->mode, MODE_REPLACE);
		assert_int_equal(CH(c)->ready, READY_NONE);
		assert_int_equal(CH(c)->ready_timeout_ms, 30000);
		assert_int_equal(CH(c)->fdstore_max, 0);
		assert_null(CH(c)->build);
		assert_int_equal(c.nsocks, 0);
		assert_int_equal(
		    CH(c)->nenv + CH(c)->nwatch + CH(c)->nignore, 0);
		conf_free(&c);
	}
	/* a relative path's directory is made absolute against the cwd */
	conf_init(&c);
	assert_int_equal(conf_load_string(&c, FINAL, "sub/ports.ini", err), 0);
	assert_int_equal(c.dir[0], '/');
	assert_non_null(strstr(c.dir, "/sub"));
	assert_string_equal(c.dir + strlen(c.dir) - 4, "/sub");
	conf_free(&c);
}

/* (f) An unreadable file names the file and the reason. */
static void
test_unreadable(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(
	    conf_load(&c, "tests/golden/nonexistent.ini", err), -1);
	assert_string_equal(err,
	    "tests/golden/nonexistent.ini: cannot read: "
	    "No such file or directory");
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(conf_load(&c, "tests/golden", err), -1);
	assert_string_equal(err,
	    "tests/golden: not a regular file; give the path of a ports.ini "
	    "file");
	conf_free(&c);
}

/* (g) The ad-hoc form: -l SPECs, named by position unless =NAME. */
static void
test_add_listen(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_set_dir(&c, "/work/app"), 0);
	assert_int_equal(conf_add_listen(&c, "8080", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "[::1]:9090=admin", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "udp:5353", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "unix:/tmp/x.sock", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "http", NULL, err), -1);
	assert_string_equal(err,
	    "port 'http' is not a number from 0 to 65535; "
	    "write e.g. 8080 or 127.0.0.1:8080 (port 0: "
	    "the kernel picks a free one)");
	set_command(&c, "./server");
	assert_int_equal(conf_finish(&c, err), 0);
	assert_null(c.file);
	assert_int_equal(c.nsocks, 4);
	assert_string_equal(c.socks[0].spec.name, "sock0");
	assert_string_equal(c.socks[0].listen, "8080");
	assert_int_equal(c.socks[0].line, 0);
	assert_int_equal(c.socks[0].backlog, SOMAXCONN);
	assert_string_equal(c.socks[1].spec.name, "admin");
	assert_string_equal(c.socks[2].spec.name, "sock2");
	assert_string_equal(c.socks[3].spec.name, "sock3");
	assert_string_equal(c.name, "app");
	assert_string_equal(CH(c)->directory, "/work/app");
	conf_clear_socks(&c);
	assert_int_equal(c.nsocks, 0);
	assert_null(c.socks);
	conf_free(&c);
}

static void
test_add_listen_duplicate_names(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_add_listen(&c, "8080=sock1", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "8081", NULL, err), 0);
	set_command(&c, "./x");
	assert_int_equal(conf_finish(&c, err), -1);
	assert_string_equal(err,
	    "socket name 'sock1' is given to -l '8080=sock1' "
	    "and to -l '8081'; give each socket a name of "
	    "its own with =NAME");
	conf_free(&c);
	/* a -l after a file's sockets */
	conf_init(&c);
	assert_int_equal(conf_load_string(&c,
			     "[socket.web]\nlisten = 80\n" FINAL, PATH, err),
	    0);
	assert_int_equal(conf_add_listen(&c, "81=web", NULL, err), 0);
	assert_int_equal(conf_finish(&c, err), -1);
	assert_string_equal(err,
	    "socket name 'web' is given to [socket.web] on "
	    "line 2 and to -l '81=web'; give each socket a "
	    "name of its own with =NAME");
	conf_free(&c);
}

/* spec_clash(): what one instance cannot bind twice; and the -l form of
 * the message, and the sockets that may share a preferred port. */
static void
test_spec_clash(void **state)
{
	static const struct {
		const char *a, *b;
		int clash;
	} pairs[] = {
	    {"127.0.0.1:8080", "127.0.0.1:8080", 1},
	    {"0.0.0.0:8080", "[::]:8080", 1},
	    {"[::]:8080", "127.0.0.1:8080", 1},
	    {"0.0.0.0:8080", "127.0.0.1:8080", 1},
	    {"0.0.0.0:8080", "[::1]:8080", 0},
	    {"127.0.0.1:8080", "[::1]:8080", 0},
	    {"127.0.0.1:8080", "127.0.0.1:8081", 0},
	    {"127.0.0.1:8080", "udp:127.0.0.1:8080", 0},
	    {"udp:8080", "udp:8080", 1},
	    {"127.0.0.1:0", "127.0.0.1:0", 0},
	    {"unix:/run/a.sock", "unix:/run/a.sock", 1},
	    {"unix:/run/a.sock", "udp:unix:/run/a.sock", 1},
	    {"unix:/run/a.sock", "unix:/run/b.sock", 0},
	};
	struct spec a, b;
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(spec_parse(pairs[i].a, &a, err), 0);
		assert_int_equal(spec_parse(pairs[i].b, &b, err), 0);
		if (spec_clash(&a, &b) != pairs[i].clash ||
		    spec_clash(&b, &a) != pairs[i].clash)
			fail_msg("%s and %s", pairs[i].a, pairs[i].b);
	}
	conf_init(&c);
	assert_int_equal(conf_add_listen(&c, "0.0.0.0:8080", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "[::]:8080", NULL, err), 0);
	set_command(&c, "./x");
	assert_int_equal(conf_finish(&c, err), -1);
	assert_string_equal(err,
	    "-l '[::]:8080' takes the same port as -l '0.0.0.0:8080': one "
	    "instance cannot bind both; give each socket an address of its "
	    "own, or this one fallback = next");
	conf_free(&c);
	/* The second one falls back to the next port: it may. */
	assert_int_equal(load(&c,
			     "[socket.a]\nlisten = 8080\n[socket.b]\nlisten = "
			     "8080\nfallback = next\n" FINAL,
			     err),
	    0);
	conf_free(&c);
}

/* The ad-hoc form without a command. */
static void
test_finish_without_command(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_finish(&c, err), -1);
	assert_string_equal(err,
	    "command: missing; give the command that starts "
	    "your server after --, e.g. holdports -l 8080 "
	    "-- ./server");
	/* the current directory then becomes c.dir */
	assert_non_null(c.dir);
	assert_int_equal(c.dir[0], '/');
	conf_free(&c);
}

/* A relative -l unix path resolves against the current directory. */
static void
test_add_listen_unix_relative(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(
	    conf_add_listen(&c, "unix:./a.sock=api", NULL, err), 0);
	assert_int_equal(c.socks[0].spec.path[0], '/');
	assert_string_equal(
	    c.socks[0].spec.path + strlen(c.socks[0].spec.path) - 7, "/a.sock");
	assert_string_equal(c.socks[0].spec.name, "api");
	conf_free(&c);
}

/* fallback, mode, user and group: the values they keep, their defaults,
 * how check prints them, and --fallback (conf_set_fallback()). */
static void
test_socket_keys(void **state)
{
	static const char text[] =
	    "[socket.a]\nlisten = 8080\nfallback = next\n"
	    "[socket.b]\nlisten = udp:[::1]:53\nfallback = next:7\n"
	    "[socket.c]\nlisten = 0\nfallback = none\n"
	    "[socket.d]\nlisten = unix:/run/d.sock\nmode = 660\n"
	    "user = root\ngroup = 0\n"
	    "[socket.e]\nlisten = unix:/run/e.sock\n"
	    "[socket.f]\nlisten = 65500\n" FINAL;
	struct conf c;
	char err[CONF_ERR_MAX], *out;

	(void)state;
	assert_int_equal(load(&c, text, err), 0);
	assert_int_equal(c.socks[0].fallback, CONF_FALLBACK_DEFAULT);
	assert_int_equal(c.socks[1].fallback, 7);
	assert_int_equal(c.socks[2].fallback, 0);
	assert_int_equal(c.socks[3].mode, 0660);
	assert_int_equal(c.socks[3].uid, 0);
	assert_int_equal(c.socks[3].gid, 0);
	assert_int_equal(c.socks[4].mode, -1);
	assert_int_equal(c.socks[4].uid, -1);
	assert_int_equal(c.socks[4].gid, -1);
	assert_int_equal(c.socks[5].fallback, 0);
	out = print(&c);
	/* after the backlog, whose default is the system's SOMAXCONN */
	assert_non_null(strstr(out,
	    "[socket.a]\nlisten = 127.0.0.1:8080\n"
	    "backlog = "));
	assert_non_null(strstr(out, "\nfallback = next:100\n\n[socket.b]"));
	assert_non_null(strstr(out,
	    "[socket.b]\nlisten = udp:[::1]:53\nfallback = "
	    "next:7\n"));
	assert_non_null(strstr(out, "fallback = none\n\n[socket.d]"));
	assert_non_null(strstr(out, "mode = 0660\nuser = 0\ngroup = 0\n"));
	/* unset: the umask's mode, holdports' user and group */
	assert_null(strstr(strstr(out, "[socket.e]"), "mode = "));
	free(out);

	/* --fallback: every socket with a fixed TCP or UDP port */
	assert_int_equal(conf_set_fallback(&c, "next:3", err), 0);
	assert_int_equal(c.socks[0].fallback, 3);
	assert_int_equal(c.socks[1].fallback, 3);
	assert_int_equal(c.socks[2].fallback, 0); /* port 0 */
	assert_int_equal(c.socks[3].fallback, 0); /* unix */
	assert_int_equal(c.socks[5].fallback, 3);
	assert_int_equal(conf_set_fallback(&c, "none", err), 0);
	assert_int_equal(c.socks[0].fallback, 0);
	assert_int_equal(conf_set_fallback(&c, "next:x", err), -1);
	assert_string_equal(err,
	    "fallback: 'next:x' is not valid; use none, next (the next 100 "
	    "ports) or next:N (N ports from each, e.g. next:20)");
	conf_free(&c);
}

/* conf_set: a key from the command line, checked as in a file. */
static void
test_conf_set(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_load_string(&c,
			     "[holdports]\nname = a\n[child]\ncommand = ./x\n"
			     "watch = /src\n",
			     "/p/ports.ini", err),
	    0);
	assert_int_equal(conf_set(&c, "name", "b", NULL, err), 0);
	assert_string_equal(c.name, "b");
	assert_int_equal(conf_set(&c, "debounce", "2s", NULL, err), 0);
	assert_int_equal(c.defaults.debounce_ms, 2000);
	assert_int_equal(conf_set(&c, "watch", "/other", NULL, err), 0);
	assert_int_equal(CH(c)->nwatch, 2);
	assert_string_equal(CH(c)->watch[1], "/other");
	assert_int_equal(conf_set(&c, "debounce", "2 s", NULL, err), -1);
	assert_string_equal(err,
	    "debounce: '2 s' is not a duration; write a "
	    "number and ms, s or min, e.g. 250ms, 1.5s or "
	    "2min (a bare number means milliseconds)");
	assert_int_equal(conf_set(&c, "name", "12", NULL, err), -1);
	assert_string_equal(err,
	    "name: '12' is not a valid name; use up to 64 "
	    "letters, digits, '.', '_' and '-', not only "
	    "digits");
	assert_int_equal(conf_set(&c, "listen", "80", NULL, err), -1);
	assert_string_equal(err, "listen: not a key of [holdports] or [child]");
	assert_int_equal(conf_set(&c, "compat", "einhorn", NULL, err), 0);
	assert_int_equal(c.compat, COMPAT_EINHORN);
	assert_int_equal(conf_set(&c, "gitignore", "yes", NULL, err), 0);
	assert_int_equal(CH(c)->gitignore, 1);
	conf_free(&c);
}

/* conf_set for mode, ready, ready_timeout and build: a value replaces the
 * file's, and a bad one leaves it and says what is valid. */
static const struct {
	const char *key, *value;
	const char *err; /* NULL: accepted */
} set_keys[] = {
    {"mode", "overlap", NULL},
    {"mode", "replace", NULL},
    {"mode", "swap", "mode: 'swap' is not valid; use replace or overlap"},
    {"mode", "", "mode: empty value; give one, e.g. mode = replace"},
    {"ready", "notify", NULL},
    {"ready", "none", NULL},
    {"ready", "1", "ready: '1' is not valid; use none or notify"},
    {"ready", "", "ready: empty value; give one, e.g. ready = none"},
    {"ready_timeout", "0", NULL},
    {"ready_timeout", "10s", NULL},
    {"ready_timeout", "10 s",
	"ready_timeout: '10 s' is not a duration; write a number and ms, s "
	"or min, e.g. 250ms, 1.5s or 2min (a bare number means "
	"milliseconds)"},
    {"ready_timeout", "2days",
	"ready_timeout: '2days' is not a duration; write a number and ms, s "
	"or min, e.g. 250ms, 1.5s or 2min (a bare number means "
	"milliseconds)"},
    {"ready_timeout", "86400001",
	"ready_timeout: '86400001' is more than one day; use at most "
	"1440min"},
    {"build", "make -s", NULL},
    /* no inih on the command line: ' ;' is the shell's */
    {"build", "make ; ./gen", NULL},
    {"build", "", "build: empty value; give one, e.g. build = make -s"},
};

static void
test_conf_set_keys(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(set_keys) / sizeof(set_keys[0]); i++) {
		print_message("%s '%s'\n", set_keys[i].key, set_keys[i].value);
		conf_init(&c);
		assert_int_equal(conf_load_string(&c,
				     "[holdports]\nmode = overlap\n"
				     "ready = notify\nready_timeout = 1s\n"
				     "[child]\ncommand = ./x\nbuild = ./b\n",
				     "/p/ports.ini", err),
		    0);
		err[0] = '\0';
		if (set_keys[i].err == NULL) {
			assert_int_equal(conf_set(&c, set_keys[i].key,
					     set_keys[i].value, NULL, err),
			    0);
			assert_string_equal(err, "");
		} else {
			assert_int_equal(conf_set(&c, set_keys[i].key,
					     set_keys[i].value, NULL, err),
			    -1);
			assert_string_equal(err, set_keys[i].err);
			/* the file's values stay */
			assert_int_equal(c.defaults.mode, MODE_OVERLAP);
			assert_int_equal(c.defaults.ready, READY_NOTIFY);
			assert_int_equal(c.defaults.ready_timeout_ms, 1000);
			assert_string_equal(CH(c)->build, "./b");
		}
		conf_free(&c);
	}
	/* each value lands in its field; a later one replaces it */
	conf_init(&c);
	assert_int_equal(conf_set(&c, "mode", "overlap", NULL, err), 0);
	assert_int_equal(c.defaults.mode, MODE_OVERLAP);
	assert_int_equal(conf_set(&c, "mode", "replace", NULL, err), 0);
	assert_int_equal(c.defaults.mode, MODE_REPLACE);
	assert_int_equal(conf_set(&c, "ready", "notify", NULL, err), 0);
	assert_int_equal(c.defaults.ready, READY_NOTIFY);
	assert_int_equal(conf_set(&c, "ready", "none", NULL, err), 0);
	assert_int_equal(c.defaults.ready, READY_NONE);
	assert_int_equal(conf_set(&c, "ready_timeout", "1.5s", NULL, err), 0);
	assert_int_equal(c.defaults.ready_timeout_ms, 1500);
	assert_int_equal(conf_set(&c, "ready_timeout", "0", NULL, err), 0);
	assert_int_equal(c.defaults.ready_timeout_ms, 0);
	assert_int_equal(conf_set(&c, "build", "make", NULL, err), 0);
	assert_string_equal(CH(c)->build, "make");
	/* not a path: not resolved against the current directory */
	assert_int_equal(conf_set(&c, "build", "./build.sh -j2", NULL, err), 0);
	assert_string_equal(CH(c)->build, "./build.sh -j2");
	conf_free(&c);
	assert_null(CH(c)->build);
}

/* What conf_print writes reads back to the same configuration. */
static void
test_print_round_trip(void **state)
{
	static const char text[] =
	    "[holdports]\ndebounce = 1.5s\nstop_timeout = 0\n"
	    "mode = overlap\nready = notify\nready_timeout = 0\n"
	    "[socket.a]\nlisten = localhost:0\n"
	    "[socket.b]\nlisten = udp:unix:b.sock\n"
	    "[child]\ncommand = ./x 'a;b'\nenvironment = X=1\n"
	    "build =;make -s\n";
	struct conf c;
	char err[CONF_ERR_MAX], *one, *two;

	(void)state;
	assert_int_equal(load(&c, text, err), 0);
	one = print(&c);
	conf_free(&c);
	assert_int_equal(load(&c, one, err), 0);
	two = print(&c);
	conf_free(&c);
	assert_string_equal(one, two);
	assert_non_null(strstr(one, "debounce = 1500ms\n"));
	assert_non_null(strstr(one, "stop_timeout = 0s\n"));
	assert_non_null(strstr(one, "\n[socket.b]\nlisten = udp:unix:/"));
	assert_null(strstr(one, "backlog = 0"));
	assert_non_null(strstr(one,
	    "restart = on-failure\nmode = overlap\nready = notify\n"
	    "ready_timeout = 0s\n"));
	assert_non_null(strstr(one, "\nbuild =;make -s\n"));
	free(one);
	free(two);
}

/* Several children: each gets the sockets its sockets = line names, in
 * that order, and the keys of [holdports] it does not set itself. */
static void
test_children(void **state)
{
	static const char text[] =
	    "[holdports]\nmode = overlap\nstop_timeout = 2s\n"
	    "[socket.api]\nlisten = 127.0.0.1:0\n"
	    "[socket.web]\nlisten = 127.0.0.1:0\n"
	    "[socket.admin]\nlisten = 127.0.0.1:0\n"
	    "[child.api]\ncommand = ./api\nsockets = admin api\n"
	    "stop_timeout = 9s\nready = notify\n"
	    "[child.web]\ncommand = ./web\nsockets = web\nwatch = /src\n"
	    "[child.worker]\ncommand = ./worker\n";
	struct conf c;
	char err[CONF_ERR_MAX], *one, *two;

	(void)state;
	assert_int_equal(load(&c, text, err), 0);
	assert_int_equal(c.nchildren, 3);
	assert_string_equal(c.children[0].name, "api");
	assert_int_equal(c.children[0].nsocks, 2);
	assert_string_equal(c.socks[c.children[0].socks[0]].spec.name, "admin");
	assert_string_equal(c.socks[c.children[0].socks[1]].spec.name, "api");
	assert_int_equal(c.children[0].stop_timeout_ms, 9000);
	assert_int_equal(c.children[0].ready, READY_NOTIFY);
	assert_int_equal(c.children[0].mode, MODE_OVERLAP);
	assert_int_equal(c.children[1].nsocks, 1);
	assert_int_equal(c.children[1].stop_timeout_ms, 2000);
	assert_int_equal(c.children[1].ready, READY_NONE);
	assert_int_equal(c.children[1].nwatch, 1);
	assert_int_equal(c.children[2].nsocks, 0);
	/* check prints each child resolved, and that reads back */
	one = print(&c);
	conf_free(&c);
	assert_non_null(strstr(one,
	    "\n[child.api]\ndebounce = 50ms\n"
	    "stop_signal = TERM\nstop_timeout = 9s\n"));
	assert_non_null(strstr(one, "sockets = admin api\n"));
	assert_non_null(strstr(one, "\n[child.worker]\n"));
	assert_non_null(strstr(one, "; sockets: none\n"));
	assert_int_equal(load(&c, one, err), 0);
	two = print(&c);
	conf_free(&c);
	assert_string_equal(one, two);
	free(one);
	free(two);
}

/* What several children may not do, each with its file:line. */
static const struct {
	const char *text;
	const char *err;
} bad_children[] = {
    {"[socket.a]\nlisten = 0\n[child.x]\ncommand = ./x\nsockets = a\n"
     "[child.y]\ncommand = ./y\nsockets = a\n",
	"ports.ini:8: [child.y] sockets: 'a' is given to [child.x] too "
	"(line 5); a socket goes to one child"},
    {"[socket.a]\nlisten = 0\n[socket.b]\nlisten = 0\n"
     "[child.x]\ncommand = ./x\nsockets = a\n[child.y]\ncommand = ./y\n",
	"ports.ini:3: [socket.b]: no child takes this socket; name it in the "
	"sockets = line of the child that serves it, e.g. sockets = b"},
    {"[child.x]\ncommand = ./x\n[child]\ncommand = ./y\n",
	"ports.ini:3: '[child]' and '[child.x]' on line 1 do not mix: "
	"[child] is the only child; give each child a name, e.g. "
	"[child.web]"},
    {"[child.x]\ncommand = ./x\n[child.x]\n",
	"ports.ini:3: section '[child.x]' given twice (first on line 1); "
	"merge the two"},
    {"[child.a b]\ncommand = ./x\n",
	"ports.ini:1: child name 'a b' in '[child.a b]' is not valid; use 1 "
	"to 64 letters, digits, '.', '_' and '-'"},
    {"[child.x]\ncommand = ./x\n[child.y]\nwatch = /\n",
	"ports.ini:3: [child.y] command: missing; set the command that "
	"starts your server, e.g. command = ./server"},
    {"[socket.a]\nlisten = 0\n[child.x]\ncommand = ./x\nsockets = a a\n",
	"ports.ini:5: [child.x] sockets: 'a' is named twice; keep one"},
};

static void
test_children_bad(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_children) / sizeof(bad_children[0]); i++) {
		print_message("%s\n", bad_children[i].text);
		assert_int_equal(load(&c, bad_children[i].text, err), -1);
		assert_string_equal(err, bad_children[i].err);
		conf_free(&c);
	}
	/* the command line cannot say which of several children it means */
	assert_int_equal(
	    load(&c, "[child.x]\ncommand = ./x\n[child.y]\ncommand = ./y\n",
		err),
	    0);
	assert_int_equal(conf_set(&c, "watch", "/src", NULL, err), -1);
	assert_string_equal(err,
	    "watch: the file has several children; set it in the section of "
	    "the one you mean");
	conf_free(&c);
}

/* The defaults of the new keys print as keys, a missing build as a
 * comment; both read back. */
static void
test_print_defaults(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX], *one, *two;

	(void)state;
	assert_int_equal(load(&c, FINAL, err), 0);
	one = print(&c);
	conf_free(&c);
	assert_non_null(strstr(one,
	    "restart = on-failure\nmode = replace\nready = none\n"
	    "ready_timeout = 30s\n"));
	assert_non_null(strstr(one, "; ignore: none\n; build: none\n"));
	assert_int_equal(load(&c, one, err), 0);
	assert_null(CH(c)->build);
	two = print(&c);
	conf_free(&c);
	assert_string_equal(one, two);
	free(one);
	free(two);
}

/* (h) The golden files, loaded as `holdports check` does. */
static void
test_golden_bad(void **state)
{
	DIR *d;
	struct dirent *e;
	struct conf c;
	char path[512], err[CONF_ERR_MAX], *want;
	size_t n, nfiles = 0;
	int r;

	(void)state;
	assert_non_null(d = opendir("tests/golden"));
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, "bad-", 4) != 0 || n < 4 ||
		    strcmp(e->d_name + n - 4, ".ini") != 0)
			continue;
		(void)snprintf(
		    path, sizeof(path), "tests/golden/%s", e->d_name);
		print_message("%s\n", path);
		conf_init(&c);
		r = conf_load(&c, path, err);
		if (r == 0)
			r = conf_finish(&c, err);
		assert_int_equal(r, -1);
		(void)snprintf(
		    path, sizeof(path), "tests/golden/%s.err", e->d_name);
		want = slurp(path);
		/* main prints "holdports: MESSAGE\n" */
		assert_int_equal(strncmp(want, "holdports: ", 11), 0);
		assert_int_equal(want[strlen(want) - 1], '\n');
		want[strlen(want) - 1] = '\0';
		assert_string_equal(err, want + 11);
		free(want);
		conf_free(&c);
		nfiles++;
	}
	(void)closedir(d);
	assert_true(nfiles >= 5);
}

static void
test_golden_good(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX], *got, *want, *out;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_load(&c, "tests/golden/good.ini", err), 0);
	assert_int_equal(conf_finish(&c, err), 0);
	assert_int_equal(c.dir[0], '/');
	assert_string_equal(c.dir + strlen(c.dir) - 13, "/tests/golden");
	got = print(&c);
	out = replace(got, c.dir, "@DIR@");
	want = slurp("tests/golden/good.ini.out");
	assert_string_equal(out, want);
	free(got);
	free(out);
	free(want);
	conf_free(&c);
}

/* The annotated reference is a valid file as it stands. */
static void
test_reference(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX];

	(void)state;
	conf_init(&c);
	if (conf_load(&c, "conf/ports.ini", err) == -1 ||
	    conf_finish(&c, err) == -1)
		fail_msg("%s", err);
	assert_string_equal(CH(c)->command, "./server");
	assert_int_equal(c.nsocks, 1);
	conf_free(&c);
}

/* compat and gitignore: each value, and what they refuse. */
#define CHILD "[child]\ncommand = ./x\n"
static const struct {
	const char *text;
	unsigned compat;
	int gitignore;
	const char *err; /* NULL: accepted */
} compat_git[] = {
    {FINAL, 0, 1, NULL},
    {"[holdports]\ncompat =\n" FINAL, 0, 1, NULL},
    {"[holdports]\ncompat = none\n" FINAL, 0, 1, NULL},
    {"[holdports]\ncompat = server-starter\n" FINAL, COMPAT_SERVER_STARTER, 1,
	NULL},
    {"[holdports]\ncompat = einhorn\n" FINAL, COMPAT_EINHORN, 1, NULL},
    {"[holdports]\ncompat = einhorn server-starter\n" FINAL,
	COMPAT_SERVER_STARTER | COMPAT_EINHORN, 1, NULL},
    {"[holdports]\ncompat = server-starter,einhorn, einhorn\n" FINAL,
	COMPAT_SERVER_STARTER | COMPAT_EINHORN, 1, NULL},
    {"[holdports]\ncompat = systemd\n" FINAL, 0, 0,
	"ports.ini:2: [holdports] compat: 'systemd' is not valid; use "
	"server-starter, einhorn or both, e.g. compat = server-starter "
	"einhorn"},
    {"[holdports]\ncompat = none einhorn\n" FINAL, 0, 0,
	"ports.ini:2: [holdports] compat: 'none' goes alone; remove it or "
	"the others"},
    {"[holdports]\ncompat = einhorn\ncompat = einhorn\n" FINAL, 0, 0,
	"ports.ini:3: [holdports] compat: given twice (first on line 2); "
	"keep one"},
    {CHILD "compat = einhorn\n", 0, 0,
	"ports.ini:3: [child] compat: not a key of [child]; move it to "
	"[holdports]"},
    {CHILD "gitignore = yes\n", 0, 1, NULL},
    {CHILD "gitignore = no\n", 0, 0, NULL},
    {CHILD "gitignore = true\n", 0, 0,
	"ports.ini:3: [child] gitignore: 'true' is not valid; use yes or no"},
    {CHILD "gitignore =\n", 0, 0,
	"ports.ini:3: [child] gitignore: empty value; give one, e.g. "
	"gitignore = yes"},
    {"[holdports]\ngitignore = yes\n" FINAL, 0, 0,
	"ports.ini:2: [holdports] gitignore: not a key of [holdports]; move "
	"it to [child]"},
    /* the variables compat sets are holdports' own */
    {CHILD "environment = SERVER_STARTER_PORT=8080=3\n", 0, 0,
	"ports.ini:3: [child] environment: holdports sets "
	"SERVER_STARTER_PORT itself; remove the line"},
    {CHILD "environment = EINHORN_FD_COUNT=1\n", 0, 0,
	"ports.ini:3: [child] environment: holdports sets EINHORN_FD_COUNT "
	"itself; remove the line"},
    {CHILD "environment = EINHORN_FD_12=3\n", 0, 0,
	"ports.ini:3: [child] environment: holdports sets EINHORN_FD_12 "
	"itself; remove the line"},
    {CHILD "environment = EINHORN_FD_FAMILY_0=AF_INET\n", 0, 1, NULL},
    /* what SERVER_STARTER_PORT cannot carry */
    {"[holdports]\ncompat = server-starter\n[socket.a]\n"
     "listen = unix:/tmp/a=b.sock=a\n" FINAL,
	0, 0,
	"ports.ini:4: [socket.a] listen: compat = server-starter cannot pass "
	"the path '/tmp/a=b.sock' (SERVER_STARTER_PORT splits at ';' and "
	"'='); use a path without them, or drop server-starter from compat"},
    {"[holdports]\ncompat = einhorn\n[socket.a]\n"
     "listen = unix:/tmp/a;b.sock\n" FINAL,
	COMPAT_EINHORN, 1, NULL},
};

static void
test_compat_gitignore(void **state)
{
	struct conf c;
	char err[CONF_ERR_MAX], *out;
	const char *text;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(compat_git) / sizeof(compat_git[0]); i++) {
		text = compat_git[i].text;
		r = load(&c, text, err);
		if (compat_git[i].err != NULL) {
			if (r != -1 || strcmp(err, compat_git[i].err) != 0)
				fail_msg("%s\n  got %d: %s\n  want: %s", text,
				    r, err, compat_git[i].err);
		} else {
			if (r != 0)
				fail_msg("%s\n  got: %s", text, err);
			assert_int_equal(c.compat, compat_git[i].compat);
			assert_int_equal(
			    CH(c)->gitignore, compat_git[i].gitignore);
		}
		conf_free(&c);
	}
	/* conf_print writes both, and reads back */
	assert_int_equal(load(&c,
			     "[holdports]\ncompat = einhorn server-starter\n"
			     "[child]\ncommand = ./x\ngitignore = yes\n",
			     err),
	    0);
	out = print(&c);
	conf_free(&c);
	assert_non_null(strstr(out,
	    "poll_interval = 500ms\ncompat = server-starter "
	    "einhorn\n"));
	assert_non_null(strstr(out, "; build: none\ngitignore = yes\n"));
	assert_int_equal(load(&c, out, err), 0);
	assert_int_equal(c.compat, COMPAT_SERVER_STARTER | COMPAT_EINHORN);
	assert_int_equal(CH(c)->gitignore, 1);
	conf_free(&c);
	free(out);
	assert_int_equal(load(&c, FINAL, err), 0);
	out = print(&c);
	conf_free(&c);
	assert_non_null(strstr(out, "\ncompat = none\n"));
	assert_non_null(strstr(out, "\ngitignore = yes\n"));
	free(out);
	/* the command line's -l: named by its SPEC */
	conf_init(&c);
	assert_int_equal(
	    conf_set(&c, "compat", "server-starter", NULL, err), 0);
	assert_int_equal(conf_add_listen(&c, "unix:/tmp/x;y", NULL, err), 0);
	assert_int_equal(conf_set(&c, "compat", "bogus", NULL, err), -1);
	assert_string_equal(err,
	    "compat: 'bogus' is not valid; use server-starter, einhorn or "
	    "both, e.g. compat = server-starter einhorn");
	assert_int_equal(c.compat, COMPAT_SERVER_STARTER);
	set_command(&c, "./x");
	assert_int_equal(conf_finish(&c, err), -1);
	assert_string_equal(err,
	    "-l 'unix:/tmp/x;y': compat = server-starter cannot pass the path "
	    "'/tmp/x;y' (SERVER_STARTER_PORT splits at ';' and '='); use a "
	    "path without them, or drop server-starter from compat");
	conf_free(&c);
}

/* Loads text as the ports.ini of directory dir. */
static int
load_in(struct conf *c, const char *dir, const char *text, char *err)
{
	char path[128];

	(void)snprintf(path, sizeof(path), "%s/ports.ini", dir);
	conf_init(c);
	err[0] = '\0';
	if (conf_load_string(c, text, path, err) == -1)
		return -1;
	return conf_finish(c, err);
}

/* Writes text to dir/name. */
static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* watch_mode, poll_interval, env_file, and a quoted command line. */
static void
test_first_run_keys(void **state)
{
	char dir[] = "/tmp/hp-conf-env.XXXXXX", err[CONF_ERR_MAX], want[512];
	char cmd[128];
	struct conf c;

	(void)state;
	/* watch_mode and poll_interval: [holdports] for every child, a
	 * child's own wins */
	assert_int_equal(load(&c,
			     "[holdports]\nwatch_mode = poll\n"
			     "poll_interval = 2s\n"
			     "[child.a]\ncommand = ./a\n"
			     "[child.b]\ncommand = ./b\nwatch_mode = events\n",
			     err),
	    0);
	assert_int_equal(c.children[0].watch_mode, WMODE_POLL);
	assert_int_equal(c.children[0].poll_interval_ms, 2000);
	assert_int_equal(c.children[1].watch_mode, WMODE_EVENTS);
	conf_free(&c);
	assert_int_equal(
	    load(&c, "[holdports]\nwatch_mode = inotify\n" FINAL, err), -1);
	assert_string_equal(err,
	    "ports.ini:2: [holdports] watch_mode: 'inotify' is not valid; use "
	    "auto (events, but polling on NFS, SMB, 9p and FUSE), events or "
	    "poll");
	conf_free(&c);
	assert_int_equal(
	    load(&c, "[holdports]\npoll_interval = 5ms\n" FINAL, err), -1);
	assert_string_equal(err,
	    "ports.ini:2: [holdports] poll_interval: '5ms' is too short: each "
	    "scan walks every polled folder; use at least 10ms, e.g. 500ms");
	conf_free(&c);
	assert_int_equal(
	    load(&c, "[holdports]\npoll_interval = soon\n" FINAL, err), -1);
	conf_free(&c);

	/* env_file: read at load, merged in order, a later file winning */
	assert_non_null(mkdtemp(dir));
	put_file(dir, ".env", "A=1\nB=from-first\n");
	put_file(dir, "second.env", "export B=\"from second\"\nC=3\n");
	assert_int_equal(load_in(&c, dir,
			     "[child]\ncommand = ./x\nenv_file = .env\n"
			     "env_file = second.env\nenvironment = A=env\n",
			     err),
	    0);
	assert_int_equal(CH(c)->nenv_files, 2);
	assert_non_null(strstr(CH(c)->env_files[0], "/.env"));
	assert_int_equal(CH(c)->ndotenv, 3);
	assert_string_equal(CH(c)->dotenv[0], "A=1");
	assert_string_equal(CH(c)->dotenv[1], "B=from second");
	assert_string_equal(CH(c)->dotenv[2], "C=3");
	conf_free(&c);
	/* twice, missing, bad */
	assert_int_equal(load_in(&c, dir,
			     "[child]\ncommand = ./x\nenv_file = .env\n"
			     "env_file = ./.env\n",
			     err),
	    -1);
	(void)snprintf(want, sizeof(want),
	    "%s/ports.ini:4: [child] env_file: './.env' is given twice; keep "
	    "one",
	    dir);
	assert_string_equal(err, want);
	conf_free(&c);
	assert_int_equal(
	    load_in(
		&c, dir, "[child]\ncommand = ./x\nenv_file = none.env\n", err),
	    -1);
	(void)snprintf(want, sizeof(want),
	    "%s/ports.ini:3: [child] env_file: %s/none.env: cannot read: No "
	    "such file or directory",
	    dir, dir);
	assert_string_equal(err, want);
	conf_free(&c);
	put_file(dir, "bad.env", "OK=1\nNOT A LINE\n");
	assert_int_equal(
	    load_in(
		&c, dir, "[child]\ncommand = ./x\nenv_file = bad.env\n", err),
	    -1);
	(void)snprintf(want, sizeof(want),
	    "%s/ports.ini:3: [child] env_file: %s/bad.env:2: ", dir, dir);
	assert_memory_equal(err, want, strlen(want));
	conf_free(&c);
	assert_int_equal(
	    load_in(&c, dir, "[holdports]\nenv_file = .env\n" FINAL, err), -1);
	conf_free(&c);

	/* a command line in quotes is one word, which no program is */
	assert_int_equal(
	    load(&c, "[child]\ncommand = \"sh -c true\" x\n", err), -1);
	assert_string_equal(err,
	    "ports.ini:2: [child] command: the program 'sh -c true' is one "
	    "word, spaces included, because of the quotes around it; there is "
	    "no such program, but 'sh' is one: drop the quotes, e.g. command "
	    "= sh -c true");
	conf_free(&c);
	/* a program with a blank that exists, or that no word names: fine */
	put_file(dir, "my server", "");
	assert_int_equal(
	    load_in(&c, dir, "[child]\ncommand = \"./my server\"\n", err), 0);
	conf_free(&c);
	assert_int_equal(
	    load(&c, "[child]\ncommand = \"no-such x\"\n", err), 0);
	conf_free(&c);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* fdstore_max: 0 (off) to 4096, in [child] only; FDSTORE is holdports'
 * own variable; a child that changes only it starts differently. */
static const struct {
	const char *text;
	int max;
	const char *err; /* NULL: accepted */
} fdstore[] = {
    {FINAL, 0, NULL},
    {CHILD "fdstore_max = 0\n", 0, NULL},
    {CHILD "fdstore_max = 16\n", 16, NULL},
    {CHILD "fdstore_max = 4096\n", 4096, NULL},
    {CHILD "fdstore_max = 4097\n", 0,
	"ports.ini:3: [child] fdstore_max: '4097' is not a number from 0 "
	"(off) to 4096; write the most descriptors a child may keep across "
	"its restarts, e.g. fdstore_max = 16"},
    {CHILD "fdstore_max = -1\n", 0,
	"ports.ini:3: [child] fdstore_max: '-1' is not a number from 0 "
	"(off) to 4096; write the most descriptors a child may keep across "
	"its restarts, e.g. fdstore_max = 16"},
    {CHILD "fdstore_max = 8 descriptors\n", 0,
	"ports.ini:3: [child] fdstore_max: '8 descriptors' is not a number "
	"from 0 (off) to 4096; write the most descriptors a child may keep "
	"across its restarts, e.g. fdstore_max = 16"},
    {CHILD "fdstore_max =\n", 0,
	"ports.ini:3: [child] fdstore_max: empty value; give one, e.g. "
	"fdstore_max = 16"},
    {CHILD "fdstore_max = 1\nfdstore_max = 2\n", 0,
	"ports.ini:4: [child] fdstore_max: given twice (first on line 3); "
	"keep one"},
    {"[holdports]\nfdstore_max = 4\n" FINAL, 0,
	"ports.ini:2: [holdports] fdstore_max: not a key of [holdports]; "
	"move it to [child]"},
    {CHILD "environment = FDSTORE=4\n", 0,
	"ports.ini:3: [child] environment: holdports sets FDSTORE itself; "
	"remove the line"},
};

static void
test_fdstore_max(void **state)
{
	struct conf c, d;
	char err[CONF_ERR_MAX], *out;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(fdstore) / sizeof(fdstore[0]); i++) {
		r = load(&c, fdstore[i].text, err);
		if (fdstore[i].err != NULL) {
			if (r != -1 || strcmp(err, fdstore[i].err) != 0)
				fail_msg("%s\n  got %d: %s\n  want: %s",
				    fdstore[i].text, r, err, fdstore[i].err);
		} else {
			if (r != 0)
				fail_msg("%s\n  got: %s", fdstore[i].text, err);
			assert_int_equal(CH(c)->fdstore_max, fdstore[i].max);
		}
		conf_free(&c);
	}
	assert_int_equal(load(&c, CHILD "fdstore_max = 64\n", err), 0);
	out = print(&c);
	assert_non_null(strstr(out, "\nfdstore_max = 64\n"));
	assert_int_equal(load(&d, out, err), 0);
	assert_true(childconf_equal(&c, CH(c), &d, CH(d)));
	conf_free(&d);
	assert_int_equal(load(&d, CHILD "fdstore_max = 65\n", err), 0);
	assert_false(childconf_equal(&c, CH(c), &d, CH(d)));
	conf_free(&d);
	conf_free(&c);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_good_keys),
	    cmocka_unit_test(test_unix_path_too_long_resolved),
	    cmocka_unit_test(test_line_limit),
	    cmocka_unit_test(test_too_many_sockets),
	    cmocka_unit_test(test_good_specs),
	    cmocka_unit_test(test_bad_specs),
	    cmocka_unit_test(test_spec_unix_limit),
	    cmocka_unit_test(test_spec_equal),
	    cmocka_unit_test(test_spec_clash),
	    cmocka_unit_test(test_spec_equal_loaded),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_fdname_valid),
	    cmocka_unit_test(test_full_file),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_add_listen),
	    cmocka_unit_test(test_add_listen_duplicate_names),
	    cmocka_unit_test(test_finish_without_command),
	    cmocka_unit_test(test_add_listen_unix_relative),
	    cmocka_unit_test(test_conf_set),
	    cmocka_unit_test(test_socket_keys),
	    cmocka_unit_test(test_conf_set_keys),
	    cmocka_unit_test(test_print_round_trip),
	    cmocka_unit_test(test_children),
	    cmocka_unit_test(test_children_bad),
	    cmocka_unit_test(test_print_defaults),
	    cmocka_unit_test(test_golden_bad),
	    cmocka_unit_test(test_golden_good),
	    cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_compat_gitignore),
	    cmocka_unit_test(test_first_run_keys),
	    cmocka_unit_test(test_fdstore_max),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
