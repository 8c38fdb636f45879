/* SPDX-License-Identifier: ISC */
/* bench.h: what the parts of hp-bench share: started processes and their
 * timed output lines, probes of a port, /proc readers and statistics. */

#ifndef HP_BENCH_H
#define HP_BENCH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* Where the programs under test are; absolute paths. */
struct paths {
	const char *holdports;
	const char *child; /* tests/bench/bench-child */
	const char *load; /* tests/bench/bench-load */
	const char *baseline; /* tests/bench/baseline.sh */
	const char *floor; /* tests/bench/bench-floor */
	const char *starter; /* Server::Starter's start_server, or NULL */
	const char *wrk; /* wrk, or NULL when it is not installed */
	const char *tmp; /* a scratch directory of this run */
	const char *conf; /* -c: a ports.ini each holdports reads first (the
			     command line wins), or NULL */
};

/* One line a started process wrote, and when it arrived (µs). */
struct line {
	int64_t us;
	char *text;
};

/* A process we started, with its stderr (and stdout if asked) read
 * through a pipe line by line. */
struct bproc {
	pid_t pid; /* 0 once reaped */
	int fd; /* read end of the pipe; -1 at end of file */
	int status; /* from waitpid(2), once reaped */
	char part[4096]; /* an incomplete line */
	size_t plen;
	struct line *lines;
	size_t nlines, cap;
};

/* A growing argument vector; every string is owned. */
struct av {
	char **v;
	size_t n, cap;
};

/* Outcomes of one request, as the load client counts them. */
enum probe_out {
	PR_OK,
	PR_REFUSED,
	PR_RESET,
	PR_TIMEOUT,
	PR_OTHER
};

/* bench_util.c */

/* CLOCK_MONOTONIC in microseconds. */
int64_t now_us(void);

/* Sleeps for us microseconds (restarting after a signal). */
void sleep_us(int64_t us);

/* Prints "hp-bench: MESSAGE" (and strerror(errno) if err) to stderr and
 * exits 1 after stopping every process started through bp_spawn(). */
void die(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Adds a printf-formatted, owned string to a. Exits on ENOMEM. */
void av_add(struct av *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees every string of a and a itself (which is reset). */
void av_free(struct av *a);

/*
 * Starts argv (NULL-terminated, argv[0] a path) with its stderr on a pipe
 * we read, and its stdout too when out is set (else on /dev/null); stdin is
 * /dev/null. The pid is remembered so that die() and a signal stop it.
 * Returns 0, or -1 with errno.
 */
int bp_spawn(struct bproc *p, char *const argv[], int out);

/* Reads whatever p wrote until deadline (µs of now_us()) or end of file,
 * splitting it into timed lines. Returns 0, or -1 at end of file. */
int bp_pump(struct bproc *p, int64_t deadline);

/* Counts the lines of p that contain needle. */
size_t bp_count(const struct bproc *p, const char *needle);

/* Waits until at least nth lines of p contain needle, or until deadline.
 * Returns the index of the nth such line, or -1 (time-out, or p ended). */
long bp_wait(struct bproc *p, const char *needle, size_t nth, int64_t deadline);

/* The port holdports printed for socket name ("NAME listening on
 * 127.0.0.1:PORT (fd N)"), or -1. */
int bp_port(const struct bproc *p, const char *name);

/* Sends sig to p, waits up to 10 s (reading its output) for it to exit,
 * then SIGKILL; reaps it. Returns its wait status. */
int bp_stop(struct bproc *p, int sig);

/* Prints the last n lines of p to stderr, for a failure. */
void bp_dump(const struct bproc *p, size_t n);

/* Starts a.v (holdports, or the baseline script, which prints the same
 * "started pid N" line), waits for its child to answer on the port of
 * socket sock (or on *port when sock is NULL), and stores the port and the
 * child's pid. Returns 0, or -1 after printing p's last lines. */
int bp_up(
    struct bproc *p, struct av *a, const char *sock, int *port, long *cpid);

/* Frees the lines of p. */
void bp_free(struct bproc *p);

/* Registers pid (a process this run started) to be stopped by die(), or
 * forgets it. */
void track(pid_t pid, int add);

/* Installs the SIGINT/SIGTERM/SIGHUP handling of hp-bench: stop every
 * tracked process, then exit. */
void track_signals(void);

/* One request to 127.0.0.1:port: connect, "GET / HTTP/1.0", read the
 * reply to its end. Returns PR_OK and the pid from the body in *pid, or
 * the failure. */
enum probe_out probe(int port, int timeout_ms, long *pid);

/* Probes until a reply comes from a pid other than not (0: any) or until
 * deadline; meanwhile reads p's output if p is not NULL. Returns the pid,
 * or -1 on time-out. *when (if not NULL) gets the time of the reply. */
long probe_until(
    int port, long not, int64_t deadline, struct bproc *p, int64_t *when);

/* A value from /proc/PID/status ("VmRSS", "voluntary_ctxt_switches"),
 * or from /proc/PID/smaps_rollup when rollup is set ("Pss"), in its
 * units (kB), or -1. */
long proc_value(pid_t pid, const char *key, int rollup);

/* utime + stime of pid in clock ticks, or -1. */
long proc_ticks(pid_t pid);

/* Inotify watches held by pid (lines "inotify wd:" of the fdinfo of its
 * inotify descriptors), or -1. */
long proc_inotify(pid_t pid);

/* Open descriptors of pid, or -1. */
long proc_nfds(pid_t pid);

/* The p-th percentile (0..100, nearest rank; 50: the median, the mean of
 * the middle two for an even n) of v[0..n-1], which it sorts. */
double pct(double *v, size_t n, double p);

/* A port free on 127.0.0.1 at this moment, for the baseline that binds
 * its own (check-then-use, racy: acceptable for a benchmark, which is why
 * holdports never does it). Returns the port or -1. */
int free_port(void);

/* Writes text to path from its start, creating it if need be, and closes
 * it (the close is the event a watcher sees). It does not truncate: on
 * ext4, O_TRUNC of a file with data took up to 0.5 ms a file here, which
 * would be timed as the supervisor's. Callers write texts of one length.
 * Returns 0 or -1 with errno. */
int write_file(const char *path, const char *text);

/* Path of directory i of a generated tree (bench_tree.c's shape) under
 * root into buf. */
void tree_path(char *buf, size_t len, const char *root, long i);

/* bench_tree.c */

/* Generates under root ndirs watched directories (root included) in a
 * 10-ary tree, nfiles files in each, and with with_ignored a node_modules
 * folder of 25 directories (2 files each) under every 100th directory.
 * Prints "dirs= ignored= files=". Returns 0 or -1 with errno. */
int tree_make(const char *root, long ndirs, long nfiles, int with_ignored);

/* bench_scale.c: each prints one line of key=value pairs (idle: one per
 * instance) and returns the exit status. */

/* Idle cost: n instances watching tree, each sampled over secs idle. */
int cmd_idle(const struct paths *P, const char *tree, long n, long secs);

/* Watch scale: setup time, watch count and event latency on tree (made by
 * tree_make() with ndirs directories). */
int cmd_watch(const struct paths *P, const char *tree, long ndirs);

/* Socket scale: n held sockets checked by the child, under a soft
 * descriptor limit of limit (0: as inherited); start and reload times,
 * next to those of one socket in the same run, or the refusal. */
int cmd_socks(const struct paths *P, long n, long limit);

#endif
