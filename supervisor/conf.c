/* SPDX-License-Identifier: ISC */
/* conf.c: reads a ports.ini: the file opened with care (a regular file
 * of at most 1 MiB, without blocking), then parsed (conf_ini.c). */

#define _XOPEN_SOURCE 700 /* realpath(3) is XSI in POSIX.1-2008 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"

/* The largest ports.ini read; a bigger file is surely not one. */
#define CONF_FILE_MAX (1024 * 1024)

/* Returns the directory part of path as a new string ("." when there is
 * none), or NULL with ENOMEM. */
static char *
path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (slash == NULL)
		return strdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	n = slash == path ? 1 : (size_t)(slash - path);
	if ((d = malloc(n + 1)) != NULL) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

int
conf_file_set(struct conf *c, const char *path, int canon, char *err)
{
	char *d = NULL, *cwd = NULL;

	free(c->file);
	free(c->dir);
	c->dir = NULL;
	if ((c->file = strdup(path)) == NULL || (d = path_dir(path)) == NULL)
		goto nomem;
	if (canon) {
		if ((c->dir = realpath(d, NULL)) == NULL) {
			msgf(err, "%s: cannot find its directory: %s", path,
			    strerror(errno));
			free(d);
			return -1;
		}
	} else {
		if ((cwd = cwd_get()) == NULL) {
			msgf(err, "%s: cannot find the current directory: %s",
			    path, strerror(errno));
			free(d);
			return -1;
		}
		if ((c->dir = path_resolve(cwd, d)) == NULL)
			goto nomem;
	}
	free(cwd);
	free(d);
	return 0;
nomem:
	free(cwd);
	free(d);
	msgf(err, "%s: out of memory", path);
	return -1;
}

FILE *
conf_fopen(const char *path, char *err)
{
	struct stat st;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		msgf(err,
		    "%s: not a regular file; give the path of a ports.ini "
		    "file",
		    path);
		goto fail;
	}
	if (st.st_size > CONF_FILE_MAX) {
		msgf(err,
		    "%s: %lld bytes, more than the %d a ports.ini may have; "
		    "is it the right file?",
		    path, (long long)st.st_size, CONF_FILE_MAX);
		goto fail;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		msgf(err, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	return f;
fail:
	(void)close(fd);
	return NULL;
}

int
conf_load(struct conf *c, const char *path, char *err)
{
	FILE *f;
	int r;

	if ((f = conf_fopen(path, err)) == NULL)
		return -1;
	if (conf_file_set(c, path, 1, err) == -1) {
		(void)fclose(f);
		return -1;
	}
	r = ini_run(c, f, NULL, err);
	(void)fclose(f);
	return r;
}

int
conf_load_string(struct conf *c, const char *text, const char *path, char *err)
{
	if (conf_file_set(c, path, 0, err) == -1)
		return -1;
	return ini_run(c, NULL, text, err);
}
