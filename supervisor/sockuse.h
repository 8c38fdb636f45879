/* SPDX-License-Identifier: ISC */
/* sockuse.h: is the child using the sockets it was given? A server that
 * binds a port of its own, a wrapper that drops fd 3, a LISTEN_PID that
 * names a wrapper: each leaves connections waiting in a held socket's
 * queue with nothing said. This watches the queues, only after a start
 * and while connections wait (no timer while idle), and says once what
 * is wrong and what to do; and says so too when connections wait while
 * no child runs. Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_SOCKUSE_H
#define HP_SOCKUSE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "pollset.h"

struct sock;

/* How long after the connections that wait are recorded (when the first
 * one wakes the check) they are looked for again (ms): a busy child has
 * taken them by then, so that no look is left for when it is idle. */
#define SOCKUSE_PROOF_MS 50
/* How long the connections that still wait then may wait, none taken,
 * before the child's sockets are looked into (ms). */
#define SOCKUSE_WAIT_MS 3000
/* Looks, at most, at one queue after a start before giving up: a server
 * that holds its socket and takes nothing for this long is said to. */
#define SOCKUSE_LOOKS_MAX 10
/* A child that exits with a failure within this long of its start may
 * have failed to bind a held address itself (ms). */
#define SOCKUSE_QUICK_MS 10000
/* Listeners of the child's processes that a look names at most. */
#define SOCKUSE_LISTEN_MAX 4
/* Waiting connections recorded when the first one wakes the check: if
 * all of them still wait at the next look, the child took none. */
#define SOCKUSE_PEERS_MAX 8
/* Sockets of one child whose queues are watched: the first ones, so
 * that a child of a thousand sockets does not make every poll(2) long. */
#define SOCKUSE_SOCKS_MAX 64

/* sockuse_linux.c, sockuse_none.c: what only some kernels can tell. */

/* Stores in *n the number of connections waiting in the accept queue of
 * the listening TCP socket fd (Linux: tcpi_unacked of TCP_INFO, which a
 * listener fills with its accept queue's length). Returns 0, or -1 with
 * errno: ENOTSOCK, ENOPROTOOPT (not TCP: a unix or UDP socket), EINVAL
 * (not listening), ENOSYS where the system cannot tell. */
int sockuse_queue(int fd, unsigned *n);

/* A connection that waits in a listener's accept queue: its peer. */
struct sockuse_peer {
	char addr[46]; /* numeric, as inet_ntop(3) writes it */
	unsigned port;
};

/* Stores in v (at most max) the peers of the connections that wait, not
 * accepted yet, in the accept queue of the TCP listener fd, and their
 * number (all of them, not only those stored) in *n (Linux: a
 * sock_diag(7) dump of the connections in state ESTABLISHED or
 * CLOSE_WAIT on its local port that no process holds, inode 0). The
 * queue is first in, first out: once the child accepts, the oldest of
 * those go first. Returns 0, or -1 with errno ENOSYS where the system
 * cannot tell, or from getsockname(2) or the dump. */
int sockuse_waiting(int fd, struct sockuse_peer *v, size_t max, size_t *n);

/* A TCP socket a process of the child listens on. */
struct sockuse_listener {
	pid_t pid;
	char host[CONF_HOST_MAX]; /* numeric */
	unsigned port;
};

/* What sockuse_scan() found in the child's process groups. */
struct sockuse_found {
	size_t nholders; /* processes that hold the held socket */
	pid_t holder; /* the lowest of them, or 0 */
	size_t nlisten; /* listeners on other sockets, at most
			   SOCKUSE_LISTEN_MAX kept */
	struct sockuse_listener listen[SOCKUSE_LISTEN_MAX];
};

/* Looks at every process whose process group is one of the n pgids:
 * which hold the socket of inode held (besides self, holdports, which is
 * in no such group anyway), and which TCP sockets of theirs listen
 * (Linux: /proc/PID/stat, /proc/PID/fd and /proc/net/tcp, tcp6,
 * proc(5)). Fills *f. Returns 0, or -1 with errno ENOSYS where the
 * system cannot tell, or from opendir(3) of /proc. */
int sockuse_scan(
    const pid_t *pgids, size_t n, unsigned long held, struct sockuse_found *f);

/* sockuse.c */

/* What the loop tells about one child, each turn: the checks follow its
 * state. */
struct sockuse_child {
	const char *who; /* "api: " or "" */
	pid_t pid; /* the newest child (LISTEN_PID unless listen_pid =
		      none), or 0: none runs */
	pid_t pgids[2]; /* the process groups that may hold the sockets */
	size_t npgids;
	int no_listen_pid; /* listen_pid = none */
	int starting; /* ready = notify and not ready yet */
	int idle; /* none runs, and none will until a change or SIGHUP */
	unsigned long generation; /* children started so far */
	const char *command; /* for messages */
	const struct sock *socks; /* the instance's held sockets */
	const size_t *idx; /* the child's, as indexes into socks, in fd
			      order: idx[i] is fd 3 + i */
	size_t nsocks;
};

/* One held socket of the child, as watched. */
struct sockuse_sock {
	int phase; /* SU_* of sockuse.c */
	int64_t at; /* the next look (ms), or -1 */
	unsigned queue; /* its length at the last look */
	unsigned looks; /* looks since the child started */
	struct sockuse_peer peers[SOCKUSE_PEERS_MAX]; /* waiting when the
							 first one woke us */
	size_t npeers;
	struct sockuse *owner;
	size_t index;
};

/* The checks of one child. Starts zeroed (sockuse_init()). */
struct sockuse {
	struct sockuse_sock *socks;
	size_t nsocks;
	struct sockuse_child c; /* as the last sockuse_settle() had it */
	unsigned long generation; /* the start last seen */
	int idle; /* the idle state last seen */
	int hinted; /* the exit hint was given for this configuration */
	char why[200]; /* why no child runs, for the idle message */
};

/* Prepares su, zeroed, with nothing watched. Cannot fail. */
void sockuse_init(struct sockuse *su);
/* Frees what su holds, not su. */
void sockuse_free(struct sockuse *su);
/* The child's configuration changed: the hints may be given again. */
void sockuse_reset(struct sockuse *su);
/* Records why no child runs (a printf format), for the message about
 * connections that wait meanwhile. */
void sockuse_why(struct sockuse *su, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The end of a turn of the loop: c is what the child is now (copied; its
 * strings and arrays must live until the next call). A new start arms
 * the watch of every TCP socket: the first connection that waits is
 * recorded with the others then waiting, seen taken (a busy child)
 * SOCKUSE_PROOF_MS later, or else looked at again SOCKUSE_WAIT_MS after
 * they were recorded. A child that will not run until a
 * change (c->idle) arms the message about connections waiting. Returns
 * nothing; never blocks. */
void sockuse_settle(
    struct sockuse *su, const struct sockuse_child *c, int64_t now);
/* Adds what su waits for to ps: POLLIN on an armed socket (a connection
 * arrived), the time of the next look. Nothing while idle and nothing
 * waits: no timer runs then. */
void sockuse_gather(struct sockuse *su, struct pollset *ps);

/*
 * The serving child, pid, exited with wait(2) status status after uptime
 * ms; stopped is 1 when holdports will not restart it until a change
 * (its crash loop gave up, or restart = no). A failure soon after the
 * start may be a bind(2) of a held address, which fails with EADDRINUSE
 * for holdports holds it: once per configuration, says so with what to
 * do. output, when not NULL, is the end of what the child wrote (len
 * bytes): the hint is then given at the first such exit, and only when
 * the output tells of an address in use (sockuse_inuse()). Without it
 * nothing tells that failure from another one, so the hint waits until
 * the child is stopped, and says "if".
 */
void sockuse_exited(struct sockuse *su, pid_t pid, int status, int64_t uptime,
    int stopped, const char *output, size_t len);
/* Returns 1 if the len bytes of text hold a message of a bind(2) that
 * failed with EADDRINUSE, as servers word it ("Address already in use",
 * "address already in use", "EADDRINUSE", "[Errno 98]", "os error 98"),
 * else 0. */
int sockuse_inuse(const char *text, size_t len);

#endif
