/* SPDX-License-Identifier: ISC */
/* cmd.c: holdports ls, reload and stop, the subcommands that find running
 * instances through the registry. */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"
#include "reg.h"

/* The columns of holdports ls. */
enum col {
	COL_NAME,
	COL_PID,
	COL_SOCKET,
	COL_ADDRESS,
	COL_CHILD,
	COL_UPTIME,
	COL_CONFIG,
	NCOLS
};

static const char *const col_titles[NCOLS] = {
    "NAME", "PID", "SOCKET", "ADDRESS", "CHILD", "UPTIME", "CONFIG"};

/* Opens the registry folder for reading into *fdp. Returns 0 (with *fdp
 * -1 when there is no registry yet: nothing runs), or 1 after printing
 * why it was refused (the exit status). */
static int
cmd_open(int *fdp)
{
	char err[CONF_ERR_MAX];

	if ((*fdp = reg_opendir(0, err, sizeof(err))) != -1 || errno == ENOENT)
		return 0;
	log_warnx("registry %s", err);
	return 1;
}

/* Reads the live entries into *vp, *np (none without a registry).
 * Returns 0, or 1 after printing why not. */
static int
cmd_list(struct reg_entry **vp, size_t *np)
{
	int fd;

	*vp = NULL;
	*np = 0;
	if (cmd_open(&fd) != 0)
		return 1;
	if (fd == -1)
		return 0;
	if (reg_list(fd, vp, np) == -1) {
		log_warn("registry: cannot read it");
		(void)close(fd);
		return 1;
	}
	(void)close(fd);
	return 0;
}

/* Writes the uptime since started (RFC 3339) at now into buf: "42s",
 * "12m05s", "3h07m", "2d04h", or "?" when it cannot be read. */
static void
cmd_uptime(const char *started, int64_t now, char *buf, size_t len)
{
	int64_t t, s;

	if (reg_time_parse(started, &t) == -1 || now < t) {
		(void)snprintf(buf, len, "?");
		return;
	}
	s = now - t;
	if (s < 60)
		(void)snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		(void)snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		(void)snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		(void)snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

/* One row of holdports ls: a socket of an instance and the child that
 * gets it, or a child without sockets, or an instance with neither. */
struct row {
	const struct reg_sock *sock; /* NULL: none */
	const char *child; /* the child's name, "" for the only one */
	pid_t pid; /* the child's pid; 0: none */
	unsigned long fdstore; /* descriptors in the child's fd store */
};

/* Returns the pid of the child called name of e: from its proc= lines,
 * or, for an entry of a version before several children, the child
 * started last. */
static pid_t
cmd_child_pid(const struct reg_entry *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nprocs; i++)
		if (strcmp(e->procs[i].name, name) == 0)
			return e->procs[i].pid;
	return e->nprocs == 0 ? e->child : 0;
}

/* Returns how many descriptors the fd store of e's child called name
 * holds: 0 for none, or in a file of a version without fd stores. */
static unsigned long
cmd_child_fdstore(const struct reg_entry *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nprocs; i++)
		if (strcmp(e->procs[i].name, name) == 0)
			return e->procs[i].fdstore;
	return 0;
}

/* Returns 1 if the child p of e gets one of e's sockets. */
static int
cmd_has_socks(const struct reg_entry *e, const struct reg_proc *p)
{
	size_t i;

	for (i = 0; i < e->nsocks; i++)
		if (strcmp(e->socks[i].child, p->name) == 0)
			return 1;
	return 0;
}

/* Calls fn(e, row, arg) for every row of instance e: one per socket (with
 * the child that gets it), then one per child without sockets, or one
 * for an instance with neither. */
static void
cmd_each_row(const struct reg_entry *e,
    void (*fn)(const struct reg_entry *, const struct row *, void *), void *arg)
{
	struct row r;
	size_t i, n = 0;

	for (i = 0; i < e->nsocks; i++, n++) {
		r.sock = &e->socks[i];
		r.child = e->socks[i].child;
		r.pid = cmd_child_pid(e, r.child);
		r.fdstore = cmd_child_fdstore(e, r.child);
		fn(e, &r, arg);
	}
	for (i = 0; i < e->nprocs; i++) {
		if (cmd_has_socks(e, &e->procs[i]))
			continue;
		r.sock = NULL;
		r.child = e->procs[i].name;
		r.pid = e->procs[i].pid;
		r.fdstore = e->procs[i].fdstore;
		fn(e, &r, arg);
		n++;
	}
	if (n == 0) {
		r.sock = NULL;
		r.child = "";
		r.pid = e->child;
		r.fdstore = 0;
		fn(e, &r, arg);
	}
}

/* What cmd_table_row() needs: the time and what to do with the cells. */
struct table {
	int64_t now;
	void (*fn)(char (*cells)[512], void *);
	void *arg;
};

/* cmd_each_row() callback: fills the cells of row r of e and passes them
 * on. The CHILD cell is the pid, "NAME:PID" for a named child. */
static void
cmd_table_row(const struct reg_entry *e, const struct row *r, void *arg)
{
	const struct table *t = arg;
	char cells[NCOLS][512];
	size_t sz = sizeof(cells[0]);

	(void)snprintf(cells[COL_NAME], sz, "%s", e->name);
	(void)snprintf(cells[COL_PID], sz, "%ld", (long)e->pid);
	(void)snprintf(
	    cells[COL_SOCKET], sz, "%s", r->sock != NULL ? r->sock->name : "-");
	(void)snprintf(cells[COL_ADDRESS], sz, "%s",
	    r->sock != NULL ? r->sock->addr : "-");
	if (r->child[0] != '\0')
		(void)snprintf(cells[COL_CHILD], sz, "%s:%s", r->child,
		    r->pid != 0 ? "" : "-");
	else
		cells[COL_CHILD][0] = '\0';
	if (r->pid != 0)
		(void)snprintf(cells[COL_CHILD] + strlen(cells[COL_CHILD]),
		    sz - strlen(cells[COL_CHILD]), "%ld", (long)r->pid);
	else if (r->child[0] == '\0')
		(void)snprintf(cells[COL_CHILD], sz, "-");
	cmd_uptime(e->started, t->now, cells[COL_UPTIME], sz);
	(void)snprintf(
	    cells[COL_CONFIG], sz, "%s", e->config != NULL ? e->config : "-");
	t->fn(cells, t->arg);
}

/* Calls fn for every row of the table of the n instances v. */
static void
cmd_rows(const struct reg_entry *v, size_t n, int64_t now,
    void (*fn)(char (*cells)[512], void *), void *arg)
{
	struct table t = {now, fn, arg};
	size_t i;

	for (i = 0; i < n; i++)
		cmd_each_row(&v[i], cmd_table_row, &t);
}

/* cmd_rows() callback: widens the columns to fit. */
static void
cmd_measure(char (*cells)[512], void *arg)
{
	size_t *w = arg, c;

	for (c = 0; c < NCOLS; c++)
		if (strlen(cells[c]) > w[c])
			w[c] = strlen(cells[c]);
}

/* cmd_rows() callback: prints one row, the last column unpadded. */
static void
cmd_print(char (*cells)[512], void *arg)
{
	const size_t *w = arg;
	size_t c;

	for (c = 0; c < NCOLS - 1; c++)
		(void)printf("%-*s  ", (int)w[c], cells[c]);
	(void)printf("%s\n", cells[NCOLS - 1]);
}

/* Appends the n bytes s to buf (len bytes) at *off, as far as they fit,
 * keeping it NUL-terminated; *off counts every byte, fitting or not. */
static void
json_put(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
	size_t room;

	if (*off + 1 < len) {
		room = len - 1 - *off;
		memcpy(buf + *off, s, n < room ? n : room);
		buf[*off + (n < room ? n : room)] = '\0';
	}
	*off += n;
}

/* Returns the length of the UTF-8 sequence at s (1 to 4), or 0 if it is
 * not valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF). */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}

size_t
cmd_json_quote(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t off = 0, n;

	if (len > 0)
		buf[0] = '\0';
	json_put(buf, len, &off, "\"", 1);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p++;
			json_put(buf, len, &off, esc, 2);
		} else if (*p < 0x20) {
			/* RFC 8259, 7: control characters must be escaped */
			if (*p == '\n')
				json_put(buf, len, &off, "\\n", 2);
			else if (*p == '\t')
				json_put(buf, len, &off, "\\t", 2);
			else if (*p == '\r')
				json_put(buf, len, &off, "\\r", 2);
			else {
				(void)snprintf(esc, sizeof(esc), "\\u%04x", *p);
				json_put(buf, len, &off, esc, 6);
			}
			p++;
		} else if ((n = utf8_len(p)) == 0) {
			/* JSON text is UTF-8 (RFC 8259, 8.1) */
			json_put(buf, len, &off, "\\ufffd", 6);
			p++;
		} else {
			json_put(buf, len, &off, (const char *)p, n);
			p += n;
		}
	}
	json_put(buf, len, &off, "\"", 1);
	return off;
}

/* Writes s to stdout as a JSON string (cmd_json_quote()), or null for NULL. */
static void
json_out(const char *s)
{
	size_t n;
	char *b;

	if (s == NULL) {
		(void)fputs("null", stdout);
		return;
	}
	n = cmd_json_quote(NULL, 0, s) + 1;
	if ((b = malloc(n)) == NULL)
		fatal("out of memory");
	(void)cmd_json_quote(b, n, s);
	(void)fputs(b, stdout);
	free(b);
}

/* cmd_each_row() callback: prints row r of e as one JSON object. */
static void
cmd_json_row(const struct reg_entry *e, const struct row *r, void *arg)
{
	(void)arg;
	(void)fputs("{\"name\":", stdout);
	json_out(e->name);
	(void)printf(",\"pid\":%ld,\"socket\":", (long)e->pid);
	json_out(r->sock != NULL ? r->sock->name : NULL);
	(void)fputs(",\"address\":", stdout);
	json_out(r->sock != NULL ? r->sock->addr : NULL);
	(void)fputs(",\"config\":", stdout);
	json_out(e->config);
	if (r->pid != 0)
		(void)printf(",\"child_pid\":%ld", (long)r->pid);
	else
		(void)fputs(",\"child_pid\":null", stdout);
	(void)fputs(",\"started\":", stdout);
	json_out(e->started);
	(void)fputs(",\"child\":", stdout);
	json_out(r->child[0] != '\0' ? r->child : NULL);
	(void)printf(",\"fdstore\":%lu}\n", r->fdstore);
}

/* Prints the JSON lines of holdports ls --json: one object a row of the
 * table, with the keys name, pid, socket, address, config, child_pid,
 * started, child (its name, null for the only child) and fdstore (the
 * descriptors in that child's fd store). */
static void
cmd_json(const struct reg_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cmd_each_row(&v[i], cmd_json_row, NULL);
}

int
cmd_ls(int argc, char **argv, char *err)
{
	struct reg_entry *v;
	size_t n, w[NCOLS], c;
	int64_t now = (int64_t)time(NULL);
	int json = 0, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0) {
			msgf(err,
			    "ls: unexpected '%s'; the only option is --json",
			    argv[i]);
			return -1;
		}
		json = 1;
	}
	if (cmd_list(&v, &n) != 0)
		return 1;
	if (json) {
		cmd_json(v, n);
	} else {
		for (c = 0; c < NCOLS; c++)
			w[c] = strlen(col_titles[c]);
		cmd_rows(v, n, now, cmd_measure, w);
		for (c = 0; c < NCOLS - 1; c++)
			(void)printf("%-*s  ", (int)w[c], col_titles[c]);
		(void)printf("%s\n", col_titles[NCOLS - 1]);
		cmd_rows(v, n, now, cmd_print, w);
	}
	reg_list_free(v, n);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Sends signo to instance e for holdports cmd (about its child child,
 * or NULL), and says so. Returns the exit status: 0, or 1 when kill(2)
 * failed (said). */
static int
cmd_send(
    const char *cmd, const struct reg_entry *e, int signo, const char *child)
{
	const char *sig = signo == SIGHUP ? "SIGHUP" : "SIGTERM";

	if (kill(e->pid, signo) == -1) {
		log_warn("%s: %s (pid %ld)", cmd, e->name, (long)e->pid);
		return 1;
	}
	log_info("%s: sent %s to %s (pid %ld)%s%s", cmd, sig, e->name,
	    (long)e->pid, child != NULL ? " for its child " : "",
	    child != NULL ? child : "");
	return 0;
}

/* Leaves the request to reload the child called child of instance e
 * (holdports reload NAME CHILD), for e to find on SIGHUP. Returns 0, or
 * -1 after saying why not: e has no such child, or the request cannot be
 * written. */
static int
cmd_ask(const struct reg_entry *e, const char *child)
{
	char names[CONF_ERR_MAX];
	size_t i, off = 0;
	int fd, r;

	for (i = 0; i < e->nprocs; i++)
		if (e->procs[i].name[0] != '\0' &&
		    strcmp(e->procs[i].name, child) == 0)
			break;
	if (i == e->nprocs) {
		names[0] = '\0';
		for (i = 0; i < e->nprocs && off < sizeof(names); i++)
			off +=
			    (size_t)snprintf(names + off, sizeof(names) - off,
				"%s%s", off > 0 ? ", " : "", e->procs[i].name);
		log_warnx("reload: %s (pid %ld) has no child called '%s'%s%s",
		    e->name, (long)e->pid, child,
		    off > 0 && names[0] != '\0' ? "; its children: " :
						  "; it has one child only",
		    off > 0 && names[0] != '\0' ? names : "");
		return -1;
	}
	if (cmd_open(&fd) != 0 || fd == -1)
		return -1;
	if ((r = reg_request(fd, e->pid, child)) == -1)
		log_warn("reload: cannot leave the request for %s", e->name);
	(void)close(fd);
	return r;
}

/* Lists the entries v[i] with pick[i] set, one a line, after what. */
static void
cmd_candidates(
    const char *what, const struct reg_entry *v, size_t n, const char *pick)
{
	size_t i;

	log_warnx("%s", what);
	for (i = 0; i < n; i++)
		if (pick[i])
			log_warnx("  %s  pid %ld  %s", v[i].name,
			    (long)v[i].pid,
			    v[i].config != NULL ? v[i].config :
						  "(no config file)");
}

/* Marks in pick the entries that target names: a pid when it is all
 * digits (instance names never are), else a name; without a target, the
 * instance of ./ports.ini if one runs, else every one. Returns how many. */
static size_t
cmd_pick(const char *target, const struct reg_entry *v, size_t n, char *pick)
{
	char *here;
	size_t i, k = 0;
	long pid;

	if (target != NULL && strspn(target, "0123456789") == strlen(target)) {
		pid = strtol(target, NULL, 10);
		for (i = 0; i < n; i++)
			k += pick[i] = v[i].pid == pid;
		return k;
	}
	if (target != NULL) {
		for (i = 0; i < n; i++)
			k += pick[i] = strcmp(v[i].name, target) == 0;
		return k;
	}
	if ((here = realpath("ports.ini", NULL)) != NULL) {
		for (i = 0; i < n; i++)
			k += pick[i] = v[i].config != NULL &&
			    strcmp(v[i].config, here) == 0;
		free(here);
		if (k > 0)
			return k;
	}
	for (i = 0; i < n; i++)
		pick[i] = 1;
	return n;
}

int
cmd_signal(int argc, char **argv, int signo, char *err)
{
	const char *cmd = argv[0], *target = argc > 1 ? argv[1] : NULL;
	const char *child = argc > 2 ? argv[2] : NULL;
	struct reg_entry *v;
	char what[CONF_ERR_MAX], *pick;
	size_t n, i, k;
	int status = 1;

	if (argc > (signo == SIGHUP ? 3 : 2) ||
	    (target != NULL && (*target == '\0' || *target == '-'))) {
		msgf(err,
		    "%s: give one instance name or pid%s, e.g. holdports %s "
		    "myapp%s",
		    cmd, signo == SIGHUP ? " and maybe a child's name" : "",
		    cmd, signo == SIGHUP ? " api" : "");
		return -1;
	}
	if (cmd_list(&v, &n) != 0)
		return 1;
	if ((pick = calloc(n + 1, 1)) == NULL)
		fatal("out of memory");
	k = cmd_pick(target, v, n, pick);
	if (k == 0 && n == 0) {
		log_warnx("%s: no holdports instance is running", cmd);
	} else if (k == 0) {
		msgf(what,
		    "%s: no holdports instance %s '%s'; running now:", cmd,
		    strspn(target, "0123456789") == strlen(target) ? "has pid" :
								     "is named",
		    target);
		memset(pick, 1, n);
		cmd_candidates(what, v, n, pick);
	} else if (k > 1) {
		if (target != NULL)
			msgf(what,
			    "%s: %zu instances are named '%s'; give the "
			    "pid of one:",
			    cmd, k, target);
		else
			msgf(what,
			    "%s: %zu instances are running; give the "
			    "name or the pid of one:",
			    cmd, k);
		cmd_candidates(what, v, n, pick);
		status = 2; /* the command line does not say which */
	} else {
		for (i = 0; !pick[i]; i++)
			;
		if (child == NULL || cmd_ask(&v[i], child) == 0)
			status = cmd_send(cmd, &v[i], signo, child);
	}
	free(pick);
	reg_list_free(v, n);
	return status;
}
