/* SPDX-License-Identifier: ISC */
/* ignore.c: the .gitignore files of one directory tree, and git's rules
 * for matching a path against them (gitignore(5)). */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "watch.h"

/* A .gitignore bigger than this is refused (EFBIG): it is a mistake, and
 * every path would be matched against all of it. */
#define IGNORE_SIZE_MAX (1024 * 1024)

/* One pattern line of a .gitignore, compiled. */
struct rule {
	char **comps; /* the pattern split at '/'; one allocation with its
			 strings */
	size_t ncomps;
	int negate; /* "!": re-includes what an earlier rule excluded */
	int dironly; /* a trailing '/': matches directories only */
	int anchored; /* a '/' at the start or in the middle: matched against
			 the path relative to the file's directory, else
			 against the last component at any depth */
};

/* One .gitignore file. */
struct ignore_file {
	char *dir; /* its directory relative to the top, "" for the top */
	size_t dirlen;
	char *text; /* its contents, to tell whether a reload changed it */
	size_t textlen;
	struct rule *rules;
	size_t nrules;
};

struct ignore {
	char *top; /* the directory the tree starts at */
	struct ignore_file *files; /* sorted by dir, as memcmp(3) orders them */
	size_t nfiles;
	char *buf; /* scratch: the path of a query, split at '/' */
	size_t bufcap;
	char **comps; /* scratch: its components */
	size_t compcap;
};

/* Returns the number of n bytes at s that remain once trailing spaces
 * are cut. A space escaped with '\' stays (gitignore(5): "Trailing spaces
 * are ignored unless they are quoted with backslash"); only ' ' is cut,
 * as git does, not tabs. */
static size_t
trim_spaces(const char *s, size_t n)
{
	size_t i, keep = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			keep = i + 1;
		} else if (s[i] != ' ') {
			keep = i + 1;
		}
	}
	return keep;
}

/*
 * Compiles the line s of n bytes (without its newline) into r. Returns 1,
 * 0 for a line that holds no pattern (blank, a comment, "!" or "/"
 * alone), or -1 with errno ENOMEM. "\#" and "\!" stay escaped: fnmatch(3)
 * reads them as the plain characters.
 */
static int
rule_parse(const char *s, size_t n, struct rule *r)
{
	size_t i, k, nc = 1;
	char *p;

	memset(r, 0, sizeof(*r));
	if (n > 0 && s[n - 1] == '\r') /* git drops the CR of a CRLF line */
		n--;
	if (n == 0 || s[0] == '#')
		return 0;
	n = trim_spaces(s, n);
	if (n > 0 && s[0] == '!') {
		r->negate = 1;
		s++;
		n--;
	}
	if (n > 0 && s[n - 1] == '/') {
		r->dironly = 1;
		n--;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '/')
			nc++;
	r->anchored = nc > 1;
	if (n > 0 && s[0] == '/') {
		s++;
		n--;
		nc--;
	}
	if (n == 0)
		return 0;
	/* the pointer array, then the components, NUL-terminated */
	if ((r->comps = malloc(nc * sizeof(char *) + n + 1)) == NULL)
		return -1;
	p = (char *)(r->comps + nc);
	memcpy(p, s, n);
	p[n] = '\0';
	r->comps[0] = p;
	for (i = 0, k = 1; i < n; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			r->comps[k++] = p + i + 1;
		}
	r->ncomps = nc;
	return 1;
}

/* Frees the rules and strings of the .gitignore file f, not f itself. */
static void
ignore_file_free(struct ignore_file *f)
{
	size_t i;

	for (i = 0; i < f->nrules; i++)
		free(f->rules[i].comps);
	free(f->rules);
	free(f->text);
	free(f->dir);
}

/* Compiles text (len bytes) into a new rule array *rulesp of *np rules
 * (NULL and 0 when it holds none). A UTF-8 byte order mark is skipped, as
 * git does. Returns 0 or -1 with errno ENOMEM and nothing allocated. */
static int
rules_compile(const char *text, size_t len, struct rule **rulesp, size_t *np)
{
	struct rule *rules = NULL, *nr;
	size_t n = 0, cap = 0, i;
	const char *s = text, *end = text + len, *nl;
	int r;

	*rulesp = NULL;
	*np = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	for (; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (n == cap) {
			if ((nr = grow(rules, &cap, n + 1, sizeof(*nr))) ==
			    NULL)
				goto fail;
			rules = nr;
		}
		if ((r = rule_parse(s, (size_t)(nl - s), &rules[n])) == -1)
			goto fail;
		n += (size_t)r;
	}
	*rulesp = rules;
	*np = n;
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(rules[i].comps);
	free(rules);
	errno = ENOMEM;
	return -1;
}

/* Returns the index in ig->files of the file of directory dir (len bytes,
 * not NUL-terminated), or where it would go, with *found set. */
static size_t
file_find(const struct ignore *ig, const char *dir, size_t len, int *found)
{
	size_t lo = 0, hi = ig->nfiles, mid, n;
	const struct ignore_file *f;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		f = &ig->files[mid];
		n = f->dirlen < len ? f->dirlen : len;
		if ((c = memcmp(f->dir, dir, n)) == 0)
			c = f->dirlen < len ? -1 : f->dirlen > len;
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ignore *
ignore_new(const char *top)
{
	struct ignore *ig;

	if ((ig = calloc(1, sizeof(*ig))) == NULL)
		return NULL;
	if ((ig->top = strdup(top)) == NULL) {
		free(ig);
		errno = ENOMEM;
		return NULL;
	}
	return ig;
}

void
ignore_free(struct ignore *ig)
{
	size_t i;

	if (ig == NULL)
		return;
	for (i = 0; i < ig->nfiles; i++)
		ignore_file_free(&ig->files[i]);
	free(ig->files);
	free(ig->buf);
	free(ig->comps);
	free(ig->top);
	free(ig);
}

/*
 * Replaces the rules of directory dir with those of text. The old rules
 * stay in force until the new ones are compiled, so running out of memory
 * changes nothing. An unchanged text is not compiled again.
 */
int
ignore_set(struct ignore *ig, const char *dir, const char *text, size_t len)
{
	size_t dirlen = strlen(dir), i;
	struct ignore_file nf, *f;
	int found;

	i = file_find(ig, dir, dirlen, &found);
	if (text == NULL) {
		if (!found)
			return 0;
		ignore_file_free(&ig->files[i]);
		memmove(&ig->files[i], &ig->files[i + 1],
		    (ig->nfiles - i - 1) * sizeof(*f));
		ig->nfiles--;
		return 1;
	}
	if (found && ig->files[i].textlen == len &&
	    memcmp(ig->files[i].text, text, len) == 0)
		return 0;
	memset(&nf, 0, sizeof(nf));
	nf.dirlen = dirlen;
	if ((nf.dir = strdup(dir)) == NULL ||
	    (nf.text = malloc(len + 1)) == NULL)
		goto nomem;
	memcpy(nf.text, text, len);
	nf.text[len] = '\0';
	nf.textlen = len;
	if (rules_compile(text, len, &nf.rules, &nf.nrules) == -1)
		goto nomem;
	if (found) {
		ignore_file_free(&ig->files[i]);
		ig->files[i] = nf;
		return 1;
	}
	/* one file more: .gitignore files are few and rarely added */
	if ((f = realloc(ig->files, (ig->nfiles + 1) * sizeof(*f))) == NULL)
		goto nomem;
	ig->files = f;
	memmove(&f[i + 1], &f[i], (ig->nfiles - i) * sizeof(*f));
	f[i] = nf;
	ig->nfiles++;
	return 1;
nomem:
	ignore_file_free(&nf);
	errno = ENOMEM;
	return -1;
}

/* Reads all of the open file fd (size bytes by fstat(2)) into a new
 * buffer *textp of *lenp bytes. Returns 0 or -1 with errno. */
static int
read_all(int fd, size_t size, char **textp, size_t *lenp)
{
	size_t len = 0;
	ssize_t n;
	char *text;

	if ((text = malloc(size + 1)) == NULL)
		return -1;
	/* one byte more than fstat said: a file that grew is read short,
	 * which the next change event corrects */
	while (len < size + 1) {
		if ((n = read(fd, text + len, size + 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			free(text);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*textp = text;
	*lenp = len > size ? size : len;
	return 0;
}

int
ignore_load(struct ignore *ig, const char *dir)
{
	struct stat st;
	char *path, *text = NULL;
	size_t len = 0;
	int fd, r, e;

	if ((path = malloc(strlen(ig->top) + strlen(dir) + 13)) == NULL)
		return -1;
	(void)strcpy(path, ig->top);
	if (*dir != '\0')
		(void)strcat(strcat(path, "/"), dir);
	(void)strcat(path, "/.gitignore");
	/* O_NONBLOCK: a FIFO of that name must not stop the supervisor */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	free(path);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ignore_set(ig, dir, NULL, 0);
		return -1;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) { /* not a file: no rules, as for git */
		(void)close(fd);
		return ignore_set(ig, dir, NULL, 0);
	}
	if (st.st_size > IGNORE_SIZE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	if (read_all(fd, (size_t)st.st_size, &text, &len) == -1)
		goto fail;
	(void)close(fd);
	r = ignore_set(ig, dir, text, len);
	e = errno;
	free(text);
	errno = e;
	return r;
fail:
	return close_fail(fd);
}

/*
 * Matches the np pattern components pc against the ns path components
 * sc. A component "**" alone is git's: at the start or in the middle it
 * matches zero or more directories, at the end one or more components
 * (a "**" after "abc/" is everything inside abc, not abc). Any other
 * component goes to fnmatch(3) without flags: it holds no '/', '*'
 * matches a leading '.', and "a**b" is "a*b" (gitignore(5): "Other
 * consecutive asterisks are considered regular asterisks").
 */
static int
comps_match(char *const *pc, size_t np, char *const *sc, size_t ns)
{
	size_t p = 0, s = 0, star = SIZE_MAX, from = 0;

	/*
	 * As a '*' of fnmatch(3) over characters: on a mismatch only the
	 * last "**" met takes one more component, never an earlier one (a
	 * later "**" can take whatever that would have given it), so this
	 * costs at most np * ns fnmatch calls. Trying each split of each
	 * "**" in turn instead is exponential: "**" eight times and a path
	 * 31 deep held the loop 12 s, each "**" more five times as long
	 * (tests/fuzz/regress/gitignore).
	 */
	while (s < ns) {
		if (p < np && strcmp(pc[p], "**") == 0) {
			if (p == np - 1)
				return 1; /* at the end: one or more */
			star = p++;
			from = s;
		} else if (p < np && fnmatch(pc[p], sc[s], 0) == 0) {
			p++;
			s++;
		} else if (star != SIZE_MAX) {
			p = star + 1;
			s = ++from;
		} else
			return 0;
	}
	/* The path is used up: only "**" that may match nothing remain. */
	while (p + 1 < np && strcmp(pc[p], "**") == 0)
		p++;
	return p == np;
}

/* Returns 1 if rule r matches the path of ns components sc (relative to
 * the directory of r's file), a directory if isdir. Else 0. */
static int
rule_match(const struct rule *r, char *const *sc, size_t ns, int isdir)
{
	if (ns == 0 || (r->dironly && !isdir))
		return 0;
	if (!r->anchored)
		return fnmatch(r->comps[0], sc[ns - 1], 0) == 0;
	return comps_match(r->comps, r->ncomps, sc, ns);
}

/* Splits a copy of path at '/' into ig->comps. Returns the number of
 * components, or -1 with errno ENOMEM. Empty components ("a//b") are
 * skipped. */
static ssize_t
path_split(struct ignore *ig, const char *path)
{
	size_t len = strlen(path), n = 0, i;
	char **c;

	if (grow_buf(&ig->buf, &ig->bufcap, len + 1) == -1)
		return -1;
	memcpy(ig->buf, path, len + 1);
	for (i = 0; i <= len; i++) {
		if (ig->buf[i] == '/')
			ig->buf[i] = '\0';
		if (ig->buf[i] == '\0' || (i > 0 && ig->buf[i - 1] != '\0'))
			continue;
		if ((c = grow(ig->comps, &ig->compcap, n + 1, sizeof(*c))) ==
		    NULL)
			return -1;
		ig->comps = c;
		ig->comps[n++] = ig->buf + i;
	}
	return (ssize_t)n;
}

/*
 * gitignore(5): "Patterns read from a .gitignore file in the same
 * directory as the path, or in any parent directory ..., with patterns in
 * the higher level files being overridden by those in lower level files
 * down to the directory containing the file", and within one file "the
 * last matching pattern decides the outcome". So the files are tried from
 * the path's own directory up, each from its last rule back, and the
 * first rule that matches decides.
 */
int
ignore_match(struct ignore *ig, const char *path, int isdir)
{
	const struct ignore_file *f;
	ssize_t n;
	size_t k, j, dirlen;
	int found;

	if (ig == NULL || ig->nfiles == 0)
		return 0;
	if ((n = path_split(ig, path)) <= 0)
		return 0; /* the top itself; out of memory: not ignored */
	for (k = (size_t)n; k-- > 0;) {
		/* the directory of components 0..k-1, as written in path */
		dirlen = k == 0 ? 0 :
				  (size_t)(ig->comps[k - 1] - ig->buf) +
			strlen(ig->comps[k - 1]);
		j = file_find(ig, path, dirlen, &found);
		if (!found)
			continue;
		f = &ig->files[j];
		for (j = f->nrules; j-- > 0;)
			if (rule_match(&f->rules[j], ig->comps + k,
				(size_t)n - k, isdir))
				return !f->rules[j].negate;
	}
	return 0;
}

/* git never looks inside an excluded directory, so nothing under one can
 * be re-included (gitignore(5)). */
int
ignore_excluded(struct ignore *ig, const char *path, int isdir)
{
	char *copy, *slash;
	int r = 0;

	if (ig == NULL || ig->nfiles == 0)
		return 0;
	if ((copy = strdup(path)) == NULL)
		return ignore_match(ig, path, isdir);
	for (slash = strchr(copy, '/'); slash != NULL && !r;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (slash > copy)
			r = ignore_match(ig, copy, 1);
		*slash = '/';
	}
	free(copy);
	return r || ignore_match(ig, path, isdir);
}
