/* SPDX-License-Identifier: ISC */
/* hp-bench.c: the benchmark driver; each subcommand runs one repetition
 * of one measurement against the real holdports and prints its numbers as
 * one line of key=value pairs for run.sh to tabulate. */

#define _XOPEN_SOURCE 700 /* realpath(3), mkdtemp(3), setenv(3) */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define SEC 1000000 /* µs */
#define RELOADS 50 /* per pass of the gap and latency measurements */
/* Per pass against a peer (the floor, Server::Starter): their targets are
 * on the 95th percentile too, which 50 reloads leave to the 3rd-worst
 * one alone. */
#define PEER_RELOADS 200
#define GAP_DEBOUNCE "10ms" /* file trigger of the gap pass */
#define GAP_SETTLE_US 20000 /* between two reloads of the gap pass */
#define LAT_DEBOUNCE_MS 50 /* holdports' default */

/* Makes a fresh directory under P->tmp for one run; dies on failure. */
static void
scratch(const struct paths *P, const char *what, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s/%s.XXXXXX", P->tmp, what);
	if (mkdtemp(buf) == NULL)
		die(1, "mkdtemp %s", buf);
}

/* Adds holdports and the options every run shares to a. */
static void
hp_args(const struct paths *P, struct av *a, const char *watch,
    const char *debounce)
{
	av_add(a, "%s", P->holdports);
	if (P->conf != NULL) {
		av_add(a, "-c");
		av_add(a, "%s", P->conf);
	}
	if (watch != NULL) {
		av_add(a, "-w");
		av_add(a, "%s", watch);
	}
	if (debounce != NULL) {
		av_add(a, "-d");
		av_add(a, "%s", debounce);
	}
	av_add(a, "-l");
	av_add(a, "127.0.0.1:0=http");
}

/* Reads a duration as wrk prints it ("812.00us", "3.21ms", "1.02s") in ms. */
static double
wrk_ms(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (strcmp(end, "us") == 0)
		return v / 1000;
	if (strcmp(end, "ms") == 0)
		return v;
	if (strcmp(end, "s") == 0)
		return v * 1000;
	if (strcmp(end, "m") == 0)
		return v * 60000;
	return -1;
}

/*
 * Prints the gap line from the client's output: bench-load's own line, or
 * wrk's summary mapped to the same keys (connect errors: refused; read and
 * write errors: reset; non-2xx replies: other; Max latency: the stall).
 */
static void
gap_report(const struct bproc *c, int wrk, size_t reloads, double svmax)
{
	long req = -1, conn = 0, rd = 0, wr = 0, to = 0, non2xx = 0;
	double stall = -1;
	char a[64], b[64], m[64];
	const char *s, *t;
	size_t i;

	for (i = 0; i < c->nlines; i++) {
		s = c->lines[i].text;
		if (!wrk && strncmp(s, "made=", 5) == 0) {
			(void)printf("%s reloads=%zu", s, reloads);
			goto sv;
		}
		if ((t = strstr(s, "Socket errors:")) != NULL)
			(void)sscanf(t,
			    "Socket errors: connect %ld, read %ld, write %ld, "
			    "timeout %ld",
			    &conn, &rd, &wr, &to);
		else if ((t = strstr(s, "Non-2xx or 3xx responses:")) != NULL)
			non2xx = strtol(t + 25, NULL, 10);
		else if (strstr(s, " requests in ") != NULL)
			req = strtol(s, NULL, 10);
		else if (sscanf(s, " Latency %63s %63s %63s", a, b, m) == 3)
			stall = wrk_ms(m);
	}
	if (req < 0) {
		(void)fprintf(stderr, "hp-bench: no summary from the client\n");
		bp_dump(c, 20);
		exit(1);
	}
	(void)printf("made=%ld ok=%ld refused=%ld reset=%ld timeout=%ld "
		     "other=%ld stall_ms=%.2f reloads=%zu",
	    req + conn + rd + wr + to, req - non2xx, conn, rd + wr, to, non2xx,
	    stall, reloads);
sv:
	if (svmax >= 0)
		(void)printf(" sv_max_ms=%.0f", svmax);
	(void)printf("\n");
}

/* The longest reload holdports itself logged ("restarted pid N in 3 ms",
 * "ready in 3 ms"; "<1 ms" counts as 0, "1.31 s" as 1310), or -1 for the
 * baseline, which logs no time. */
static double
gap_svmax(const struct bproc *hp)
{
	double max = -1, v;
	const char *s, *t;
	char unit[4];
	size_t i;

	for (i = 0; i < hp->nlines; i++) {
		s = hp->lines[i].text;
		if (strstr(s, "restarted pid") == NULL ||
		    (t = strrchr(s, ' ')) == NULL || t == s)
			continue;
		while (t > s && t[-1] != ' ')
			t--; /* at the number, or "<1" */
		if (*t == '<')
			v = 0;
		else if (sscanf(t, "%lf %3s", &v, unit) != 2)
			continue;
		else if (strcmp(unit, "s") == 0)
			v *= 1000;
		if (v > max)
			max = v;
	}
	return max;
}

/*
 * Reload gap: a client (bench-load's back-to-back new connections, or
 * wrk's 32 keep-alive connections) runs while RELOADS reloads are
 * triggered one after the other, each once the previous one is done and
 * GAP_SETTLE_US later. mode is replace, overlap or baseline (the shell
 * loop that restarts the child without holding the socket).
 */
static int
cmd_gap(const struct paths *P, const char *mode, const char *trig,
    const char *client)
{
	char dir[PATH_MAX], src[PATH_MAX + 16], text[32];
	struct bproc hp, cl;
	struct av a = {0}, ca = {0};
	int port = -1, wrk = strcmp(client, "wrk") == 0;
	int base = strcmp(mode, "baseline") == 0;
	int file = strcmp(trig, "file") == 0;
	size_t i, done = 0;
	long cpid;

	if (wrk && P->wrk == NULL)
		die(0, "gap: wrk is not installed");
	if (base && file)
		die(0, "gap: the baseline reloads on SIGHUP only");
	scratch(P, "gap", dir, sizeof(dir));
	(void)snprintf(src, sizeof(src), "%s/src", dir);
	if (mkdir(src, 0755) == -1)
		die(1, "mkdir %s", src);
	(void)snprintf(src, sizeof(src), "%s/src/main.c", dir);
	if (write_file(src, "00000000\n") == -1)
		die(1, "%s", src);
	if (base) {
		if ((port = free_port()) == -1)
			die(1, "free port");
		av_add(&a, "/bin/sh");
		av_add(&a, "%s", P->baseline);
		av_add(&a, "%s", P->child);
		av_add(&a, "-p");
		av_add(&a, "%d", port);
	} else {
		(void)snprintf(src, sizeof(src), "%s/src", dir);
		hp_args(P, &a, src, GAP_DEBOUNCE);
		if (strcmp(mode, "overlap") == 0) {
			av_add(&a, "--mode");
			av_add(&a, "overlap");
			av_add(&a, "--ready");
			av_add(&a, "notify");
		}
		av_add(&a, "--");
		av_add(&a, "%s", P->child);
		if (strcmp(mode, "overlap") == 0)
			av_add(&a, "-n");
	}
	if (bp_up(&hp, &a, base ? NULL : "http", &port, &cpid) == -1)
		die(0, "gap: %s did not start", mode);

	if (wrk) {
		av_add(&ca, "%s", P->wrk);
		av_add(&ca, "-t1");
		av_add(&ca, "-c32");
		av_add(&ca, "-d120s");
		av_add(&ca, "--timeout");
		av_add(&ca, "5s");
		av_add(&ca, "http://127.0.0.1:%d/", port);
	} else {
		av_add(&ca, "%s", P->load);
		av_add(&ca, "-p");
		av_add(&ca, "%d", port);
		av_add(&ca, "-t");
		av_add(&ca, "120");
	}
	if (bp_spawn(&cl, ca.v, 1) == -1)
		die(1, "start %s", ca.v[0]);
	(void)bp_pump(&hp, now_us() + 300000); /* the client warms up */

	(void)snprintf(src, sizeof(src), "%s/src/main.c", dir);
	for (i = 1; i <= RELOADS; i++) {
		if (file) {
			(void)snprintf(text, sizeof(text), "%08zu\n", i);
			if (write_file(src, text) == -1)
				die(1, "%s", src);
		} else {
			(void)kill(hp.pid, SIGHUP);
		}
		if (bp_wait(&hp, "restarted pid", i, now_us() + 10 * SEC) ==
		    -1) {
			(void)fprintf(stderr,
			    "hp-bench: gap: reload %zu not "
			    "done\n",
			    i);
			bp_dump(&hp, 10);
			break;
		}
		done = i;
		(void)bp_pump(&hp, now_us() + GAP_SETTLE_US);
	}
	(void)bp_pump(&hp, now_us() + 300000);
	(void)bp_stop(&cl, wrk ? SIGINT : SIGTERM);
	(void)bp_stop(&hp, SIGTERM);
	gap_report(&cl, wrk, done, gap_svmax(&hp));
	bp_free(&cl);
	bp_free(&hp);
	av_free(&a);
	av_free(&ca);
	return done == RELOADS ? 0 : 1;
}

/*
 * Triggers one reload (SIGHUP, or a write of path) and returns the time
 * in ms until the first reply from a child other than *cur, which it then
 * updates; -1 on time-out. A file change cannot be served before its
 * debounce has passed, so probing starts 2 ms before that, to leave the
 * old child and the supervisor the CPU meanwhile.
 */
static double
reload_once(struct bproc *hp, int port, long *cur, const char *path, size_t nth)
{
	int64_t t0, t1;
	char text[32];
	long pid;

	t0 = now_us();
	if (path != NULL) {
		(void)snprintf(text, sizeof(text), "%08zu\n", nth);
		if (write_file(path, text) == -1)
			die(1, "%s", path);
		(void)bp_pump(hp, t0 + (LAT_DEBOUNCE_MS - 2) * 1000);
	} else {
		(void)kill(hp->pid, SIGHUP);
	}
	if ((pid = probe_until(port, *cur, t0 + 10 * SEC, hp, &t1)) == -1)
		return -1;
	*cur = pid;
	/* The supervisor's line: this reload is over for it too. */
	if (bp_wait(hp, "restarted pid", nth, now_us() + 10 * SEC) == -1)
		return -1;
	(void)bp_pump(hp, now_us() + 5000);
	return (double)(t1 - t0) / 1000;
}

/*
 * The floor: fork and exec the child (through /bin/sh -c 'exec CHILD' if
 * via_sh, as holdports starts it) with listener lfd as fd 3 and the
 * LISTEN_* variables, and time it until its first reply: no supervisor.
 * Then stops it, and stores in *stop the time from its SIGTERM until it
 * is reaped: the part of a replace-mode reload that belongs to the old
 * child. Returns the floor in ms.
 */
static double
floor_once(const struct paths *P, int lfd, int port, int via_sh, double *stop)
{
	char n[32], cmd[PATH_MAX + 8];
	int64_t t0, t1, t2;
	long got;
	pid_t pid;

	(void)snprintf(cmd, sizeof(cmd), "exec %s", P->child);
	t0 = now_us();
	if ((pid = fork()) == -1)
		die(1, "fork");
	if (pid == 0) {
		/* hp-bench has one thread: setenv() is safe here. */
		(void)snprintf(n, sizeof(n), "%ld", (long)getpid());
		if (dup2(lfd, 3) == -1 || setenv("LISTEN_FDS", "1", 1) == -1 ||
		    setenv("LISTEN_PID", n, 1) == -1 ||
		    setenv("LISTEN_FDNAMES", "http", 1) == -1)
			_exit(126);
		(void)unsetenv("NOTIFY_SOCKET");
		if (via_sh)
			(void)execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		else
			(void)execl(P->child, P->child, (char *)NULL);
		_exit(127);
	}
	track(pid, 1);
	got = probe_until(port, 0, t0 + 10 * SEC, NULL, &t1);
	t2 = now_us();
	(void)kill(pid, SIGTERM);
	(void)waitpid(pid, NULL, 0);
	*stop = (double)(now_us() - t2) / 1000;
	track(pid, 0);
	if (got != (long)pid)
		die(0, "floor: no reply from pid %ld", (long)pid);
	return (double)(t1 - t0) / 1000;
}

/* A listening socket on 127.0.0.1 (close-on-exec, above fd 3) and its
 * port, for the floor. */
static int
listener(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, hi;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1 ||
	    (hi = fcntl(fd, F_DUPFD_CLOEXEC, 10)) == -1)
		die(1, "listener");
	(void)close(fd);
	*port = ntohs(sin.sin_port);
	return hi;
}

/* Prints NAME_med, NAME_p95 and NAME_max of v[0..n-1] (ms); returns the
 * median. */
static double stats(const char *name, double *v, size_t n);

/*
 * The floor of a replace-mode reload, next to holdports' own: bench-floor
 * (bind once; on SIGHUP: SIGTERM the child, wait for it, fork and execve
 * a new one with the socket at fd 3, no shell) and holdports in replace
 * mode run the same child side by side, and PEER_RELOADS reloads of each are
 * timed alternately, SIGHUP to the new child's first reply. Prints the
 * medians and 95th percentiles, their ratios (holdports / floor) and
 * differences (holdports - floor; the target is a median within 0.5 ms).
 */
static int
cmd_floor(const struct paths *P)
{
	double hp[PEER_RELOADS], fl[PEER_RELOADS], mh, mf, ph, pf;
	struct bproc h, f;
	struct av a = {0}, b = {0};
	int hport, fport;
	long hcur, fcur;
	size_t i;

	hp_args(P, &a, NULL, NULL);
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	av_add(&b, "%s", P->floor);
	av_add(&b, "%s", P->child);
	if (bp_up(&h, &a, "http", &hport, &hcur) == -1)
		die(0, "floor: holdports did not start");
	if (bp_up(&f, &b, "http", &fport, &fcur) == -1)
		die(0, "floor: bench-floor did not start");
	(void)bp_pump(&h, now_us() + 100000);
	(void)bp_pump(&f, now_us() + 100000);
	for (i = 0; i < PEER_RELOADS; i++) {
		/* alternate which goes first, so that neither always
		 * follows the other's exit */
		if (i % 2 == 0 &&
		    (hp[i] = reload_once(&h, hport, &hcur, NULL, i + 1)) < 0)
			die(0, "floor: holdports reload %zu failed", i + 1);
		if ((fl[i] = reload_once(&f, fport, &fcur, NULL, i + 1)) < 0)
			die(0, "floor: bench-floor reload %zu failed", i + 1);
		if (i % 2 == 1 &&
		    (hp[i] = reload_once(&h, hport, &hcur, NULL, i + 1)) < 0)
			die(0, "floor: holdports reload %zu failed", i + 1);
	}
	(void)bp_stop(&h, SIGTERM);
	(void)bp_stop(&f, SIGTERM);
	bp_free(&h);
	bp_free(&f);
	av_free(&a);
	av_free(&b);
	ph = pct(hp, PEER_RELOADS, 95);
	pf = pct(fl, PEER_RELOADS, 95);
	mh = stats("hp", hp, PEER_RELOADS);
	mf = stats("floor", fl, PEER_RELOADS);
	(void)printf("ratio_med=%.3f ratio_p95=%.3f over_med=%.3f "
		     "over_p95=%.3f\n",
	    mh / mf, ph / pf, mh - mf, ph - pf);
	return 0;
}

/* Reads the pid of the worker from start_server's line "starting new
 * worker N" number nth (1: the first), or -1 after 10 s. */
static long
starter_worker(struct bproc *s, size_t nth)
{
	const char *t;
	long i;

	if ((i = bp_wait(
		 s, "starting new worker ", nth, now_us() + 10 * SEC)) == -1)
		return -1;
	t = strstr(s->lines[i].text, "starting new worker ");
	return strtol(t + 20, NULL, 10);
}

/*
 * mode = overlap with ready = none against Server::Starter's start_server
 * --interval=0, which also starts the new worker and at once sends the
 * old one SIGTERM: PEER_RELOADS reloads of each, alternately, SIGHUP to the
 * first reply of the new worker. start_server binds a port it is given
 * (free_port(): check-then-use, racy, acceptable here).
 */
static int
cmd_starter(const struct paths *P)
{
	double hp[PEER_RELOADS], ss[PEER_RELOADS], mh, ms, ph, ps;
	struct bproc h, s;
	struct av a = {0}, b = {0};
	int hport, sport;
	long hcur, scur;
	int64_t t0, t1;
	size_t i;

	if (P->starter == NULL)
		die(0, "starter: start_server is not installed");
	hp_args(P, &a, NULL, NULL);
	av_add(&a, "--mode");
	av_add(&a, "overlap");
	av_add(&a, "--ready");
	av_add(&a, "none");
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	if (bp_up(&h, &a, "http", &hport, &hcur) == -1)
		die(0, "starter: holdports did not start");
	if ((sport = free_port()) == -1)
		die(1, "free port");
	av_add(&b, "%s", P->starter);
	av_add(&b, "--port=127.0.0.1:%d", sport);
	av_add(&b, "--interval=0");
	av_add(&b, "--");
	av_add(&b, "%s", P->child);
	if (bp_spawn(&s, b.v, 0) == -1)
		die(1, "start %s", P->starter);
	if ((scur = starter_worker(&s, 1)) == -1 ||
	    probe_until(sport, 0, now_us() + 10 * SEC, &s, NULL) == -1) {
		bp_dump(&s, 10);
		die(0, "starter: start_server did not start");
	}
	(void)bp_pump(&h, now_us() + 100000);
	(void)bp_pump(&s, now_us() + 100000);
	for (i = 0; i < PEER_RELOADS; i++) {
		if ((hp[i] = reload_once(&h, hport, &hcur, NULL, i + 1)) < 0)
			die(0, "starter: holdports reload %zu failed", i + 1);
		t0 = now_us();
		(void)kill(s.pid, SIGHUP);
		if ((scur = probe_until(sport, scur, t0 + 10 * SEC, &s, &t1)) ==
		    -1) {
			bp_dump(&s, 10);
			die(0, "starter: start_server reload %zu failed",
			    i + 1);
		}
		ss[i] = (double)(t1 - t0) / 1000;
		/* its reload is over once it has signalled the old one */
		if (bp_wait(&s, "killing old workers", i + 1,
			now_us() + 10 * SEC) == -1)
			die(0, "starter: reload %zu not logged", i + 1);
		(void)bp_pump(&s, now_us() + 5000);
	}
	(void)bp_stop(&h, SIGTERM);
	(void)bp_stop(&s, SIGTERM);
	bp_free(&h);
	bp_free(&s);
	av_free(&a);
	av_free(&b);
	ph = pct(hp, PEER_RELOADS, 95);
	ps = pct(ss, PEER_RELOADS, 95);
	mh = stats("hp", hp, PEER_RELOADS);
	ms = stats("ss", ss, PEER_RELOADS);
	(void)printf("ratio_med=%.3f ratio_p95=%.3f\n", mh / ms, ph / ps);
	return 0;
}

/* Prints NAME_med, NAME_p95 and NAME_max of v[0..n-1] (ms); returns the
 * median. */
static double
stats(const char *name, double *v, size_t n)
{
	double med = pct(v, n, 50);

	(void)printf("%s_med=%.3f %s_p95=%.3f %s_max=%.3f ", name, med, name,
	    pct(v, n, 95), name, pct(v, n, 100));
	return med;
}

/*
 * Reload latency, replace mode, the child that starts at once: RELOADS
 * reloads by SIGHUP, each followed by one floor measurement directly and
 * one through /bin/sh (interleaved, so that whatever else the machine
 * does weighs on both alike); then RELOADS reloads by a file write
 * (default debounce); then RELOADS by SIGHUP, each after a quiet time as
 * long as the debounce. The supervisor's own share of a SIGHUP reload is
 * what is left after the floor and the old child's stop; the floor
 * through /bin/sh is what a command run through a shell (listen_pid =
 * none) would add.
 */
static int
cmd_latency(const struct paths *P)
{
	char dir[PATH_MAX], src[PATH_MAX + 16];
	double hup[RELOADS], fil[RELOADS], fl[RELOADS], flsh[RELOADS];
	double idle[RELOADS], stop[RELOADS], stopsh, mh, mf, mfl, mflsh, mst;
	double mi;
	struct bproc hp;
	struct av a = {0};
	int port, fport, lfd;
	long cur;
	size_t i;

	scratch(P, "lat", dir, sizeof(dir));
	(void)snprintf(src, sizeof(src), "%s/src", dir);
	if (mkdir(src, 0755) == -1)
		die(1, "mkdir %s", src);
	hp_args(P, &a, src, NULL);
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	(void)snprintf(src, sizeof(src), "%s/src/main.c", dir);
	if (write_file(src, "00000000\n") == -1)
		die(1, "%s", src);
	if (bp_up(&hp, &a, "http", &port, &cur) == -1)
		die(0, "latency: holdports did not start");
	lfd = listener(&fport);
	(void)bp_pump(&hp, now_us() + 200000);
	for (i = 0; i < RELOADS; i++) {
		if ((hup[i] = reload_once(&hp, port, &cur, NULL, i + 1)) < 0)
			die(0, "latency: SIGHUP reload %zu failed", i + 1);
		fl[i] = floor_once(P, lfd, fport, 0, &stop[i]);
		flsh[i] = floor_once(P, lfd, fport, 1, &stopsh);
	}
	(void)close(lfd);
	for (i = 0; i < RELOADS; i++)
		if ((fil[i] = reload_once(
			 &hp, port, &cur, src, RELOADS + i + 1)) < 0)
			die(0, "latency: file reload %zu failed", i + 1);
	/* SIGHUP after as long a quiet time as the debounce: what waking
	 * from idle costs, apart from the watcher. */
	for (i = 0; i < RELOADS; i++) {
		(void)bp_pump(&hp, now_us() + LAT_DEBOUNCE_MS * 1000);
		if ((idle[i] = reload_once(
			 &hp, port, &cur, NULL, 2 * RELOADS + i + 1)) < 0)
			die(0, "latency: SIGHUP reload %zu failed", i + 1);
	}
	(void)bp_stop(&hp, SIGTERM);
	bp_free(&hp);
	av_free(&a);

	mh = stats("hup", hup, RELOADS);
	mf = stats("file", fil, RELOADS);
	mfl = stats("floor", fl, RELOADS);
	mflsh = stats("floorsh", flsh, RELOADS);
	mst = stats("stop", stop, RELOADS);
	mi = stats("hupidle", idle, RELOADS);
	(void)printf("hup_over=%.3f file_over=%.3f hupidle_over=%.3f "
		     "sh_cost=%.3f own=%.3f debounce=%d\n",
	    mh - mfl, mf - LAT_DEBOUNCE_MS - mfl, mi - mfl, mflsh - mfl,
	    mh - mfl - mst, LAT_DEBOUNCE_MS);
	return 0;
}

/*
 * Memory: VmRSS, Pss and Pss_Anon (its heap and stack, which shared
 * libraries do not blur: a Pss of shared pages moves whenever another
 * process maps libc) of the supervisor after start and after n reloads
 * by SIGHUP, each awaited (SIGHUP to the supervisor's line that the new
 * child runs: the supervisor's reload rate); and its open descriptors.
 */
static int
cmd_memory(const struct paths *P, long n)
{
	long rss0, pss0, anon0, fds0, rss1, pss1, anon1, fds1, cpid;
	struct bproc hp;
	struct av a = {0};
	int64_t t0;
	int port;
	long i;

	hp_args(P, &a, NULL, NULL);
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	if (bp_up(&hp, &a, "http", &port, &cpid) == -1)
		die(0, "memory: holdports did not start");
	(void)bp_pump(&hp, now_us() + 200000);
	rss0 = proc_value(hp.pid, "VmRSS", 0);
	pss0 = proc_value(hp.pid, "Pss", 1);
	anon0 = proc_value(hp.pid, "Pss_Anon", 1);
	fds0 = proc_nfds(hp.pid);
	t0 = now_us();
	for (i = 1; i <= n; i++) {
		(void)kill(hp.pid, SIGHUP);
		if (bp_wait(&hp, "restarted pid", (size_t)i,
			now_us() + 10 * SEC) == -1) {
			bp_dump(&hp, 10);
			die(0, "memory: reload %ld not done", i);
		}
	}
	(void)probe_until(port, 0, now_us() + 5 * SEC, &hp, NULL);
	(void)bp_pump(&hp, now_us() + 200000);
	rss1 = proc_value(hp.pid, "VmRSS", 0);
	pss1 = proc_value(hp.pid, "Pss", 1);
	anon1 = proc_value(hp.pid, "Pss_Anon", 1);
	fds1 = proc_nfds(hp.pid);
	(void)printf("rss_start=%ld pss_start=%ld anon_start=%ld "
		     "fds_start=%ld rss_end=%ld pss_end=%ld anon_end=%ld "
		     "fds_end=%ld rss_growth=%ld pss_growth=%ld "
		     "anon_growth=%ld reloads=%ld ms_per_reload=%.2f\n",
	    rss0, pss0, anon0, fds0, rss1, pss1, anon1, fds1, rss1 - rss0,
	    pss1 - pss0, anon1 - anon0, n,
	    (double)(now_us() - t0) / 1000 / (double)n);
	(void)bp_stop(&hp, SIGTERM);
	bp_free(&hp);
	av_free(&a);
	return 0;
}

/*
 * Burst coalescing: n writes (to 100 files in turn) spread evenly over
 * span_ms, with the default debounce; then counts the reloads that
 * followed within 1.5 s after the last write plus the debounce.
 */
static int
cmd_burst(const struct paths *P, long n, long span_ms)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct bproc hp;
	struct av a = {0};
	int64_t t0, t1;
	long i, cpid, changes = 0;
	const char *s;
	size_t k;
	int port;

	scratch(P, "burst", dir, sizeof(dir));
	for (i = 0; i < 100; i++) {
		(void)snprintf(path, sizeof(path), "%s/f%ld.c", dir, i);
		if (write_file(path, "00000000\n") == -1)
			die(1, "%s", path);
	}
	hp_args(P, &a, dir, NULL);
	av_add(&a, "--");
	av_add(&a, "%s", P->child);
	if (bp_up(&hp, &a, "http", &port, &cpid) == -1)
		die(0, "burst: holdports did not start");
	(void)bp_pump(&hp, now_us() + 300000);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		sleep_us(t0 + i * span_ms * 1000 / n - now_us());
		(void)snprintf(path, sizeof(path), "%s/f%ld.c", dir, i % 100);
		if (write_file(path, "00000001\n") == -1)
			die(1, "%s", path);
	}
	t1 = now_us();
	(void)bp_pump(&hp, t1 + (LAT_DEBOUNCE_MS + 1500) * 1000);
	for (k = 0; k < hp.nlines; k++)
		if ((s = strstr(hp.lines[k].text, " and ")) != NULL &&
		    strstr(s, " more changes, restarted") != NULL)
			changes = strtol(s + 5, NULL, 10) + 1;
	(void)printf("writes=%ld span_ms=%.1f reloads=%zu changes=%ld\n", n,
	    (double)(t1 - t0) / 1000, bp_count(&hp, "restarted pid"), changes);
	(void)bp_stop(&hp, SIGTERM);
	bp_free(&hp);
	av_free(&a);
	return 0;
}

static _Noreturn void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: hp-bench -t tmpdir [-H holdports] [-C child] [-L load]\n"
	    "                [-B baseline.sh] [-F bench-floor] [-S "
	    "start_server]\n"
	    "                [-W wrk] [-c ports.ini] COMMAND [ARG...]\n"
	    "commands: gap replace|overlap|baseline hup|file load|wrk\n"
	    "          latency | floor | starter | memory N | burst N MS\n"
	    "          idle TREE N SECS | watch TREE DIRS | socks N [LIMIT]\n"
	    "          tree ROOT DIRS FILES 0|1\n");
	exit(2);
}

/* Makes *pp absolute (it must exist). */
static void
absolute(const char **pp)
{
	char *r;

	if (*pp == NULL)
		return;
	if ((r = realpath(*pp, NULL)) == NULL)
		die(1, "%s", *pp);
	*pp = r;
}

static long
num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0)
		usage();
	return v;
}

int
main(int argc, char *argv[])
{
	struct paths P = {"./holdports", "tests/bench/bench-child",
	    "tests/bench/bench-load", "tests/bench/baseline.sh",
	    "tests/bench/bench-floor", NULL, NULL, NULL, NULL};
	const char *cmd;
	int ch;

	while ((ch = getopt(argc, argv, "B:c:C:F:H:L:S:t:W:")) != -1) {
		switch (ch) {
		case 'c':
			P.conf = optarg;
			break;
		case 'B':
			P.baseline = optarg;
			break;
		case 'C':
			P.child = optarg;
			break;
		case 'F':
			P.floor = optarg;
			break;
		case 'H':
			P.holdports = optarg;
			break;
		case 'S':
			P.starter = optarg;
			break;
		case 'L':
			P.load = optarg;
			break;
		case 't':
			P.tmp = optarg;
			break;
		case 'W':
			P.wrk = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || P.tmp == NULL)
		usage();
	absolute(&P.holdports);
	absolute(&P.child);
	absolute(&P.load);
	absolute(&P.baseline);
	absolute(&P.floor);
	absolute(&P.starter);
	absolute(&P.tmp);
	absolute(&P.conf);
	track_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	cmd = argv[0];
	if (strcmp(cmd, "gap") == 0 && argc == 4)
		return cmd_gap(&P, argv[1], argv[2], argv[3]);
	if (strcmp(cmd, "latency") == 0 && argc == 1)
		return cmd_latency(&P);
	if (strcmp(cmd, "floor") == 0 && argc == 1)
		return cmd_floor(&P);
	if (strcmp(cmd, "starter") == 0 && argc == 1)
		return cmd_starter(&P);
	if (strcmp(cmd, "memory") == 0 && argc == 2)
		return cmd_memory(&P, num(argv[1]));
	if (strcmp(cmd, "burst") == 0 && argc == 3)
		return cmd_burst(&P, num(argv[1]), num(argv[2]));
	if (strcmp(cmd, "idle") == 0 && argc == 4)
		return cmd_idle(&P, argv[1], num(argv[2]), num(argv[3]));
	if (strcmp(cmd, "watch") == 0 && argc == 3)
		return cmd_watch(&P, argv[1], num(argv[2]));
	if (strcmp(cmd, "socks") == 0 && (argc == 2 || argc == 3))
		return cmd_socks(
		    &P, num(argv[1]), argc == 3 ? num(argv[2]) : 0);
	if (strcmp(cmd, "tree") == 0 && argc == 5)
		return tree_make(argv[1], num(argv[2]), num(argv[3]),
			   num(argv[4]) != 0) == -1 ?
		    (perror("hp-bench: tree"), 1) :
		    0;
	usage();
}
