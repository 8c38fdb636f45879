/* SPDX-License-Identifier: ISC */
/* replay.c: a main() for a fuzz target without libFuzzer: runs each input
 * of the committed corpus once, so that make check replays the seeds and
 * every regression input with the ordinary compiler (and, in make
 * check-asan, under ASan and UBSan). */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "build with -DFUZZ_NAME=\"target\""
#endif

/* An input that runs longer is a hang, as for make fuzz (-timeout=10):
 * the replay fails instead of holding make check. */
#define REPLAY_TIMEOUT 10

/* What the SIGALRM handler writes: set before each input. */
static char replay_hang[4200];
static size_t replay_hanglen;

static void
replay_alarm(int signo)
{
	(void)signo;
	(void)write(STDERR_FILENO, replay_hang, replay_hanglen);
	_exit(1);
}

/* Reads the file at path into a malloc'ed buffer of exactly its size (so
 * that ASan sees a read past the end), stored in *bufp and *lenp. Returns
 * 0, or -1 with errno. */
static int
replay_read(const char *path, uint8_t **bufp, size_t *lenp)
{
	FILE *f;
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0, r;
	int e;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		if ((r = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += r;
	}
	if (ferror(f))
		goto fail;
	(void)fclose(f);
	/* An exact-size copy; malloc(0) may return NULL, so keep one byte. */
	if ((nb = malloc(len ? len : 1)) == NULL) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	if (len > 0)
		memcpy(nb, buf, len);
	free(buf);
	*bufp = nb;
	*lenp = len;
	return 0;
fail:
	e = errno;
	(void)fclose(f);
	free(buf);
	errno = e;
	return -1;
}

/* Runs the file at path through the target. Returns 0, or -1 when it
 * cannot be read (the message has been written). */
static int
replay_file(const char *path)
{
	uint8_t *buf;
	size_t len;

	if (replay_read(path, &buf, &len) == -1) {
		(void)fprintf(stderr, "replay %s: %s: %s\n", FUZZ_NAME, path,
		    strerror(errno));
		return -1;
	}
	(void)snprintf(replay_hang, sizeof(replay_hang),
	    "replay %s: %s: more than %d s: a hang\n", FUZZ_NAME, path,
	    REPLAY_TIMEOUT);
	replay_hanglen = strlen(replay_hang);
	(void)alarm(REPLAY_TIMEOUT);
	(void)LLVMFuzzerTestOneInput(buf, len);
	(void)alarm(0);
	free(buf);
	return 0;
}

/* Runs every regular file in dir (or dir itself, if it is a file). Adds
 * the number run to *count. Returns 0, or -1 on an error (reported). A
 * missing dir is no error when optional is set. */
static int
replay_path(const char *dir, int optional, size_t *count)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int status = 0;

	if (stat(dir, &st) == -1) {
		if (optional && errno == ENOENT)
			return 0;
		(void)fprintf(stderr, "replay %s: %s: %s\n", FUZZ_NAME, dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(dir) == -1)
			return -1;
		(*count)++;
		return 0;
	}
	if ((d = opendir(dir)) == NULL) {
		(void)fprintf(stderr, "replay %s: %s: %s\n", FUZZ_NAME, dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) == -1)
			status = -1;
		else
			(*count)++;
	}
	(void)closedir(d);
	return status;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	size_t count = 0;
	int i, status = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = replay_alarm;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	(void)LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_path(argv[i], 0, &count) == -1)
				status = 1;
	} else {
		/* Run from the repo top, as make check does. */
		if (replay_path("tests/fuzz/corpus/" FUZZ_NAME, 0, &count) ==
			-1 ||
		    replay_path("tests/fuzz/regress/" FUZZ_NAME, 1, &count) ==
			-1)
			status = 1;
		if (count == 0) {
			(void)fprintf(stderr,
			    "replay %s: no input in tests/fuzz/corpus/%s\n",
			    FUZZ_NAME, FUZZ_NAME);
			status = 1;
		}
	}
	(void)printf("replay %s: %zu inputs%s\n", FUZZ_NAME, count,
	    status ? ", with errors" : ", no finding");
	return status;
}
