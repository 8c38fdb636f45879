/* SPDX-License-Identifier: ISC */
/* conf_keys.c: every key of ports.ini, where it may stand, how its value
 * is checked and where it is stored. The command line's options go
 * through the same table. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf_int.h"
#include "suggest.h"

/* KT_WORD fields are enums and ints, written as int. */
_Static_assert(sizeof(enum restart) == sizeof(int), "enum size");
_Static_assert(sizeof(enum mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum ready) == sizeof(int), "enum size");
_Static_assert(sizeof(enum protocol) == sizeof(int), "enum size");
_Static_assert(sizeof(enum wmode) == sizeof(int), "enum size");

static const struct word restart_words[] = {
    {"on-failure", RESTART_ON_FAILURE},
    {"always", RESTART_ALWAYS},
    {"no", RESTART_NO},
    {NULL, 0},
};
static const struct word mode_words[] = {
    {"replace", MODE_REPLACE},
    {"overlap", MODE_OVERLAP},
    {NULL, 0},
};
static const struct word ready_words[] = {
    {"none", READY_NONE},
    {"notify", READY_NOTIFY},
    {NULL, 0},
};
static const struct word protocol_words[] = {
    {"none", PROTOCOL_NONE},
    {"http", PROTOCOL_HTTP},
    {NULL, 0},
};
static const struct word yesno_words[] = {
    {"yes", 1},
    {"no", 0},
    {NULL, 0},
};
static const struct word wmode_words[] = {
    {"auto", WMODE_AUTO},
    {"events", WMODE_EVENTS},
    {"poll", WMODE_POLL},
    {NULL, 0},
};
/* stdin = tty lends holdports' terminal to the child, for a debugger. */
static const struct word stdin_words[] = {
    {"null", 0},
    {"tty", 1},
    {NULL, 0},
};
/* listen_pid = none is for a command that cannot keep its pid (a shell
 * pipeline, a wrapper that forks): LISTEN_PID is then left unset. */
static const struct word listen_pid_words[] = {
    {"child", 0},
    {"none", 1},
    {NULL, 0},
};

#define CHILD(f) OWN_CHILD, offsetof(struct childconf, f)
#define SOCK(f) OWN_SOCK, offsetof(struct sockconf, f)
#define CONF(f) OWN_CONF, offsetof(struct conf, f)
#define LIST(f) offsetof(struct childconf, f)

/* In the order keys_list() names them. */
const struct keydef keydefs[K_COUNT] = {
    [K_NAME] = {"name", SB_HOLDPORTS, CONF(name), KT_SPECIAL, 0, NULL, NULL,
	"myapp"},
    [K_DEBOUNCE] = {"debounce", SB_HOLDPORTS | SB_CHILD, CHILD(debounce_ms),
	KT_DURATION, 0, NULL, NULL, "50ms"},
    [K_STOP_SIGNAL] = {"stop_signal", SB_HOLDPORTS | SB_CHILD,
	CHILD(stop_signal), KT_SPECIAL, 0, NULL, NULL, "TERM"},
    [K_STOP_TIMEOUT] = {"stop_timeout", SB_HOLDPORTS | SB_CHILD,
	CHILD(stop_timeout_ms), KT_DURATION, 0, NULL, NULL, "5s"},
    [K_RESTART] = {"restart", SB_HOLDPORTS | SB_CHILD, CHILD(restart), KT_WORD,
	0, restart_words, NULL, "on-failure"},
    [K_MODE] = {"mode", SB_HOLDPORTS | SB_CHILD, CHILD(mode), KT_WORD, 0,
	mode_words, NULL, "replace"},
    [K_READY] = {"ready", SB_HOLDPORTS | SB_CHILD, CHILD(ready), KT_WORD, 0,
	ready_words, NULL, "none"},
    [K_READY_TIMEOUT] = {"ready_timeout", SB_HOLDPORTS | SB_CHILD,
	CHILD(ready_timeout_ms), KT_DURATION, 0, NULL, NULL, "30s"},
    [K_WATCH_MODE] = {"watch_mode", SB_HOLDPORTS | SB_CHILD, CHILD(watch_mode),
	KT_WORD, 0, wmode_words,
	"use auto (events, but polling on NFS, SMB, 9p and FUSE), events or "
	"poll",
	"poll"},
    [K_POLL_INTERVAL] = {"poll_interval", SB_HOLDPORTS | SB_CHILD,
	CHILD(poll_interval_ms), KT_DURATION, 0, NULL, NULL, "500ms"},
    [K_COMPAT] = {"compat", SB_HOLDPORTS, CONF(compat), KT_SPECIAL, 0, NULL,
	NULL, "server-starter einhorn"},
    [K_EVENTS] = {"events", SB_HOLDPORTS, CONF(events), KT_SPECIAL, 0, NULL,
	NULL, "127.0.0.1:8081"},
    [K_EVENTS_FALLBACK] = {"events_fallback", SB_HOLDPORTS,
	CONF(events.fallback), KT_SPECIAL, 0, NULL, NULL, "next"},
    [K_LISTEN] = {"listen", SB_SOCKET, SOCK(spec), KT_SPECIAL, 0, NULL, NULL,
	"8080"},
    [K_BACKLOG] = {"backlog", SB_SOCKET, SOCK(backlog), KT_SPECIAL, 0, NULL,
	NULL, "1024"},
    [K_FALLBACK] = {"fallback", SB_SOCKET, SOCK(fallback), KT_SPECIAL, 0, NULL,
	NULL, "next"},
    [K_SOCK_MODE] = {"mode", SB_SOCKET, SOCK(mode), KT_SPECIAL, 0, NULL, NULL,
	"0660"},
    [K_USER] = {"user", SB_SOCKET, SOCK(uid), KT_SPECIAL, 0, NULL, NULL,
	"www-data"},
    [K_GROUP] = {"group", SB_SOCKET, SOCK(gid), KT_SPECIAL, 0, NULL, NULL,
	"www-data"},
    [K_PROTOCOL] = {"protocol", SB_SOCKET, SOCK(protocol), KT_WORD, 0,
	protocol_words,
	"use none (connections wait while no child serves) or http (an "
	"error page answers them)",
	"http"},
    [K_COMMAND] = {"command", SB_CHILD, CHILD(command), KT_STRING, 0, NULL,
	NULL, "./server"},
    [K_DIRECTORY] = {"directory", SB_CHILD, CHILD(directory), KT_PATH, 0, NULL,
	NULL, "."},
    [K_ENVIRONMENT] = {"environment", SB_CHILD, CHILD(env), KT_SPECIAL,
	LIST(nenv), NULL, NULL, "DEBUG=1"},
    [K_ENV_FILE] = {"env_file", SB_CHILD, CHILD(env_files), KT_SPECIAL,
	LIST(nenv_files), NULL, NULL, ".env"},
    [K_WATCH] = {"watch", SB_CHILD, CHILD(watch), KT_PATHLIST, LIST(nwatch),
	NULL, NULL, "src"},
    [K_IGNORE] = {"ignore", SB_CHILD, CHILD(ignore), KT_LIST, LIST(nignore),
	NULL, NULL, "*.o"},
    [K_BUILD] = {"build", SB_CHILD, CHILD(build), KT_STRING, 0, NULL, NULL,
	"make -s"},
    [K_GITIGNORE] = {"gitignore", SB_CHILD, CHILD(gitignore), KT_WORD, 0,
	yesno_words, NULL, "yes"},
    [K_LISTEN_PID] = {"listen_pid", SB_CHILD, CHILD(no_listen_pid), KT_WORD, 0,
	listen_pid_words,
	"use child (the default: the child's own pid) or none (left unset)",
	"none"},
    [K_SOCKETS] = {"sockets", SB_CHILD, CHILD(socknames), KT_SPECIAL,
	LIST(nsocknames), NULL, NULL, "http admin"},
    [K_FDSTORE_MAX] = {"fdstore_max", SB_CHILD, CHILD(fdstore_max), KT_SPECIAL,
	0, NULL, NULL, "16"},
    [K_CLEAR] = {"clear", SB_HOLDPORTS, CONF(clear), KT_WORD, 0, yesno_words,
	NULL, "yes"},
    [K_STDIN] = {"stdin", SB_CHILD, CHILD(stdin_tty), KT_WORD, 0, stdin_words,
	"use null (the default: /dev/null) or tty (holdports' terminal, for "
	"a debugger)",
	"tty"},
};

int
key_find(enum sect sect, const char *name)
{
	size_t i;

	for (i = 0; i < K_COUNT; i++)
		if ((keydefs[i].sects & (1u << sect)) &&
		    strcmp(keydefs[i].name, name) == 0)
			return (int)i;
	return -1;
}

enum sect
key_section(const char *name)
{
	static const enum sect order[] = {
	    SECT_HOLDPORTS, SECT_SOCKET, SECT_CHILD};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (key_find(order[i], name) != -1)
			return order[i];
	return SECT_NONE;
}

const char *
sect_display(enum sect s)
{
	return s == SECT_HOLDPORTS ? "[holdports]" :
	    s == SECT_SOCKET	   ? "[socket.NAME]" :
				     "[child]";
}

void
word_list(
    char *buf, size_t len, const char *const *v, size_t n, const char *conj)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s%s%s",
		    i == 0	   ? "" :
			i == n - 1 ? " " :
				     ", ",
		    i > 0 && i == n - 1 ? conj : "",
		    i > 0 && i == n - 1 ? " " : "", v[i]);
}

void
keys_list(enum sect sect, char *buf, size_t len)
{
	const char *names[K_COUNT];
	size_t i, n = 0;
	int shared;

	/* The section's own keys first, then those it shares. */
	for (shared = 0; shared < 2; shared++)
		for (i = 0; i < K_COUNT; i++)
			if ((keydefs[i].sects & (1u << sect)) &&
			    (keydefs[i].sects != (1u << sect)) == shared)
				names[n++] = keydefs[i].name;
	word_list(buf, len, names, n, "and");
}

int
key_multi(int k)
{
	return keydefs[k].off_n != 0;
}

const char *
key_suggest(enum sect sect, const char *name)
{
	const char *names[K_COUNT + 1];
	size_t i, n = 0;

	for (i = 0; i < K_COUNT; i++)
		if (keydefs[i].sects & (1u << sect))
			names[n++] = keydefs[i].name;
	names[n] = NULL;
	return suggest(name, names);
}

const char *
key_word(int k, int value)
{
	const struct word *w;

	for (w = keydefs[k].words; w != NULL && w->name != NULL; w++)
		if (w->value == value)
			return w->name;
	return "?";
}

int
name_valid(const char *s)
{
	size_t n;
	int digits = 1;

	for (n = 0; s[n] != '\0'; n++) {
		if (!isalnum((unsigned char)s[n]) && s[n] != '.' &&
		    s[n] != '_' && s[n] != '-')
			return 0;
		if (!isdigit((unsigned char)s[n]))
			digits = 0;
	}
	return n > 0 && n <= CONF_NAME_MAX && !digits;
}
