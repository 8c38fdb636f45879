/* SPDX-License-Identifier: ISC */
/* sockuse.c: watches the held sockets' queues after a child starts and
 * while no child runs, and says once what keeps connections waiting. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "sockuse.h"

/* What is watched of one socket. */
enum {
	SU_OFF, /* nothing: no child, or not a TCP listener */
	SU_ARMED, /* a child runs: the first connection that waits wakes us */
	SU_PROOF, /* some waited: see at sock->at whether they are taken */
	SU_WAIT, /* connections wait: look again at sock->at */
	SU_DONE, /* said, or shown to work: nothing until the next start */
	SU_IDLE /* no child runs: the first connection that waits is said */
};

void
sockuse_init(struct sockuse *su)
{
	memset(su, 0, sizeof(*su));
}

void
sockuse_free(struct sockuse *su)
{
	free(su->socks);
	sockuse_init(su);
}

void
sockuse_reset(struct sockuse *su)
{
	su->hinted = 0;
}

void
sockuse_why(struct sockuse *su, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(su->why, sizeof(su->why), fmt, ap);
	va_end(ap);
}

/* Returns the held socket i of su's child. */
static const struct sock *
su_sock(const struct sockuse *su, size_t i)
{
	return &su->c.socks[su->c.idx[i]];
}

/* Makes su->socks as many as the child's watched sockets, all SU_OFF
 * when their number changed. Returns 0, or -1 (ENOMEM: nothing is
 * watched then). */
static int
su_size(struct sockuse *su, size_t n)
{
	struct sockuse_sock *v;
	size_t i;

	if (n > SOCKUSE_SOCKS_MAX)
		n = SOCKUSE_SOCKS_MAX;
	if (n == su->nsocks)
		return 0;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		free(su->socks);
		su->socks = NULL;
		su->nsocks = 0;
		return -1;
	}
	free(su->socks);
	su->socks = v;
	su->nsocks = n;
	for (i = 0; i < n; i++) {
		v[i].owner = su;
		v[i].index = i;
		v[i].at = -1;
	}
	return 0;
}

/* Waiting connections a look reads at most, to find the recorded ones. */
#define SU_LOOK_PEERS 256

/* Records the connections waiting on socket i now, for the next look. */
static void
su_record(struct sockuse *su, size_t i)
{
	struct sockuse_sock *ss = &su->socks[i];
	size_t n;

	ss->npeers = 0;
	if (sockuse_waiting(
		su_sock(su, i)->fd, ss->peers, SOCKUSE_PEERS_MAX, &n) == 0)
		ss->npeers = n < SOCKUSE_PEERS_MAX ? n : SOCKUSE_PEERS_MAX;
}

/* Returns 1 if the child took any of the connections recorded on socket
 * i: the queue is first in, first out, so a child that accepted at all
 * took one of those that waited before. 0 when all still wait; -1 when
 * it cannot be told (then the queue's length has to do). */
static int
su_taken(const struct sockuse *su, size_t i)
{
	const struct sockuse_sock *ss = &su->socks[i];
	struct sockuse_peer *now;
	size_t n, k, j, found = 0;
	int r;

	if (ss->npeers == 0 ||
	    (now = calloc(SU_LOOK_PEERS, sizeof(*now))) == NULL)
		return -1;
	if (sockuse_waiting(su_sock(su, i)->fd, now, SU_LOOK_PEERS, &n) == -1) {
		free(now);
		return -1;
	}
	if (n > SU_LOOK_PEERS)
		n = SU_LOOK_PEERS;
	for (k = 0; k < ss->npeers; k++)
		for (j = 0; j < n; j++)
			if (ss->peers[k].port == now[j].port &&
			    strcmp(ss->peers[k].addr, now[j].addr) == 0) {
				found++;
				break;
			}
	r = found < ss->npeers;
	free(now);
	return r;
}

/* Returns 1 if socket i's queue can be read (a TCP listener), and stores
 * its length in *n. */
static int
su_queue(const struct sockuse *su, size_t i, unsigned *n)
{
	return sockuse_queue(su_sock(su, i)->fd, n) == 0;
}

/* Writes "N connections" or "1 connection" into buf. */
static const char *
su_conns(unsigned n, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%u connection%s", n, n == 1 ? "" : "s");
	return buf;
}

/* Says that n connections wait on socket i while no child runs. */
static void
su_say_idle(const struct sockuse *su, size_t i, unsigned n)
{
	const struct sock *s = su_sock(su, i);
	char conns[32];

	log_warnx("%s%s waiting on %s (%s); no child running (%s)", su->c.who,
	    su_conns(n, conns, sizeof(conns)), s->name, s->addr,
	    su->why[0] != '\0' ? su->why : "waiting for a change or SIGHUP");
}

void
sockuse_settle(struct sockuse *su, const struct sockuse_child *c, int64_t now)
{
	size_t i;
	unsigned n;

	(void)now;
	su->c = *c;
	if (su_size(su, c->nsocks) == -1)
		return;
	if (c->generation != su->generation) {
		/* A start: watch each TCP listener afresh; the why of an
		 * earlier wait is forgotten. */
		su->generation = c->generation;
		su->why[0] = '\0';
		for (i = 0; i < su->nsocks; i++) {
			su->socks[i].phase =
			    c->pid != 0 && su_queue(su, i, &n) ? SU_ARMED :
								 SU_OFF;
			su->socks[i].looks = 0;
			su->socks[i].at = -1;
		}
	}
	if (c->idle != su->idle) {
		su->idle = c->idle;
		for (i = 0; i < su->nsocks; i++) {
			su->socks[i].at = -1;
			/* protocol = http answers them itself meanwhile */
			if (!c->idle || !su_queue(su, i, &n) ||
			    (su_sock(su, i)->conf != NULL &&
				su_sock(su, i)->conf->protocol !=
				    PROTOCOL_NONE)) {
				su->socks[i].phase = SU_OFF;
				continue;
			}
			/* Those waiting already are said now; else the first
			 * that comes is. */
			su->socks[i].phase = n > 0 ? SU_DONE : SU_IDLE;
			if (n > 0)
				su_say_idle(su, i, n);
		}
	}
	if (c->pid == 0 && !c->idle)
		for (i = 0; i < su->nsocks; i++)
			if (su->socks[i].phase == SU_ARMED ||
			    su->socks[i].phase == SU_PROOF ||
			    su->socks[i].phase == SU_WAIT)
				su->socks[i].phase = SU_OFF;
}

/* Names process pid for a message: "pid 42 (node server.js)". */
static const char *
su_proc(pid_t pid, char *buf, size_t len)
{
	char cmd[96];
	int n;

	if (proc_cmdline(pid, cmd, sizeof(cmd)) == -1 || cmd[0] == '\0') {
		(void)snprintf(buf, len, "pid %ld", (long)pid);
		return buf;
	}
	n = snprintf(buf, len, "pid %ld (%s)", (long)pid, cmd);
	if (n > 0 && (size_t)n >= len && len > 5)
		memcpy(buf + len - 5, "...)", 5);
	return buf;
}

/* Returns the inode of the held socket i, or 0. */
static unsigned long
su_inode(const struct sockuse *su, size_t i)
{
	struct stat st;

	return fstat(su_sock(su, i)->fd, &st) == 0 ? (unsigned long)st.st_ino :
						     0;
}

/*
 * Connections have waited on socket i since the last look, n of them
 * now, none taken: finds out why from the child's processes and says so
 * with what to do. Returns 1 when it said something (or can say no
 * more), 0 when the child may still be starting: look again later.
 */
static int
su_diagnose(struct sockuse *su, size_t i, unsigned n, unsigned waited_s)
{
	const struct sock *s = su_sock(su, i);
	struct sockuse_found f;
	char conns[32], a[160], b[160];
	char head[CONF_PATH_MAX + 2 * CONF_FDNAME_MAX + 160];

	(void)snprintf(head, sizeof(head),
	    "%s%s waited %u s on %s (%s), and none was taken", su->c.who,
	    su_conns(n, conns, sizeof(conns)), waited_s, s->name, s->addr);
	if (sockuse_scan(su->c.pgids, su->c.npgids, su_inode(su, i), &f) ==
	    -1) {
		log_warnx("%s: the child may listen on a port of its own, or "
			  "not read LISTEN_FDS; make it take fd %zu "
			  "(LISTEN_FDS, LISTEN_FDNAMES=%s)",
		    head, HP_LISTEN_FDS_START + i, s->name);
		return 1;
	}
	if (f.nlisten > 0) {
		su_proc(f.listen[0].pid, a, sizeof(a));
		log_warnx("%s: %s listens on %s%s%s:%u itself%s; make it take "
			  "the socket holdports passes as fd %zu (LISTEN_FDS, "
			  "LISTEN_FDNAMES=%s) instead of binding a port of "
			  "its own%s%s%s",
		    head, a, strchr(f.listen[0].host, ':') != NULL ? "[" : "",
		    f.listen[0].host,
		    strchr(f.listen[0].host, ':') != NULL ? "]" : "",
		    f.listen[0].port,
		    f.nlisten > 1 ? " (and on other ports)" : "",
		    HP_LISTEN_FDS_START + i, s->name,
		    f.listen[0].pid != su->c.pid && !su->c.no_listen_pid ?
			"; it is not the process holdports started, whose "
			"pid LISTEN_PID names (" :
			"",
		    f.listen[0].pid != su->c.pid && !su->c.no_listen_pid ?
			su_proc(su->c.pid, b, sizeof(b)) :
			"",
		    f.listen[0].pid != su->c.pid && !su->c.no_listen_pid ?
			"), so it ignores LISTEN_FDS: start the server "
			"itself as the command" :
			"");
		return 1;
	}
	if (f.nholders == 0) {
		log_warnx("%s: no process of the child holds the socket: "
			  "something between holdports and the server closed "
			  "fd %zu or did not pass it on (a wrapper such as "
			  "npm, yarn or go run does that); make the command "
			  "start the server itself",
		    head, HP_LISTEN_FDS_START + i);
		return 1;
	}
	if (f.holder != su->c.pid && !su->c.no_listen_pid) {
		log_warnx("%s: %s holds the socket, but LISTEN_PID names %s, "
			  "which started it, so sd_listen_fds() and its kind "
			  "ignore the socket; make the command start the "
			  "server itself, or set listen_pid = none if it reads "
			  "LISTEN_FDS alone",
		    head, su_proc(f.holder, a, sizeof(a)),
		    su_proc(su->c.pid, b, sizeof(b)));
		return 1;
	}
	if (su->socks[i].looks < 3)
		return 0; /* still starting, maybe: look again */
	log_warnx("%s: %s holds the socket but takes no connection from it: "
		  "it may be stuck or still starting, or ignore LISTEN_FDS; "
		  "make it accept on fd %zu (LISTEN_FDNAMES=%s)",
	    head, su_proc(su->c.pid, a, sizeof(a)), HP_LISTEN_FDS_START + i,
	    s->name);
	return 1;
}

/* pollset callback: a connection waits on an armed socket. */
static void
su_ready(void *arg, int fd, short revents, int64_t now)
{
	struct sockuse_sock *ss = arg;
	struct sockuse *su = ss->owner;
	unsigned n;

	(void)fd;
	(void)revents;
	if (!su_queue(su, ss->index, &n)) {
		ss->phase = SU_OFF;
		return;
	}
	if (n == 0) { /* taken at once: it works */
		if (ss->phase == SU_ARMED) {
			ss->phase = SU_DONE;
			log_debug("%s%s: the child takes its connections",
			    su->c.who, su_sock(su, ss->index)->name);
		}
		return;
	}
	if (ss->phase == SU_IDLE) {
		su_say_idle(su, ss->index, n);
		ss->phase = SU_DONE;
		return;
	}
	/* Which wait: a busy child has taken them a moment later (the look
	 * then comes while it is busy, not once it is idle); else they
	 * are looked for again a few seconds later. */
	ss->phase = SU_PROOF;
	ss->queue = n;
	ss->at = now + SOCKUSE_PROOF_MS;
	su_record(su, ss->index);
}

/* pollset timer: the next look at a socket where connections waited. */
static void
su_look(void *arg, int64_t now)
{
	struct sockuse_sock *ss = arg;
	struct sockuse *su = ss->owner;
	unsigned n;
	int taken;

	ss->at = -1;
	if (!su_queue(su, ss->index, &n) || n == 0) {
		ss->phase = SU_DONE; /* taken: it works */
		log_debug("%s%s: the child takes its connections", su->c.who,
		    su_sock(su, ss->index)->name);
		return;
	}
	if (ss->phase == SU_PROOF) {
		ss->phase = SU_WAIT;
		if (su_taken(su, ss->index) == 1) {
			ss->phase = SU_DONE;
			log_debug("%s%s: the child takes its connections",
			    su->c.who, su_sock(su, ss->index)->name);
			return;
		}
		ss->at = now + SOCKUSE_WAIT_MS - SOCKUSE_PROOF_MS;
		return;
	}
	ss->looks++;
	/* Under load a busy child's queue is seldom empty: what tells is
	 * whether the connections that waited before are gone. */
	if ((taken = su_taken(su, ss->index)) == 1) {
		ss->phase = SU_DONE;
		log_debug("%s%s: the child takes its connections", su->c.who,
		    su_sock(su, ss->index)->name);
		return;
	}
	if ((taken == 0 || n >= ss->queue) && !su->c.starting &&
	    su_diagnose(su, ss->index, n, ss->looks * SOCKUSE_WAIT_MS / 1000)) {
		ss->phase = SU_DONE;
		return;
	}
	if (ss->looks >= SOCKUSE_LOOKS_MAX) {
		ss->phase = SU_DONE; /* slow but moving: leave it */
		return;
	}
	/* the connections recorded at the first wake-up stay: the oldest
	 * are the ones to see taken */
	ss->queue = n;
	ss->at = now + SOCKUSE_WAIT_MS;
}

void
sockuse_gather(struct sockuse *su, struct pollset *ps)
{
	struct sockuse_sock *ss;
	size_t i;

	for (i = 0; i < su->nsocks; i++) {
		ss = &su->socks[i];
		if (ss->phase == SU_ARMED || ss->phase == SU_IDLE)
			(void)pollset_add(
			    ps, su_sock(su, i)->fd, POLLIN, su_ready, ss);
		else if (ss->phase == SU_WAIT || ss->phase == SU_PROOF)
			(void)pollset_timer(ps, ss->at, su_look, ss);
	}
}

int
sockuse_inuse(const char *text, size_t len)
{
	static const char *const words[] = {"address already in use",
	    "eaddrinuse", "[errno 98]", "os error 98", "errno=98"};
	size_t i, j, k, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		for (j = 0; j + n <= len; j++) {
			for (k = 0; k < n; k++) {
				char c = text[j + k];

				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if (c != words[i][k])
					break;
			}
			if (k == n)
				return 1;
		}
	}
	return 0;
}

/* Formats ms for a message: "240 ms", "1.5 s". */
static const char *
su_ms(int64_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		(void)snprintf(buf, len, "%lld ms", (long long)ms);
	else
		(void)snprintf(buf, len, "%.1f s", (double)ms / 1000);
	return buf;
}

void
sockuse_exited(struct sockuse *su, pid_t pid, int status, int64_t uptime,
    int stopped, const char *output, size_t len)
{
	const struct sock *s;
	char t[32], names[128];
	size_t i, off = 0;

	if (su->hinted || su->c.nsocks == 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 0 || uptime >= SOCKUSE_QUICK_MS ||
	    (output != NULL && !sockuse_inuse(output, len)) ||
	    (output == NULL && !stopped))
		return;
	su->hinted = 1;
	s = &su->c.socks[su->c.idx[0]];
	names[0] = '\0';
	for (i = 0; i < su->c.nsocks && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", i > 0 ? ":" : "", su->c.socks[su->c.idx[i]].name);
	log_warnx("%spid %ld failed %s after its start%s: %s %s%s itself "
		  "(as Flask's app.run() or Go's http.ListenAndServe do), "
		  "that fails with EADDRINUSE, for holdports holds it; make it "
		  "take the socket holdports passes as fd %d instead "
		  "(LISTEN_FDS=%zu, LISTEN_FDNAMES=%s; contrib/examples shows "
		  "how)",
	    su->c.who, (long)pid, su_ms(uptime, t, sizeof(t)),
	    output != NULL ? ", saying an address is in use" : "",
	    output != NULL ? "when it binds" : "if it binds", s->addr,
	    su->c.nsocks > 1 ? " (or another held address)" : "",
	    HP_LISTEN_FDS_START, su->c.nsocks, names);
}
