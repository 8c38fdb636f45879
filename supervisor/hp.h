/* SPDX-License-Identifier: ISC */
/* hp.h: private interfaces of the supervisor, grouped by the file that
 * defines them. Times are int64_t milliseconds of CLOCK_MONOTONIC. */

#ifndef HP_H
#define HP_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "util.h"

#define HP_LISTEN_FDS_START 3 /* sd_listen_fds(3): SD_LISTEN_FDS_START */

/* log.c */

enum log_level {
	LOG_QUIET = -1,
	LOG_NORMAL = 0,
	LOG_VERBOSE = 1
};

/* Sets the verbosity; the default is LOG_NORMAL. */
void log_init(enum log_level);
/* Returns 1 if holdports colours what it prints: stderr is a terminal and
 * NO_COLOR is unset or empty (no-color.org). After log_init(). */
int log_colour(void);
/* Each writes one line "holdports: MESSAGE" to stderr. log_warn appends
 * ": strerror(errno)". log_info and log_debug are silenced by -q, log_debug
 * needs -v. fatal and fatalx exit 1 (use only at start-up). */
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Offers each line to fn(arg, line, len) before it goes to stderr: when
 * fn returns 1 it has taken the line (out.c queues it behind children's
 * output that waits for the same file, so that the order stays), else
 * it is written as always. fn must not log. NULL: always written. */
void log_through(int (*fn)(void *, const char *, size_t), void *arg);
/* Returns the symbolic name of an errno value ("EADDRINUSE"), or "E?" */
const char *errno_name(int);

/* A message that may repeat without end (a failing fork(2) retried, a
 * child's flood of bad datagrams) is logged the first times only: at most
 * a burst of them in each LOG_REPEAT_MS, and the first one after that
 * tells how many were held back meanwhile. Nothing is logged without a
 * new occurrence: no timer, no wake-up while idle. */
#define LOG_REPEAT_MS 10000
struct log_limit {
	int64_t until; /* the current period ends (ms) */
	unsigned n; /* occurrences logged in it; 0: no period yet */
	unsigned long held; /* occurrences not logged since the last one */
};

/* Counts one occurrence at now (ms). Returns 1 if it is to be logged (one
 * of the first burst, at least 1, of its period), and then stores in *held
 * how many were held back before it (0 but for the first of a period);
 * else counts it and returns 0. A struct log_limit starts zeroed; zero it
 * again to start afresh. Cannot fail. */
int log_limit(
    struct log_limit *, int64_t now, unsigned burst, unsigned long *held);
/* Writes " (N more since the last message)" into buf for held > 0, ""
 * for 0, for the end of a message logged after log_limit(). Returns buf. */
const char *log_held(unsigned long held, char *buf, size_t len);

/* fd.c */

/* Each returns a new descriptor with FD_CLOEXEC set from birth (or, where
 * the flag does not exist, set at once: the supervisor is single-threaded),
 * or -1 with errno from the underlying call. */
int fd_socket(int family, int type);
int fd_pipe(int fds[2]); /* both ends close-on-exec */
int fd_devnull(int oflags); /* open("/dev/null", oflags) */
int fd_set_cloexec(int fd); /* 0 or -1 with errno */
int fd_set_nonblock(int fd); /* 0 or -1 with errno */
/* Returns CLOCK_MONOTONIC in milliseconds. */
int64_t now_ms(void);

/* sigfd.c */

#define SIGFD_CHLD 0x01
#define SIGFD_HUP 0x02
#define SIGFD_TERM 0x04 /* SIGTERM or SIGINT */
#define SIGFD_WINCH 0x08 /* the terminal was resized */
#define SIGFD_TSTP 0x10 /* SIGTSTP: Ctrl-Z */
#define SIGFD_CONT 0x20 /* SIGCONT */
#define SIGFD_INT 0x40 /* SIGINT (Ctrl-C), with SIGFD_TERM */

/* Opens the self-pipe and catches SIGCHLD (stops of children too),
 * SIGHUP, SIGTERM, SIGINT, SIGTSTP, SIGCONT and SIGWINCH; ignores
 * SIGPIPE. Returns the read end (non-blocking, close-on-exec) or -1 with
 * errno. */
int sigfd_open(void);
/* Empties the pipe; returns the SIGFD_* bits of the signals that arrived. */
int sigfd_drain(int fd);
/* Stops the process as SIGTSTP's default action does, and returns once
 * it is continued (SIGCONT), SIGTSTP caught again. */
void sigfd_stop(void);

/* sock.c */

struct sock {
	const struct sockconf *conf; /* listen spec, backlog, name */
	char name[CONF_FDNAME_MAX + 1]; /* name given to the child */
	int fd; /* the held descriptor, or -1 */
	int flags; /* F_GETFL status flags after bind */
	char addr[CONF_PATH_MAX + 16]; /* bound address: 127.0.0.1:8080 */
	int unlink_on_close; /* we created this unix socket file */
	dev_t dev; /* its device and inode, so that we */
	ino_t ino; /* never unlink a file that is not ours */
};

/* Binds and, for stream sockets, listens on s->conf->spec with
 * SO_REUSEADDR (never SO_REUSEPORT). Fills s->fd, s->flags, s->addr (with
 * the port the kernel chose for port 0). A unix socket file left by a dead
 * listener (connect(2) refused) is replaced; any other file at the path is
 * never unlinked; a new one gets the configured mode, user and group.
 * With fallback = next:N, a port in use (EADDRINUSE from bind(2) or
 * listen(2)) makes it try the next, up to conf_last_port(): by binding,
 * never by checking first. Returns 0 or -1 with errno (EADDRINUSE also
 * for a path that holds a live socket and when every port of the range is
 * in use, EEXIST for a path that is not a socket). */
int sock_bind(struct sock *s);
/* Restores the state each child must find: the backlog (a
 * child's listen(2) may have changed it; on a listening socket listen(2)
 * only sets it again) and, if flags is set, the status flags saved at bind
 * (so O_NONBLOCK set by one child does not leak to the next). The flags
 * belong to the open file description that every holder shares: pass
 * flags 0 while any child may still hold the socket, or its accept(2)
 * turns blocking under it. Returns 0 or -1 with errno. */
int sock_reset(const struct sock *s, int flags);
/* Closes s->fd and removes the unix socket file if we created it and it is
 * still the same file. */
void sock_close(struct sock *s);
/* Logs why binding s failed: "bind 127.0.0.1:8080 (http): EADDRINUSE:
 * Address already in use; HINT", naming who holds the port. */
void sock_warn(const struct sock *s, int err);
/* Returns a one-line hint for a bind errno, or "" (never NULL). */
const char *sock_hint(int err, const struct spec *);

/* socks.c */

/* Binds every socket of c in order into a new array *sp (c->nsocks
 * sockets; each points into c->socks), logging each address. Returns 0,
 * or -1 with every socket closed again and the failure logged: the errno
 * by name, who holds the port, what to do. */
int socks_bind(const struct conf *c, struct sock **sp);
/* Moves the n held sockets old to the changed configuration nc: a socket
 * whose listen spec is unchanged keeps its descriptor (and the
 * connections queued on it), a new one is bound, a removed one closed.
 * Returns the new array (nc->nsocks sockets; free() the old array, whose
 * kept descriptors now live in the new one), or NULL with errno when a
 * new socket cannot be bound, and then nothing has changed. A transient
 * errno (errno_transient(): no descriptor left) is described in why (len
 * bytes) for the caller to say once and retry; others are logged. */
struct sock *socks_move(
    struct sock *old, size_t n, const struct conf *nc, char *why, size_t len);
/* Closes the n sockets of s (sock_close()) and frees the array. */
void socks_close(struct sock *s, size_t n);

/* env.c */

/* Builds the child's environment: every string of base except LISTEN_PID,
 * LISTEN_PIDFDID, LISTEN_FDS, LISTEN_FDNAMES, NOTIFY_SOCKET, FDSTORE and
 * those of compat (SERVER_STARTER_PORT, SERVER_STARTER_GENERATION,
 * EINHORN_*), then extra (KEY=VALUE, each replacing a variable of the
 * same name; FDSTORE and compat's pass from there), then
 * NOTIFY_SOCKET=notify unless notify is NULL, then, if nfds > 0,
 * LISTEN_FDS, LISTEN_FDNAMES (names joined by ':') and a LISTEN_PID slot
 * that env_set_pid() fills after fork. Returns a NULL-terminated array
 * (one allocation, free() it) and stores the slot in *pidslot (NULL when
 * nfds == 0), or NULL with errno ENOMEM. A NULL pidslot leaves LISTEN_PID
 * out (listen_pid = none). */
char **env_build(char *const *base, char *const *extra, size_t nextra,
    const char *const *names, size_t nfds, const char *notify, char **pidslot);
/* Writes "LISTEN_PID=<pid>" into a slot from env_build(). Async-signal-safe:
 * it is called in the child between fork() and execve(). */
void env_set_pid(char *pidslot, pid_t pid);
/* Builds the variables of compat (COMPAT_* bits) for n sockets passed as
 * fds 3, 4, ... and bound at addrs[i] (as struct sock's addr: "127.0.0.1:
 * 8080", "[::1]:8080", "unix:/run/x.sock", "udp:" first for datagram
 * sockets): SERVER_STARTER_PORT=127.0.0.1:8080=3;[::1]:8080=4;/run/x.sock=5
 * as Server::Starter writes it (empty with no sockets), then
 * EINHORN_FD_COUNT=n and EINHORN_FD_0=3, EINHORN_FD_1=4, ... as einhorn
 * does. Returns a NULL-terminated array (empty for compat 0) in one
 * allocation (free() it), or NULL with errno ENOMEM. */
char **env_compat(unsigned compat, const char *const *addrs, size_t n);
/* The prefix of the variables env_sockets() makes. */
#define ENV_SOCKET_PREFIX "HOLDPORTS_SOCKET_"
/* Builds, for each of the n sockets of an instance with several
 * children, HOLDPORTS_SOCKET_NAME=ADDRESS (NAME in upper case, every byte
 * but letters and digits made '_'; ADDRESS as struct sock's addr), so
 * that a child finds the others' sockets even on ports the kernel chose.
 * Returns a NULL-terminated array in one allocation (free() it), or NULL
 * with errno ENOMEM. */
char **env_sockets(
    const char *const *names, const char *const *addrs, size_t n);

/* spawn.c */

struct fdpack_limit;

/* Everything a start needs, prepared before fork(2) so that the forked
 * process only makes async-signal-safe calls. */
struct plan {
	char *const *argv; /* the program and its arguments */
	char *const *envp; /* from env_build() */
	char *pidslot; /* from env_build(), or NULL */
	int *fds; /* become 3, 4, ... in this order (the forked copy is
		     overwritten while packing) */
	size_t nfds;
	const char *directory; /* chdir(2) before exec, or NULL */
	pid_t parent; /* the supervisor: PR_SET_PDEATHSIG; 0: none */
	const char *path; /* the PATH argv[0] is searched in when it has no
			     '/' (the child's own); NULL: /bin:/usr/bin */
	char *pathbuf; /* room for one candidate of that search */
	size_t pathlen;
	const struct fdpack_limit *limit; /* the descriptor limit to give
					     the child back; NULL: as is */
	int *scratch; /* nfds descriptors: the copy of fds the new process
			 packs (it may share our memory: proc_spawn()) */
	char *stack; /* PROC_SPAWN_STACK bytes for the new process */
	int tty; /* 1: stdin stays holdports' own, a terminal, and the new
		    process group becomes its foreground (term_lend()) */
	const int *out; /* two descriptors for 1 and 2 (out.h), or NULL:
			   holdports' own stdout and stderr */
};

/* Starts plan as the leader of a new process group, with the plan's
 * descriptors at 3, 4, ..., its out descriptors (if any) at 1 and 2, the
 * default signal dispositions, an empty
 * signal mask, /dev/null on stdin (or, with plan->tty, holdports' stdin
 * with the new group in its foreground) and the descriptor limit holdports was
 * started with, executed directly (its pid is the one in LISTEN_PID;
 * argv[0] without a '/' is searched in plan->path, as execvp(3) does),
 * and returns its pid once execve(2) has succeeded. Returns -1 with
 * errno when fork(2) fails or when the process could not chdir or exec
 * (it is reaped before returning); *stage is then "fork", "chdir",
 * "execve", ... */
pid_t spawn(const struct plan *plan, const char **stage);
/* Sends signo to process group pgid. Returns 0, or -1 with errno (ESRCH
 * when the group is empty). */
int spawn_kill(pid_t pgid, int signo);
/* Returns 1 while any process (a zombie too) is in group pgid, else 0. */
int spawn_group_alive(pid_t pgid);
/* proc_linux.c, proc_none.c: what only some kernels can do. */

/* The stack a process started by proc_spawn() runs on, in bytes. */
#define PROC_SPAWN_STACK (256 * 1024)

/* Starts fn(arg) in a new process and returns its pid once it has called
 * execve(2) or _exit(2): on Linux with clone(2) and CLONE_VM |
 * CLONE_VFORK, as glibc's posix_spawn(3) does, so that no page table is
 * copied (a start is about 0.3 ms faster than with fork(2)); the new
 * process runs on stack (PROC_SPAWN_STACK bytes) and shares our memory
 * until then. Elsewhere, and built with AddressSanitizer, fork(2), which
 * returns at once. fn must make only async-signal-safe
 * calls, must never return, and must write no memory of ours but what
 * the caller set aside for it (its stack, a scratch copy); every signal
 * must be blocked across the call. Returns the pid, or -1 with errno. */
pid_t proc_spawn(int (*fn)(void *), void *arg, char *stack);
/* Makes the supervisor the reaper of its orphaned descendants
 * (PR_SET_CHILD_SUBREAPER). Returns 0, or -1 with errno ENOSYS where the
 * system has no such thing: then a lingering group is re-checked on a
 * timer instead of on SIGCHLD. */
int proc_subreaper(void);
/* Sets FD_CLOEXEC on every descriptor >= lowfd that the supervisor
 * inherited, so that none of them reaches a child. */
void proc_cloexec_from(int lowfd);
/* Makes the datagram socket fd pass each sender's credentials with every
 * datagram (Linux: SO_PASSCRED, then SCM_CREDENTIALS). Call it before
 * bind(2), so that no datagram arrives without them. Returns 0, or -1
 * with errno from setsockopt(2), or ENOSYS where it is not implemented:
 * then senders are unknown (proc_cred_pid() returns 0). */
int proc_passcred(int fd);
/* Returns the sender's pid from the control data of a datagram received
 * by recvmsg(2) on a socket set up by proc_passcred(), or 0 when there is
 * none (or it is not implemented). Only reads msg; cannot fail. */
pid_t proc_cred_pid(const struct msghdr *msg);
/* Returns 1 if the descriptors a and b of this process refer to the same
 * open file description (Linux: kcmp(2) KCMP_FILE, as systemd's same_fd()
 * asks first), 0 if not; or -1 with errno ENOSYS where the system cannot
 * tell, EPERM or EACCES where a security policy (seccomp) refuses
 * kcmp(2), EBADF for a descriptor that is not open. */
int proc_same_file(int a, int b);
/* Returns the poll(2) event that reports that the peer of a stream socket
 * shut down its writing side, as a TCP peer's close() (FIN) does (Linux:
 * POLLRDHUP), or 0 where the system has none. */
short proc_poll_rdhup(void);
/* Fills pids with up to max pids of the supervisor's own direct children,
 * zombies included: the child, a build, the guard (leave that one out)
 * and any orphan re-parented to us as subreaper, such as a daemonized
 * grandchild that left the child's group with setsid(2). Linux: the
 * /proc/self/task/TID/children file of every thread (proc(5),
 * CONFIG_PROC_CHILDREN), else the ppid field of each /proc/PID/stat; a
 * child forked or reaped meanwhile may be missed. Returns the number
 * stored (the rest, if any, are left for the next call), or 0 with errno
 * set when they cannot be listed (ENOSYS where not implemented). Not
 * async-signal-safe: call it in the supervisor, not after fork(). */
size_t proc_children(pid_t *pids, size_t max);
/* In a child between fork(2) and execve(2), with parent the supervisor's
 * pid taken before fork: asks for SIGKILL when the parent dies (Linux:
 * prctl(2) PR_SET_PDEATHSIG; kept across execve(2) except of a set-user-ID
 * or capability binary), then checks that the parent has not already died
 * before the call. Returns 0 (also where not implemented), or -1 with
 * errno ESRCH (the parent is gone: _exit) or from prctl(2).
 * Async-signal-safe. */
int proc_pdeathsig(pid_t parent);
/* Closes every descriptor >= lowfd (Linux: those listed in /proc/self/fd;
 * elsewhere, or without /proc, a loop bounded by RLIMIT_NOFILE and 65536).
 * For a forked copy of the supervisor that does not exec (the guard): not
 * async-signal-safe (opendir(3)), safe there because the supervisor has one
 * thread. Cannot fail. */
void proc_closefrom(int lowfd);
/* Stores in *start when process pid started, in clock ticks after boot
 * (Linux: field 22, starttime, of /proc/PID/stat, proc(5)): with the pid
 * it names one process for good, as a pid alone does not once it is
 * reused. Returns 0, or -1 with errno ESRCH (no such process, or only a
 * zombie, which holds no port and answers no signal), ENOSYS where the
 * system cannot tell (proc_none.c), or from open(2) or read(2). */
int proc_start_time(pid_t pid, unsigned long long *start);

/* What a socket the kernel lists on a port is doing (proc_socks()). */
enum psock_state {
	PSOCK_LISTEN, /* holds the address: a TCP listener, a bound UDP
			 socket, a listening unix socket */
	PSOCK_TIMEWAIT, /* TCP TIME_WAIT: a closed connection the kernel
			   keeps for about a minute; no process owns it */
	PSOCK_CONN /* any other TCP state: a connection, or one opening or
		      closing, whose local port this is */
};

/* One socket from the kernel's tables (proc_socks()). */
struct psock {
	enum psock_state state;
	const char *statename; /* "LISTEN", "ESTABLISHED", ... */
	char host[CONF_HOST_MAX]; /* local address, numeric; "" for unix */
	unsigned port; /* local port; 0 for unix */
	long uid; /* the owner's uid as the kernel recorded it, or -1 */
	unsigned long inode; /* its inode; 0 when none (TIME_WAIT) */
};

/* Calls fn(ps, arg) for each socket of type (SOCK_STREAM or SOCK_DGRAM)
 * whose local port is port, IPv4 and IPv6 alike, or, when path is not
 * NULL, for each unix socket bound to path (Linux: /proc/net/tcp, tcp6,
 * udp, udp6 and unix, proc(5)). Returns 0, or -1 with errno ENOSYS where
 * the system has no such tables (proc_none.c), or from fopen(3). */
int proc_socks(int type, unsigned port, const char *path,
    void (*fn)(const struct psock *ps, void *arg), void *arg);
/* Returns the lowest pid that has socket inode open (Linux: the
 * "socket:[INODE]" links of /proc/PID/fd, proc(5)), or 0 when no process
 * that could be read has it; *unreadable is then the number of processes
 * whose descriptors could not be read (those of other users). Returns 0
 * with errno ENOSYS where not implemented. Cannot fail otherwise. */
pid_t proc_sock_owner(unsigned long inode, size_t *unreadable);
/* Writes the command line of pid into buf (len bytes, cut there), its
 * arguments joined by spaces (Linux: /proc/PID/cmdline; for a process
 * without one, a kernel thread or a zombie, "[comm]" from
 * /proc/PID/stat). Returns 0, or -1 with errno (ENOSYS where not
 * implemented, ESRCH when gone) and buf "". */
int proc_cmdline(pid_t pid, char *buf, size_t len);

/* notify.c: the supervisor's end of the sd_notify(3) protocol: readiness
 * and status messages from the children. */

#define NOTIFY_MAX 4096 /* bytes a datagram may have; systemd: PIPE_BUF */
/* Descriptors one datagram can carry (Linux: SCM_MAX_FD). */
#define NOTIFY_FDS_MAX 253

struct notify_msg {
	pid_t pid; /* sender (SCM_CREDENTIALS), or 0 if unknown */
	int ready; /* READY=1 was sent */
	int reloading; /* RELOADING=1 */
	int stopping; /* STOPPING=1 */
	pid_t mainpid; /* MAINPID=, or 0 */
	int errnum; /* ERRNO=, or 0 */
	char status[256]; /* STATUS=, or "" */
	/* The fd store (sd_notify(3)): the lines "FDSTORE=1",
	 * "FDSTOREREMOVE=1", "BARRIER=1" and "FDPOLL=0" exactly, as systemd
	 * tests them; the first FDNAME= line. */
	int fdstore; /* FDSTORE=1: keep the descriptors */
	int fdstoreremove; /* FDSTOREREMOVE=1: drop those named fdname */
	int no_fdpoll; /* FDPOLL=0: no hang-up watch */
	int barrier; /* BARRIER=1: the descriptor is only to be closed */
	int fdname_set; /* FDNAME= came with a valid name, in fdname */
	int fdname_bad; /* FDNAME= came with a name that is not valid */
	char fdname[CONF_FDNAME_MAX + 1];
	/* The descriptors the datagram carried (SCM_RIGHTS), close-on-exec,
	 * in the order sent; whoever keeps one sets its slot to -1, and
	 * notify_msg_close() closes the others. */
	int fds[NOTIFY_FDS_MAX];
	size_t nfds;
	int fds_lost; /* MSG_CTRUNC: some sent descriptors did not arrive
			 (our descriptor table was full) */
};

/* Parses one datagram of len bytes: newline-separated KEY=VALUE lines
 * (sd_notify(3)); unknown keys are ignored. FDNAME= takes a name as
 * sd_listen_fds(3) does (printable ASCII but ':', at most 255 bytes, the
 * empty name too, as systemd's fdname_is_valid()); another value sets
 * fdname_bad, not an error. No descriptors: nfds is 0. Returns 0, or -1
 * with errno EINVAL for a malformed one (a NUL byte, a line without '=',
 * a bad number in MAINPID= or ERRNO=). */
int notify_parse(const char *buf, size_t len, struct notify_msg *m);
/* Closes every descriptor of m not taken (slot -1) and empties the list.
 * Returns how many it closed. Cannot fail. */
size_t notify_msg_close(struct notify_msg *m);

struct notify;

/* Opens the datagram socket children send to: on Linux an abstract
 * address, elsewhere a socket file in dir (created 0700 by the caller).
 * Close-on-exec, non-blocking, with the sender's credentials passed.
 * Returns NULL with errno. */
struct notify *notify_open(const char *dir);
/* The value for NOTIFY_SOCKET ("@holdports/..." or a path). */
const char *notify_addr(const struct notify *);
int notify_fd(const struct notify *);
/* Reads pending datagrams until one parses: returns 1 with *m filled, 0
 * when none is left (or after dropping 64, so that a flood cannot hold the
 * loop: poll(2) tells that more wait), -1 with errno on a read error.
 * Oversized, malformed or credential-less datagrams are dropped with a
 * warning: the first of each kind, then at most one per LOG_REPEAT_MS
 * that counts those held back (log_limit()); the descriptors they carried
 * are closed. Those of a message returned are in m->fds: the caller owns
 * them and ends with notify_msg_close(m). */
int notify_recv(struct notify *, struct notify_msg *m);
/* Closes the socket and removes its file, if it has one. */
void notify_close(struct notify *);

/* guard.c: kills the children's process groups if holdports dies,
 * however it dies: PR_SET_PDEATHSIG reaches only the direct child. */

/* Forks the guard process, joined to us by a pipe, and stores its pid in
 * *pidp: the guard is our child, so the reaper sees it if it dies, and
 * proc_children() lists it (it is no stray). The guard runs in its own
 * process group, ignores the signals meant for holdports or its terminal,
 * holds no descriptor but 0, 1, 2 and the pipe, and on end-of-file (we
 * are gone, however we died) sends SIGKILL to each group it was told of
 * and exits 0. Returns the pipe's write end (close-on-exec, non-blocking;
 * closing it makes the guard do that at once), or -1 with errno from
 * pipe(2), fcntl(2) or fork(2). */
int guard_start(pid_t *pidp);
/* Tells the guard that process group pgid (> 1) exists (add = 1) or is
 * gone (add = 0): tell it as soon as the group is empty, before its pgid
 * can be reused. Never blocks. Returns 0, or -1 with errno: EPIPE when
 * the guard is gone (SIGPIPE must be ignored, as sigfd_open() does),
 * EAGAIN when the pipe is full (the guard is stopped), EINVAL for pgid <=
 * 1. */
int guard_tell(int fd, pid_t pgid, int add);

/* The supervisor's end of the guard. */
struct guard {
	int fd; /* the pipe's write end, or -1: no guard */
	pid_t pid; /* the guard process, a child of ours; 0: none */
};

/* Tells the guard g about process group pgid as guard_tell() does. The
 * first failure (the guard died, or its pipe is full) is logged and the
 * guard given up (g->fd -1): kill -9 of holdports would then leave
 * grandchildren running. Does nothing when g has no guard. */
void guard_note(struct guard *g, pid_t pgid, int add);

/* strays.c: processes re-parented to us that no child accounts for. */

/* One stray being stopped. */
struct stray {
	pid_t pid;
	int64_t deadline; /* SIGKILL at, ms */
	int killed; /* SIGKILL sent */
};

struct strays {
	struct stray *v; /* being stopped */
	size_t n, cap;
	pid_t *list; /* scratch for proc_children() */
	size_t listcap;
};

/* Stops, with cc's stop_signal (then SIGKILL after its stop_timeout, by
 * strays_timer()), every process re-parented to us for which known(pid,
 * arg) is 0: one no child of ours started or accounts for. Each is told
 * to the guard g: if it leads a group of its own, the guard can reach its
 * workers. Call it when a child has started (only strays of earlier
 * children exist then) and while stopping. A struct strays starts zeroed.
 * Cannot fail: what cannot be listed or kept now is left for the next
 * call. */
void strays_scan(struct strays *st, int64_t now, const struct childconf *cc,
    int (*known)(pid_t, void *), void *arg, struct guard *g);
/* Returns the earliest SIGKILL deadline of a stray (ms), or -1. */
int64_t strays_deadline(const struct strays *st);
/* Sends SIGKILL to each stray whose deadline has passed at now. */
void strays_timer(struct strays *st, int64_t now);
/* The reaper got pid: returns 1 if it was a stray (forgotten now, and
 * the guard told), else 0. */
int strays_reaped(struct strays *st, pid_t pid, struct guard *g);
/* Frees what st holds (not st itself). */
void strays_free(struct strays *st);

/* holder.c: who holds a port or a socket path, for the message of a
 * bind(2) that failed with EADDRINUSE. */

/* Returns 1 if sockets bound to the numeric hosts a and b (as spec_scan()
 * makes them, or as the kernel lists them) would clash on one port: the
 * same address, or a wildcard (0.0.0.0, ::) on either side, or b the
 * IPv4-mapped form of a. Else 0. */
int holder_hosts_clash(const char *a, const char *b);
/* Returns 1 if addr, an address of the registry ("127.0.0.1:8080",
 * "[::1]:8080", "unix:/x", with "udp:" first for datagram sockets),
 * clashes with spec sp bound at port (ignored for unix), else 0. */
int holder_addr_clash(const char *addr, const struct spec *sp, unsigned port);

/* What holder_find() found out. */
enum holder_kind {
	HOLDER_LISTENER, /* a process holds it: buf names it */
	HOLDER_NOLISTEN, /* nobody listens; only TIME_WAIT or connections */
	HOLDER_NONE, /* nothing visible holds it */
	HOLDER_UNKNOWN /* this system cannot tell: buf says what is missing */
};

/* Finds who holds sp at port (a unix socket: at its path) and writes it
 * into buf (len bytes): "holdports instance 'web' (pid 42, socket 'http',
 * config /src/web/ports.ini)" from the registry, else "pid 42 (python3
 * -m http.server)", "a process of user bob (uid 1001)", or what is known
 * about sockets that do not listen. Returns what it found. */
enum holder_kind holder_find(
    const struct spec *sp, unsigned port, char *buf, size_t len);
/* Logs why binding s failed with EADDRINUSE (where: its SPEC): the
 * holder and what to do, or, with fallback, the range that was tried and
 * the holders of its first ports. */
void holder_warn(const struct sock *s, const char *where);

/* cmd.c: the subcommands that act through the registry: ls, reload,
 * stop. */

/* Writes s as a JSON string, quotes included, into buf (len bytes, cut
 * there but always NUL-terminated when len > 0): '"', '\' and control
 * characters escaped (RFC 8259), bytes that are not UTF-8 replaced by
 * U+FFFD. Returns the length the whole string needs, as snprintf(3). */
size_t cmd_json_quote(char *buf, size_t len, const char *s);
/* holdports ls [--json]: argv[0] is "ls". Returns the exit status, or -1
 * for a usage error with the message in err (CONF_ERR_MAX bytes). */
int cmd_ls(int argc, char **argv, char *err);
/* holdports reload|stop [NAME|PID]: sends signo (SIGHUP or SIGTERM) to
 * the instance that argv[1] names, or, without it, to the one whose
 * configuration is ./ports.ini or else the only one running. Returns the
 * exit status (1: none found; 2: ambiguous, the candidates listed), or -1
 * for a usage error with the message in err (CONF_ERR_MAX bytes). */
int cmd_signal(int argc, char **argv, int signo, char *err);

/* loop.c */

/* Runs the supervisor until it stops: takes the configuration c that
 * conf_build() made from the command line o (c is the loop's now, left
 * empty as conf_init() makes it; o
 * must outlive it: a change of the file is read again through it), binds
 * the sockets, starts the children and owns the only poll(2) until a
 * SIGTERM or SIGINT has stopped them all. Returns the exit status for
 * main: 0 after a clean stop, 1 when a socket cannot be bound or the
 * loop cannot run. */
int loop_run(struct conf *c, const struct opts *o);

#endif
