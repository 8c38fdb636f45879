/* SPDX-License-Identifier: ISC */
/* dotenv.c: reads the dotenv files of env_file = PATH into KEY=VALUE
 * strings, and names the keys that changed between two readings. */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dotenv.h"
#include "util.h"

#define SHOW_MAX 40 /* bytes of a bad key or stray text quoted in messages */

/* The state of one dotenv_parse(). */
struct dparse {
	const char *p; /* the next byte */
	const char *end;
	const char *path;
	char *err;
	int line; /* of p, from 1 */
	char *val; /* the value being built */
	size_t vlen, vcap;
	char **vars;
	size_t n;
};

/* Writes "PATH:LINE: MESSAGE" into d->err. Returns -1. */
static int derr(struct dparse *d, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
derr(struct dparse *d, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(d->err, DOTENV_ERR_MAX, "%s:%d: ", d->path, line);
	if (n >= 0 && n < DOTENV_ERR_MAX) {
		va_start(ap, fmt);
		(void)vsnprintf(
		    d->err + n, DOTENV_ERR_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}

/* Writes "PATH: out of memory" into d->err. Returns -1, errno ENOMEM. */
static int
dnomem(struct dparse *d)
{
	(void)snprintf(d->err, DOTENV_ERR_MAX, "%s: out of memory", d->path);
	errno = ENOMEM;
	return -1;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Skips spaces and tabs. */
static void
skip_blanks(struct dparse *d)
{
	while (d->p < d->end && blank(*d->p))
		d->p++;
}

/* Returns 1 if p is at the end of a line: LF, CR LF or the end. */
static int
at_eol(const struct dparse *d)
{
	return d->p == d->end || *d->p == '\n' ||
	    (*d->p == '\r' && (d->p + 1 == d->end || d->p[1] == '\n'));
}

/* Moves past the end of the current line and counts it. */
static void
next_line(struct dparse *d)
{
	while (d->p < d->end && *d->p != '\n')
		d->p++;
	if (d->p < d->end) {
		d->p++;
		d->line++;
	}
}

/* Appends the byte c to the value. Returns 0 or -1 (ENOMEM). */
static int
put(struct dparse *d, char c)
{
	if (grow_buf(&d->val, &d->vcap, d->vlen + 2) == -1)
		return dnomem(d);
	d->val[d->vlen++] = c;
	return 0;
}

/*
 * Reads a quoted value; d->p is on the opening quote q. A CR LF inside
 * becomes LF, as elsewhere. In double quotes the escapes of docker
 * compose and python-dotenv apply; any other backslash is kept, so that
 * a Windows path or a regular expression survives. Returns 0 with d->p
 * after the closing quote, or -1.
 */
static int
quoted(struct dparse *d)
{
	char q = *d->p++, c;
	int open = d->line;

	for (;;) {
		if (d->p == d->end)
			return derr(d, open,
			    "the %s quote opened on this line is never closed; "
			    "close the value with %c",
			    q == '"' ? "double" : "single", q);
		c = *d->p++;
		if (c == q)
			return 0;
		if (c == '\n')
			d->line++;
		else if (c == '\r' && d->p < d->end && *d->p == '\n')
			continue; /* the LF comes next */
		else if (c == '\\' && q == '"' && d->p < d->end) {
			switch (*d->p) {
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case '"':
			case '\\':
			case '$':
				c = *d->p;
				break;
			default:
				c = 0;
				break;
			}
			if (c != 0) {
				d->p++;
			} else
				c = '\\';
		}
		if (put(d, c) == -1)
			return -1;
	}
}

/* Reads an unquoted value up to the end of the line: a '#' after a blank
 * (or at the start, after "= ") starts a comment; blanks at the end are
 * dropped. spaced says that blanks came between '=' and d->p. */
static int
unquoted(struct dparse *d, int spaced)
{
	const char *s = d->p, *e;

	while (!at_eol(d)) {
		if (*d->p == '#' && (d->p > s ? blank(d->p[-1]) : spaced))
			break;
		d->p++;
	}
	e = d->p;
	while (e > s && (blank(e[-1]) || e[-1] == '\r'))
		e--;
	while (s < e)
		if (put(d, *s++) == -1)
			return -1;
	next_line(d);
	return 0;
}

/* Checks what follows a closing quote: blanks, then the end of the line
 * or a comment. Returns 0 with d->p on the next line, or -1. */
static int
after_quote(struct dparse *d, const char *key, size_t klen)
{
	const char *s;
	size_t n;

	skip_blanks(d);
	if (at_eol(d) || *d->p == '#') {
		next_line(d);
		return 0;
	}
	for (s = d->p, n = 0; s + n < d->end && s[n] != '\n' && s[n] != '\r';)
		n++;
	return derr(d, d->line,
	    "%.*s: text after the closing quote: '%.*s'; put the whole value "
	    "in the quotes, or a space and '#' before a comment",
	    (int)klen, key, (int)(n > SHOW_MAX ? SHOW_MAX : n), s);
}

/* Adds "KEY=VALUE" from key (klen bytes) and the value built in d. */
static int
add(struct dparse *d, const char *key, size_t klen)
{
	char *s;

	if ((s = malloc(klen + 1 + d->vlen + 1)) == NULL)
		return dnomem(d);
	memcpy(s, key, klen);
	s[klen] = '=';
	if (d->vlen > 0)
		memcpy(s + klen + 1, d->val, d->vlen);
	s[klen + 1 + d->vlen] = '\0';
	if (strlist_add(&d->vars, &d->n, s) == -1)
		return dnomem(d);
	return 0;
}

/* Parses one line that is neither blank nor a comment, d->p on its first
 * byte that is not blank. Long because each mistake gets its message. */
static int
assignment(struct dparse *d)
{
	const char *key;
	size_t klen, n;
	int spaced, line = d->line;

	/* "export KEY=value", as a shell would read it */
	if (d->end - d->p > 7 && memcmp(d->p, "export", 6) == 0 &&
	    blank(d->p[6])) {
		d->p += 6;
		skip_blanks(d);
	}
	key = d->p;
	while (d->p < d->end && !blank(*d->p) && *d->p != '=' && !at_eol(d))
		d->p++;
	klen = (size_t)(d->p - key);
	if (klen == 0)
		return derr(
		    d, line, "no variable name before '='; write NAME=value");
	for (n = 0;
	     n < klen && (n == 0 ? name_start(key[n]) : name_char(key[n]));)
		n++;
	if (n < klen)
		return derr(d, line,
		    "'%.*s' is not a valid variable name; use letters, digits "
		    "and '_', not starting with a digit",
		    (int)(klen > SHOW_MAX ? SHOW_MAX : klen), key);
	skip_blanks(d);
	if (d->p == d->end || *d->p != '=')
		return derr(d, line,
		    "no '=' after %.*s; write %.*s=value (%.*s= for an empty "
		    "value)",
		    (int)klen, key, (int)klen, key, (int)klen, key);
	d->p++;
	spaced = d->p < d->end && blank(*d->p);
	skip_blanks(d);
	d->vlen = 0;
	if (d->p < d->end && (*d->p == '\'' || *d->p == '"')) {
		if (quoted(d) == -1 || after_quote(d, key, klen) == -1)
			return -1;
	} else if (unquoted(d, spaced) == -1)
		return -1;
	return add(d, key, klen);
}

/* Compares the names of two "KEY=VALUE" strings (up to '='). */
static int
namecmp(const char *a, const char *b)
{
	while (*a != '\0' && *a != '=' && *a == *b) {
		a++;
		b++;
	}
	return (*a == '=' ? 0 : (unsigned char)*a) -
	    (*b == '=' ? 0 : (unsigned char)*b);
}

/* A variable and where it stands in the file, for dedup(). */
struct slot {
	const char *s;
	size_t pos;
};

/* qsort(3) order of slots: by name, then by position, so that the last
 * of equal names comes last. */
static int
byname(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = namecmp(x->s, y->s);

	return c != 0 ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Drops every variable but the last of each name (docker compose and
 * python-dotenv: the last one wins), keeping the others' order. Sorting
 * keeps it O(n log n) for a file of many keys.
 */
static int
dedup(struct dparse *d)
{
	struct slot *sl;
	size_t i, k;

	if (d->n < 2)
		return 0;
	if ((sl = malloc(d->n * sizeof(*sl))) == NULL)
		return dnomem(d);
	for (i = 0; i < d->n; i++) {
		sl[i].s = d->vars[i];
		sl[i].pos = i;
	}
	qsort(sl, d->n, sizeof(*sl), byname);
	for (i = 0; i + 1 < d->n; i++)
		if (namecmp(sl[i].s, sl[i + 1].s) == 0) {
			free(d->vars[sl[i].pos]);
			d->vars[sl[i].pos] = NULL;
		}
	free(sl);
	for (i = k = 0; i < d->n; i++)
		if (d->vars[i] != NULL)
			d->vars[k++] = d->vars[i];
	d->n = k;
	return 0;
}

int
dotenv_parse(const char *text, size_t len, const char *path, char ***vars,
    size_t *n, char *err)
{
	struct dparse d;
	const char *nul;

	memset(&d, 0, sizeof(d));
	d.p = text;
	d.end = text + len;
	d.path = path;
	d.err = err;
	d.line = 1;
	*vars = NULL;
	*n = 0;
	err[0] = '\0';
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (; d.p < nul; d.p++)
			d.line += *d.p == '\n';
		derr(&d, d.line,
		    "a NUL byte; a dotenv file is text: KEY=value lines");
		goto fail;
	}
	/* A byte order mark, as some Windows editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		d.p += 3;
	while (d.p < d.end) {
		skip_blanks(&d);
		if (at_eol(&d) || *d.p == '#')
			next_line(&d);
		else if (assignment(&d) == -1)
			goto fail;
	}
	if (dedup(&d) == -1)
		goto fail;
	free(d.val);
	*vars = d.vars;
	*n = d.n;
	return 0;
fail:
	free(d.val);
	strlist_free(d.vars, d.n);
	return -1;
}

/* Names a file type for "not a regular file". */
static const char *
ftype(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

int
dotenv_load(const char *path, char ***vars, size_t *n, char *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, e;

	*vars = NULL;
	*n = 0;
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) ==
	    -1) {
		e = errno;
		(void)snprintf(err, DOTENV_ERR_MAX, "%s: cannot read: %s", path,
		    strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		goto fail_read;
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(err, DOTENV_ERR_MAX,
		    "%s: is %s, not a regular file; env_file takes a file of "
		    "KEY=value lines",
		    path, ftype(st.st_mode));
		e = EINVAL;
		goto fail;
	}
	if (st.st_size > DOTENV_SIZE_MAX)
		goto fail_big;
	/* One byte more than the limit, to see a file that grew since. */
	if ((buf = malloc(DOTENV_SIZE_MAX + 1)) == NULL) {
		(void)snprintf(err, DOTENV_ERR_MAX, "%s: out of memory", path);
		e = ENOMEM;
		goto fail;
	}
	while (len <= DOTENV_SIZE_MAX) {
		r = read(fd, buf + len, DOTENV_SIZE_MAX + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail_read;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > DOTENV_SIZE_MAX)
		goto fail_big;
	(void)close(fd);
	if (dotenv_parse(buf, len, path, vars, n, err) == -1) {
		e = errno;
		free(buf);
		errno = e;
		return -1;
	}
	free(buf);
	return 0;
fail_big:
	(void)snprintf(err, DOTENV_ERR_MAX,
	    "%s: more than %d bytes (1 MiB); an env_file holds variables, "
	    "not data: keep large values in a file the program reads",
	    path, DOTENV_SIZE_MAX);
	e = EFBIG;
	goto fail;
fail_read:
	e = errno;
	(void)snprintf(
	    err, DOTENV_ERR_MAX, "%s: cannot read: %s", path, strerror(e));
fail:
	free(buf);
	(void)close(fd);
	errno = e;
	return -1;
}

/* The output of dotenv_diff(): what fits in buf, and whether it was cut. */
struct out {
	char *buf;
	size_t len, off;
	int cut;
};

/* Appends n bytes of s to o, or marks it cut. */
static void
out_add(struct out *o, const char *s, size_t n)
{
	if (o->cut || o->len == 0)
		return;
	if (o->off + n + 1 > o->len) {
		o->cut = 1;
		return;
	}
	memcpy(o->buf + o->off, s, n);
	o->off += n;
	o->buf[o->off] = '\0';
}

/* Appends the group of the k names of v (sorted) and its verb. */
static void
out_group(struct out *o, char *const *v, size_t k, const char *verb)
{
	size_t i;

	if (k == 0)
		return;
	if (o->off > 0)
		out_add(o, "; ", 2);
	for (i = 0; i < k; i++) {
		if (i > 0)
			out_add(o, ", ", 2);
		out_add(o, v[i], strcspn(v[i], "="));
	}
	out_add(o, " ", 1);
	out_add(o, verb, strlen(verb));
}

/* qsort(3) order of "KEY=VALUE" strings by name. */
static int
strbyname(const void *a, const void *b)
{
	return namecmp(*(char *const *)a, *(char *const *)b);
}

int
dotenv_diff(char *const *old, size_t nold, char *const *cur, size_t ncur,
    char *buf, size_t len)
{
	struct out o = {buf, len, 0, 0};
	char **a = NULL, **b = NULL, **grp = NULL;
	size_t i = 0, j = 0, nch = 0, nadd = 0, nrm = 0, total;
	int c;

	if (len > 0)
		buf[0] = '\0';
	if ((a = malloc((nold + 1) * sizeof(*a))) == NULL ||
	    (b = malloc((ncur + 1) * sizeof(*b))) == NULL ||
	    (grp = calloc(nold + ncur + 1, sizeof(*grp))) == NULL) {
		free(a);
		free(b);
		errno = ENOMEM;
		return -1;
	}
	if (nold > 0)
		memcpy(a, old, nold * sizeof(*a));
	if (ncur > 0)
		memcpy(b, cur, ncur * sizeof(*b));
	qsort(a, nold, sizeof(*a), strbyname);
	qsort(b, ncur, sizeof(*b), strbyname);
	/* One merge of the sorted lists; grp collects each group in turn:
	 * changed from the front, removed from the back, added after. */
	while (i < nold || j < ncur) {
		c = i == nold ? 1 : j == ncur ? -1 : namecmp(a[i], b[j]);
		if (c == 0) {
			if (strcmp(a[i], b[j]) != 0)
				grp[nch++] = a[i];
			i++;
			j++;
		} else if (c < 0) {
			grp[nold + ncur - ++nrm] = a[i++];
		} else
			b[nadd++] = b[j++]; /* compacted in place, in order */
	}
	out_group(&o, grp, nch, "changed");
	out_group(&o, b, nadd, "added");
	/* the removed ones were stored backwards from the end */
	for (i = 0; i < nrm / 2; i++) {
		char *t = grp[nold + ncur - nrm + i];

		grp[nold + ncur - nrm + i] = grp[nold + ncur - 1 - i];
		grp[nold + ncur - 1 - i] = t;
	}
	out_group(&o, grp + nold + ncur - nrm, nrm, "removed");
	if (o.cut && len >= 4)
		memcpy(buf + (o.off + 4 <= len ? o.off : len - 4), "...", 4);
	else if (o.cut && len > 0)
		buf[0] = '\0';
	total = nch + nadd + nrm;
	free(a);
	free(b);
	free(grp);
	return (int)total;
}
