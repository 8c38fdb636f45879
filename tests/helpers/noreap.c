/* SPDX-License-Identifier: ISC */
/* noreap.c: a parent that reaps nothing but its own child, as the init of
 * many containers does, for the tests that a program leaves no zombie
 * behind. */

/*
 * usage: noreap COMMAND [ARG]...
 *
 * Becomes a child subreaper (Linux: prctl(2); orphaned descendants of
 * COMMAND are re-parented to it, as they would be to init), runs COMMAND
 * and waits for it alone. Then, for at most 2 s, waits for every other
 * descendant to end without reaping any: prints "zombie PID (COMM)" for
 * each one left as a zombie and "alive PID (COMM)" for each one still
 * running, and exits 1 if there is any; else exits with COMMAND's status.
 * Exits 3 where it cannot be a subreaper.
 */

#define _GNU_SOURCE /* prctl(2) */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Counts our children other than the reaped one, and with report set
 * prints each: from /proc/PID/stat, "pid (comm) state ppid ...". */
static int
others(int report)
{
	char path[64], buf[512], *p, st;
	struct dirent *de;
	long pid, ppid;
	int n = 0;
	DIR *d;
	FILE *f;
	size_t len;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if ((pid = strtol(de->d_name, &p, 10)) <= 0 || *p != '\0')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %c %ld", &st, &ppid) != 2 ||
		    ppid != (long)getpid())
			continue;
		n++;
		if (report) {
			*p = '\0';
			printf("%s %ld (%s)\n", st == 'Z' ? "zombie" : "alive",
			    pid, strchr(buf, '(') + 1);
		}
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	struct timespec ms10 = {0, 10000000};
	pid_t pid;
	int st, i;

	if (argc < 2) {
		fprintf(stderr, "usage: noreap command [arg]...\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1) {
		perror("noreap: PR_SET_CHILD_SUBREAPER");
		return 3;
	}
	if ((pid = fork()) == -1) {
		perror("noreap: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			perror("noreap: waitpid");
			return 1;
		}
	/* A zombie stays one; what still runs may end meanwhile. */
	for (i = 0; i < 200 && others(0) > 0; i++)
		nanosleep(&ms10, NULL);
	(void)fflush(stdout);
	if (others(1) > 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
