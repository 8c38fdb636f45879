/* SPDX-License-Identifier: ISC */
/* bench_scale.c: hp-bench's scale measurements: idle cost over a watched
 * tree, watch setup and event latency by tree size, many held sockets. */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define SEC 1000000 /* µs */
#define IDLE_MAX 16 /* instances of one idle run */
#define WATCH_DEBOUNCE_MS 20 /* debounce of the watch-scale runs */
#define WATCH_EVENTS 10 /* events timed per watch-scale run */
#define SOCK_RELOADS 10 /* reloads timed per socket-scale run */

/* Context switches of pid so far, voluntary and not, or -1. */
static long
csw(pid_t pid)
{
	long v = proc_value(pid, "voluntary_ctxt_switches", 0);
	long nv = proc_value(pid, "nonvoluntary_ctxt_switches", 0);

	return v < 0 || nv < 0 ? -1 : v + nv;
}

/* Waits for holdports -v to say how many watches it set: "holdports: N
 * watches". Returns the index of that line, or -1 after 120 s. */
static long
watched(struct bproc *hp, long *count)
{
	long i;

	if ((i = bp_wait(hp, " watches", 1, now_us() + 120 * SEC)) == -1)
		return -1;
	if (sscanf(hp->lines[i].text, "holdports: %ld watches", count) != 1)
		*count = -1;
	return i;
}

/*
 * Idle cost. n instances run side by side on the same tree (idle
 * processes do not disturb each other, and one 10 s window serves all n
 * repetitions); each is sampled once its watches are set and 1 s has
 * passed, and again secs later: CPU ticks and context switches, of the
 * supervisor and of its (idle) child.
 */
int
cmd_idle(const struct paths *P, const char *tree, long n, long secs)
{
	struct bproc hp[IDLE_MAX];
	long cpid[IDLE_MAX], w[IDLE_MAX], t0[IDLE_MAX], c0[IDLE_MAX];
	long cc0[IDLE_MAX];
	struct av a = {0};
	int port;
	long i;

	if (n < 1 || n > IDLE_MAX)
		die(0, "idle: 1 to %d instances", IDLE_MAX);
	av_add(&a, "%s", P->holdports);
	av_add(&a, "-v");
	av_add(&a, "-w");
	av_add(&a, "%s", tree);
	av_add(&a, "-l");
	av_add(&a, "127.0.0.1:0=http");
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	for (i = 0; i < n; i++) {
		if (bp_up(&hp[i], &a, "http", &port, &cpid[i]) == -1 ||
		    watched(&hp[i], &w[i]) == -1)
			die(0, "idle: instance %ld did not start", i);
	}
	for (i = 0; i < n; i++)
		(void)bp_pump(&hp[i], now_us() + SEC / n);
	for (i = 0; i < n; i++) {
		t0[i] = proc_ticks(hp[i].pid);
		c0[i] = csw(hp[i].pid);
		cc0[i] = csw((pid_t)cpid[i]);
	}
	sleep_us(secs * SEC);
	for (i = 0; i < n; i++)
		(void)printf("ticks=%ld csw=%ld child_csw=%ld watches=%ld "
			     "secs=%ld\n",
		    proc_ticks(hp[i].pid) - t0[i], csw(hp[i].pid) - c0[i],
		    csw((pid_t)cpid[i]) - cc0[i], proc_inotify(hp[i].pid),
		    secs);
	for (i = 0; i < n; i++) {
		(void)bp_stop(&hp[i], SIGTERM);
		bp_free(&hp[i]);
	}
	av_free(&a);
	return 0;
}

/*
 * Watch scale on a tree of ndirs watched directories (and ignored
 * node_modules folders): the time from the child's start to the end of
 * the watch walk (the supervisor starts the child first, then walks), the
 * time from exec, the kernel's watch count, and the time from a file
 * write deep in the tree to the first reply of the new child, less the
 * debounce.
 */
int
cmd_watch(const struct paths *P, const char *tree, long ndirs)
{
	char path[4200], text[32];
	double lat[WATCH_EVENTS], worst = 0;
	struct bproc hp;
	struct av a = {0};
	int64_t t0, t1, texec;
	long is, iw, cur, count, j, idx;
	int port;

	av_add(&a, "%s", P->holdports);
	av_add(&a, "-v");
	av_add(&a, "-d");
	av_add(&a, "%dms", WATCH_DEBOUNCE_MS);
	av_add(&a, "-i");
	av_add(&a, "node_modules");
	av_add(&a, "-w");
	av_add(&a, "%s", tree);
	av_add(&a, "-l");
	av_add(&a, "127.0.0.1:0=http");
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	texec = now_us();
	if (bp_up(&hp, &a, "http", &port, &cur) == -1 ||
	    (iw = watched(&hp, &count)) == -1)
		die(0, "watch: holdports did not start");
	is = bp_wait(&hp, "started pid ", 1, now_us());
	(void)bp_pump(&hp, now_us() + 200000);
	for (j = 0; j < WATCH_EVENTS; j++) {
		idx = ndirs - 1 - j * (ndirs / WATCH_EVENTS);
		tree_path(path, sizeof(path) - 8, tree, idx);
		(void)strcat(path, "/f0.c");
		(void)snprintf(text, sizeof(text), "int %ld;\n", j % 10);
		t0 = now_us();
		if (write_file(path, text) == -1)
			die(1, "%s", path);
		(void)bp_pump(&hp, t0 + (WATCH_DEBOUNCE_MS - 2) * 1000);
		if ((cur = probe_until(port, cur, t0 + 10 * SEC, &hp, &t1)) ==
		    -1) {
			bp_dump(&hp, 10);
			die(0, "watch: no reload after a write of %s", path);
		}
		lat[j] = (double)(t1 - t0) / 1000 - WATCH_DEBOUNCE_MS;
		if (lat[j] > worst)
			worst = lat[j];
		if (bp_wait(&hp, "restarted pid", (size_t)j + 1,
			now_us() + 10 * SEC) == -1)
			die(0, "watch: reload %ld not logged", j + 1);
		(void)bp_pump(&hp, now_us() + 5000);
	}
	(void)printf("dirs=%ld setup_ms=%.1f total_ms=%.1f watches=%ld "
		     "fdinfo=%ld event_ms=%.2f event_max=%.2f\n",
	    ndirs, (double)(hp.lines[iw].us - hp.lines[is].us) / 1000,
	    (double)(hp.lines[iw].us - texec) / 1000, count,
	    proc_inotify(hp.pid), pct(lat, WATCH_EVENTS, 50), worst);
	(void)bp_stop(&hp, SIGTERM);
	bp_free(&hp);
	av_free(&a);
	return 0;
}

/* What one socket-scale instance measured. */
struct socks_res {
	int accepted; /* holdports started the child */
	int exit; /* holdports' exit status when it did not */
	double start_ms, reload_ms, reload_max;
	long fds; /* the supervisor's open descriptors */
};

/*
 * One instance with n sockets "s0".."s<n-1>" on 127.0.0.1, which the
 * child checks with hp_listen_fds_with_names() before it serves. The
 * start time runs from exec to the first reply on the last socket; each
 * reload from SIGHUP to the new child's first reply there. When holdports
 * refuses n (or its child cannot start), r->accepted is 0 and its lines
 * go to stderr, "hp-bench: socks N: ..."; returns 0 either way.
 */
static int
socks_once(const struct paths *P, long n, struct socks_res *r)
{
	double rel[SOCK_RELOADS];
	struct bproc hp;
	struct av a = {0};
	int64_t t0, t1;
	char name[32];
	long i, cur;
	int port;

	memset(r, 0, sizeof(*r));
	av_add(&a, "%s", P->holdports);
	for (i = 0; i < n; i++) {
		av_add(&a, "-l");
		av_add(&a, "127.0.0.1:0=s%ld", i);
	}
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	av_add(&a, "-c");
	av_add(&a, "%ld", n);
	t0 = now_us();
	if (bp_spawn(&hp, a.v, 0) == -1)
		die(1, "start holdports");
	(void)snprintf(name, sizeof(name), "s%ld", n - 1);
	if (bp_wait(&hp, "started pid ", 1, now_us() + 30 * SEC) == -1 ||
	    (port = bp_port(&hp, name)) <= 0 ||
	    (cur = probe_until(port, 0, t0 + 30 * SEC, &hp, &t1)) == -1) {
		r->exit = bp_stop(&hp, SIGTERM);
		r->exit = WIFEXITED(r->exit) ? WEXITSTATUS(r->exit) : -1;
		for (i = 0; i < (long)hp.nlines; i++)
			if (strstr(hp.lines[i].text, " listening on ") == NULL)
				(void)fprintf(stderr,
				    "hp-bench: socks %ld: %s\n", n,
				    hp.lines[i].text);
		bp_free(&hp);
		av_free(&a);
		return 0;
	}
	r->accepted = 1;
	r->start_ms = (double)(t1 - t0) / 1000;
	(void)bp_pump(&hp, now_us() + 100000);
	for (i = 0; i < SOCK_RELOADS; i++) {
		t0 = now_us();
		(void)kill(hp.pid, SIGHUP);
		if ((cur = probe_until(port, cur, t0 + 10 * SEC, &hp, &t1)) ==
		    -1) {
			bp_dump(&hp, 10);
			die(0, "socks %ld: reload %ld: no new child", n, i + 1);
		}
		rel[i] = (double)(t1 - t0) / 1000;
		if (bp_wait(&hp, "restarted pid", (size_t)i + 1,
			now_us() + 10 * SEC) == -1)
			die(0, "socks %ld: reload %ld not logged", n, i + 1);
		(void)bp_pump(&hp, now_us() + 5000);
	}
	r->reload_ms = pct(rel, SOCK_RELOADS, 50);
	r->reload_max = pct(rel, SOCK_RELOADS, 100);
	r->fds = proc_nfds(hp.pid);
	(void)bp_stop(&hp, SIGTERM);
	bp_free(&hp);
	av_free(&a);
	return 0;
}

/*
 * Socket scale: an instance of n sockets, and one of a single socket in
 * the same run for the ratios, under a soft descriptor limit of limit
 * (set here, inherited by holdports; 0 leaves it), as a desktop session
 * gives every process (1024 on most). Prints accepted=0 and holdports'
 * exit status when it refuses n.
 */
int
cmd_socks(const struct paths *P, long n, long limit)
{
	struct socks_res one, r;
	struct rlimit rl;

	if (limit > 0) {
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			die(1, "getrlimit");
		rl.rlim_cur =
		    (rlim_t)limit < rl.rlim_max ? (rlim_t)limit : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			die(1, "setrlimit");
	}
	(void)socks_once(P, 1, &one);
	if (!one.accepted)
		die(0, "socks: one socket did not work");
	(void)socks_once(P, n, &r);
	(void)printf("one_start_ms=%.2f one_reload_ms=%.2f ", one.start_ms,
	    one.reload_ms);
	if (!r.accepted) {
		(void)printf("accepted=0 exit=%d\n", r.exit);
		return 0;
	}
	(void)printf("accepted=1 start_ms=%.2f reload_ms=%.2f reload_max=%.2f "
		     "fds=%ld start_ratio=%.2f reload_ratio=%.2f\n",
	    r.start_ms, r.reload_ms, r.reload_max, r.fds,
	    r.start_ms / one.start_ms, r.reload_ms / one.reload_ms);
	return 0;
}
