/* SPDX-License-Identifier: ISC */
/* reg_text.c: the text of the registry: a registry file's format (one
 * "key=value" line a field, escaped so that every value fits on its
 * line), its parser, its RFC 3339 times, and the names of the files in
 * the registry folder. No system calls, so that tests read and write
 * the format without a folder. */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hp.h"
#include "reg.h"

/* The first line of every file: a reader skips files of another format. */
#define REG_MAGIC "holdports-registry 1"

/* Writes s to f with '\', newline and tab escaped as \\, \n and \t, so
 * that every value fits on its line and a tab can separate two. */
static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\')
			(void)fputs("\\\\", f);
		else if (*s == '\n')
			(void)fputs("\\n", f);
		else if (*s == '\t')
			(void)fputs("\\t", f);
		else
			(void)fputc(*s, f);
}

/* Undoes put_escaped() on s in place. Returns 0, or -1 for a backslash
 * that starts no escape. */
static int
unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*o++ = '\\';
		else if (*s == 'n')
			*o++ = '\n';
		else if (*s == 't')
			*o++ = '\t';
		else
			return -1;
	}
	*o = '\0';
	return 0;
}

int
reg_format(const struct reg_entry *e, char **out)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int bad;

	/* open_memstream(3), POSIX.1-2008: the text grows as needed. */
	if ((f = open_memstream(&buf, &len)) == NULL)
		return -1;
	(void)fprintf(f, "%s\nname=", REG_MAGIC);
	put_escaped(f, e->name);
	(void)fprintf(
	    f, "\npid=%ld\nstart=%llu\nconfig=", (long)e->pid, e->start);
	put_escaped(f, e->config != NULL ? e->config : "");
	(void)fprintf(f, "\nchild=%ld\nstarted=", (long)e->child);
	put_escaped(f, e->started);
	(void)fputc('\n', f);
	for (i = 0; i < e->nsocks; i++) {
		(void)fputs("socket=", f);
		put_escaped(f, e->socks[i].name);
		(void)fputc('\t', f);
		put_escaped(f, e->socks[i].addr);
		(void)fputc('\t', f);
		put_escaped(f, e->socks[i].child);
		(void)fputc('\n', f);
	}
	for (i = 0; i < e->nprocs; i++) {
		(void)fputs("proc=", f);
		put_escaped(f, e->procs[i].name);
		(void)fprintf(f, "\t%ld\t%lu\n", (long)e->procs[i].pid,
		    e->procs[i].fdstore);
	}
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	*out = buf;
	return 0;
}

/* Parses s, decimal digits only, into *v if it is at most max. Returns 0
 * or -1. */
static int
reg_number(const char *s, unsigned long long max, unsigned long long *v)
{
	unsigned long long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    n > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned)(*s - '0');
	}
	*v = n;
	return 0;
}

/* Copies s into dst (size bytes) if it fits. Returns 0 or -1. */
static int
reg_copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* Parses the value of a socket= line, "NAME\tADDR\tCHILD" (the child
 * only since holdports knows several), into e. Returns 0 or -1 with
 * errno EINVAL or ENOMEM. */
static int
reg_line_sock(struct reg_entry *e, char *v)
{
	char *addr, *child = NULL;
	struct reg_sock *rs;

	/* the tabs between the fields are never escaped */
	if ((addr = strchr(v, '\t')) == NULL)
		goto bad;
	*addr++ = '\0';
	if ((child = strchr(addr, '\t')) != NULL)
		*child++ = '\0';
	if ((rs = grow(e->socks, &e->capsocks, e->nsocks + 1, sizeof(*rs))) ==
	    NULL)
		return -1;
	e->socks = rs;
	rs = &e->socks[e->nsocks];
	memset(rs, 0, sizeof(*rs));
	if (unescape(v) == -1 || unescape(addr) == -1 ||
	    reg_copy(rs->name, sizeof(rs->name), v) == -1 ||
	    reg_copy(rs->addr, sizeof(rs->addr), addr) == -1 ||
	    (child != NULL &&
		(unescape(child) == -1 ||
		    reg_copy(rs->child, sizeof(rs->child), child) == -1)))
		goto bad;
	e->nsocks++;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Parses the value of a proc= line, "NAME\tPID\tFDSTORE", into e; a file
 * written before the fd store has no FDSTORE (0). Returns 0 or -1 with
 * errno EINVAL or ENOMEM. */
static int
reg_line_proc(struct reg_entry *e, char *v)
{
	unsigned long long n, stored = 0;
	struct reg_proc *rp;
	char *pid, *fdstore;

	if ((pid = strchr(v, '\t')) == NULL)
		goto bad;
	*pid++ = '\0';
	if ((fdstore = strchr(pid, '\t')) != NULL) {
		*fdstore++ = '\0';
		/* later fields, of later versions, are skipped */
		fdstore[strcspn(fdstore, "\t")] = '\0';
		if (reg_number(fdstore, ULONG_MAX, &stored) == -1)
			goto bad;
	}
	if ((rp = grow(e->procs, &e->capprocs, e->nprocs + 1, sizeof(*rp))) ==
	    NULL)
		return -1;
	e->procs = rp;
	rp = &e->procs[e->nprocs];
	memset(rp, 0, sizeof(*rp));
	if (unescape(v) == -1 ||
	    reg_copy(rp->name, sizeof(rp->name), v) == -1 ||
	    reg_number(pid, INT_MAX, &n) == -1)
		goto bad;
	rp->pid = (pid_t)n;
	rp->fdstore = (unsigned long)stored;
	e->nprocs++;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Applies one "key=value" line (escapes still in) to e. Unknown keys are
 * skipped, so that a later version may add some. Returns 0, or -1 with
 * errno EINVAL or ENOMEM; *seen collects the keys found, as bits. */
static int
reg_line(struct reg_entry *e, char *key, unsigned *seen)
{
	char *v = strchr(key, '=');
	unsigned long long n;

	if (v == NULL)
		goto bad;
	*v++ = '\0';
	if (strcmp(key, "socket") == 0)
		return reg_line_sock(e, v);
	if (strcmp(key, "proc") == 0)
		return reg_line_proc(e, v);
	if (unescape(v) == -1)
		goto bad;
	if (strcmp(key, "name") == 0) {
		*seen |= 1;
		if (reg_copy(e->name, sizeof(e->name), v) == -1)
			goto bad;
	} else if (strcmp(key, "pid") == 0) {
		*seen |= 2;
		if (reg_number(v, INT_MAX, &n) == -1 || n == 0)
			goto bad;
		e->pid = (pid_t)n;
	} else if (strcmp(key, "start") == 0) {
		*seen |= 4;
		if (reg_number(v, ~0ULL, &e->start) == -1)
			goto bad;
	} else if (strcmp(key, "config") == 0) {
		*seen |= 8;
		free(e->config);
		e->config = NULL;
		if (*v != '\0' && (e->config = strdup(v)) == NULL)
			return -1;
	} else if (strcmp(key, "child") == 0) {
		*seen |= 16;
		if (reg_number(v, INT_MAX, &n) == -1)
			goto bad;
		e->child = (pid_t)n;
	} else if (strcmp(key, "started") == 0) {
		*seen |= 32;
		if (reg_copy(e->started, sizeof(e->started), v) == -1)
			goto bad;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
reg_parse(const char *text, struct reg_entry *e)
{
	const char *p = text, *nl;
	unsigned seen = 0;
	char *line;
	size_t n;
	int r;

	memset(e, 0, sizeof(*e));
	n = strlen(REG_MAGIC);
	if (strncmp(p, REG_MAGIC, n) != 0 || p[n] != '\n') {
		errno = EINVAL;
		return -1;
	}
	for (p += n + 1; *p != '\0'; p = nl + 1) {
		/* rename(2) makes every file whole: a last line without its
		 * newline is not one of ours */
		if ((nl = strchr(p, '\n')) == NULL) {
			errno = EINVAL;
			goto fail;
		}
		if ((line = strndup(p, (size_t)(nl - p))) == NULL)
			goto fail;
		r = reg_line(e, line, &seen);
		free(line);
		if (r == -1)
			goto fail;
	}
	if (seen == 63)
		return 0;
	errno = EINVAL;
fail:
	reg_entry_free(e);
	return -1;
}

void
reg_entry_free(struct reg_entry *e)
{
	free(e->config);
	free(e->socks);
	free(e->procs);
	memset(e, 0, sizeof(*e));
}

pid_t
reg_name_pid(const char *name, int *tmp)
{
	unsigned long long n;
	char digits[24];
	size_t len;

	if ((*tmp = name[0] == '.')) {
		/* ".PID.tmp", an unfinished write, or ".PID.reload.CHILD",
		 * a request (reg_request()) */
		len = strcspn(name + 1, ".");
		if (len == 0 || len >= sizeof(digits) ||
		    (strcmp(name + 1 + len, ".tmp") != 0 &&
			strncmp(name + 1 + len, ".reload.", 8) != 0))
			return 0;
		memcpy(digits, name + 1, len);
		digits[len] = '\0';
		name = digits;
	}
	if (reg_number(name, INT_MAX, &n) == -1)
		return 0;
	return (pid_t)n;
}

int
reg_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

/* Days from 1970-01-01 to the date y-m-d of the proleptic Gregorian
 * calendar (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"):
 * timegm(3) is not POSIX. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
reg_time_parse(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, se, n = 0;

	if (strlen(s) != 20 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se,
		&n) != 6 ||
	    n != 20 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0) {
		errno = EINVAL;
		return -1;
	}
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

void
reg_request_prefix(pid_t pid, char *buf, size_t len)
{
	(void)snprintf(buf, len, ".%ld.reload.", (long)pid);
}
