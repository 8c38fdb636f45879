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
/*
 * Writes the string s into buf (len bytes), fit to be shown on a terminal
 * whoever wrote it (another user's command line, a file name, a child's
 * STATUS=): each control character (C0, DEL, C1), line or paragraph
 * separator and bidirectional override, and each byte that is not part
 * of well-formed UTF-8, becomes \xNN for each of its bytes (ESC is
 * \x1b), and a backslash becomes \\, so that the text cannot move the
 * cursor, erase or recolour a line, or pass for an escape it is not.
 * Other UTF-8 is kept. Cut to fit, never inside an escape or a UTF-8
 * sequence, and NUL-terminated when len > 0. Returns buf. Cannot fail.
 */
const char *log_clean(char *buf, size_t len, const char *s);
/* log_clean() of the n bytes at s, which need not end in a NUL (a NUL
 * among them is escaped too). Returns buf. */
const char *log_clean_mem(char *buf, size_t len, const char *s, size_t n);
/* Every log_* function above writes its message as log_clean() would but
 * leaves backslashes alone: nothing reaches stderr raw, and text already
 * cleaned is shown as it is. */

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
/* Closes fd keeping errno, and returns -1: the end of an error path. */
int close_fail(int fd);
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

/* rand.c */

/* Fills buf with len random bytes from the kernel (/dev/urandom, random(4)).
 * Returns 0, or -1 with errno from open(2) or read(2) (EIO: the device
 * ended). */
int rand_bytes(void *buf, size_t len);
#define RAND_NAME_MAX 64
/* Writes n (at most RAND_NAME_MAX) random characters of [a-z2-7], 5 bits
 * each, and a NUL into buf (n + 1 bytes): a name nobody can guess. Returns
 * 0, or -1 with errno from rand_bytes(), or EINVAL for n too large. */
int rand_name(char *buf, size_t n);

/* sock.c */

#define SOCK_OPTS_MAX 128 /* options kept; at least proc_sockopts()' */
#define SOCK_OPT_SIZE 40 /* bytes of one option's value (IP_OPTIONS) */
#define SOCK_OPT_NONE 0xff /* in optlen[]: not kept (not on this socket) */

/* One held socket. Plain data: the loop copies it by value. */
struct sock {
	const struct sockconf *conf; /* listen spec, backlog, name */
	char name[CONF_FDNAME_MAX + 1]; /* name given to the child */
	int fd; /* the held descriptor, or -1 */
	int flags; /* F_GETFL status flags after bind */
	char addr[CONF_PATH_MAX + 16]; /* bound address: 127.0.0.1:8080 */
	int unlink_on_close; /* we created this unix socket file */
	int hups; /* hang-ups repaired while a child ran (SOCK_HUPS_MAX) */
	dev_t dev; /* its device and inode, so that we */
	ino_t ino; /* never unlink a file that is not ours */
	/* What sock_check() restores, as found right after bind and
	 * listen: the address (with the port the kernel chose), the owner
	 * for SIGIO and SIGURG, and each option of proc_sockopts(). */
	struct sockaddr_storage bound;
	socklen_t boundlen;
	int owner; /* F_GETOWN */
	unsigned char optlen[SOCK_OPTS_MAX]; /* or SOCK_OPT_NONE */
	unsigned char opt[SOCK_OPTS_MAX][SOCK_OPT_SIZE];
};

/* Binds and, for stream sockets, listens on s->conf->spec with
 * SO_REUSEADDR (never SO_REUSEPORT). Fills s->fd, s->flags, s->addr (with
 * the port the kernel chose for port 0) and what sock_check() restores. A unix
 * socket file left by a dead listener (connect(2) refused) is replaced; any
 * other file at the path is never unlinked; a new one gets the configured mode,
 * user and group. With fallback = next:N, a port in use (EADDRINUSE from
 * bind(2) or listen(2)) makes it try the next, up to conf_last_port(): by
 * binding, never by checking first. Returns 0 or -1 with errno (EADDRINUSE also
 * for a path that holds a live socket and when every port of the range is
 * in use, EEXIST for a path that is not a socket). */
int sock_bind(struct sock *s);
/* sock_check() flags */
#define SOCK_CHECK_KEEP_FLAGS 0x01 /* leave the file status flags alone */
/* sock_check() results besides -1 */
#define SOCK_CHECK_SAME 0 /* nothing differed */
#define SOCK_CHECK_RESTORED 1 /* something was set back in place */
#define SOCK_CHECK_REBOUND 2 /* a new socket took the old one's place */

/*
 * Undoes what a child left on the held socket s, so that the next child
 * finds it as bind left it; call it when each child exits (a listener a
 * child shut down must listen again at once, before another process binds
 * the port) and before each start. In place: the file status flags
 * (O_NONBLOCK is shared by every holder of the socket; with
 * SOCK_CHECK_KEEP_FLAGS, for while an older child still serves on it,
 * they are left alone), the F_SETOWN owner, each option of
 * proc_sockopts() that differs (set back, then read back), an attached
 * BPF filter (detached), a connect(2) of a datagram socket (dissolved
 * with AF_UNSPEC), a TCP listener shut down (listen(2) again: the
 * connections queued on it were reset by the shutdown) and the backlog.
 * What cannot be undone in place (a locked filter, a unix or UDP socket
 * shut down, a TCP socket connected, an option the kernel will not set
 * back, an address lost, a unix socket file removed) is repaired by
 * binding the same address again
 * with a new socket, which takes the old one's descriptor number (dup2:
 * every copy of s->fd stays valid; the child's copies are gone with it):
 * for TCP the old socket is shut down first, so that it lets go of the
 * port also where another process still holds it, and the new one binds
 * and listens right after, with SO_REUSEADDR (until then, microseconds,
 * another process could bind the port; a SO_REUSEPORT hand-over would
 * leave the port open to any socket of our user for good); for UDP the
 * old one is closed first; a unix socket is bound at a new random name in
 * the same folder and renamed over the old file: no window at all. Each
 * repair is logged (the option names at -v, the rest as warnings). A
 * SO_REUSEPORT a child set is cleared, and another process that joined
 * the port meanwhile is named in a warning (it keeps a share of the
 * connections until it is stopped). Returns SOCK_CHECK_SAME,
 * SOCK_CHECK_RESTORED or SOCK_CHECK_REBOUND, or -1 with errno (logged)
 * when the socket could not be repaired: EADDRINUSE when another process
 * took the port meanwhile; s->fd is then a socket that the next call tries
 * to repair again.
 */
int sock_check(struct sock *s, int flags);
/*
 * The part of sock_check() for a socket a running child may still use,
 * when poll(2) reports a hang-up on it (POLLHUP, POLLRDHUP: a child shut
 * it down): a TCP listener listens again in place, where the child's copy
 * listens again too; what cannot be undone in place is repaired by a new
 * socket at the same address, as sock_check() does (the running child's
 * copy is then dead, until the next start). Leaves alone what a running
 * child may set on purpose: the file status flags and the options.
 * Returns as sock_check() does.
 */
int sock_check_shut(struct sock *s);
/* At most this many hang-ups of one socket are repaired while a child
 * runs (struct sock's hups); past it the socket is not watched until the
 * next start, so that one that keeps hanging up cannot spin the loop. */
#define SOCK_HUPS_MAX 8
/* sock_check(s, 0), for the start of a child: returns 0, or -1 with
 * errno. */
int sock_reset(struct sock *s);
/*
 * Gives the unix socket file of s, bound earlier, the mode, user and group
 * of nc, its new configuration (a live edit of mode =, user =, group =):
 * what a new bind would give, so a key removed goes back to the default
 * (0777 less the umask; holdports' own user and group). Only the inode
 * that s bound is changed, never through a link (proc_sock_own()). Does
 * nothing (returns 0) for a socket that is not a unix socket file of
 * ours. Returns 0, or -1 with errno from proc_sock_own() (ELOOP, ESTALE:
 * the file at the path is not ours any more; EPERM); the file is then as
 * it was, or with the new mode and the old owner.
 */
int sock_unix_apply(const struct sock *s, const struct sockconf *nc);
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
	int cgroup; /* the folder of its cgroup (cgroup_dir_fd()), which
		       it starts in (proc_spawn_into()); -1: none */
	int cgroup_procs; /* that cgroup's cgroup.procs (cgroup_procs_fd()),
			     entered first thing in the new process where
			     it cannot start in it */
};

/* Starts plan as the leader of a new process group, with the plan's
 * descriptors at 3, 4, ..., its out descriptors (if any) at 1 and 2, the
 * default signal dispositions, an empty
 * signal mask, /dev/null on stdin (or, with plan->tty, holdports' stdin
 * with the new group in its foreground) and the descriptor limit holdports was
 * started with, in its cgroup (plan->cgroup), executed directly (its pid
 * is the one in LISTEN_PID; argv[0] without a '/' is searched in
 * plan->path, as execvp(3) does), and returns its pid once execve(2) has
 * succeeded. Returns -1 with errno when fork(2) fails or when the process
 * could not enter its cgroup, chdir or exec (it is reaped before
 * returning); *stage is then "fork", "cgroup", "chdir", "execve", ... */
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
/* As proc_spawn(), but the new process starts in the cgroup whose folder
 * is open as cgroup (cgroup_dir_fd()): Linux 5.7's clone3(2) with
 * CLONE_INTO_CGROUP, CLONE_VFORK and, on x86-64 and arm64, CLONE_VM, the
 * new process on stack (elsewhere, and built with AddressSanitizer,
 * without CLONE_VM: it gets a copy of our memory, as with fork(2)). Moving a
 * running process instead (a write to cgroup.procs) waits for an RCU
 * grace period of the kernel's, 5 to 20 ms, at every start. Returns the
 * pid, or -1 with errno: ENOSYS where the system has no such call (the
 * caller then uses proc_spawn() and moves the process itself), or from
 * clone3(2) (EINVAL, E2BIG: a kernel without CLONE_INTO_CGROUP). */
pid_t proc_spawn_into(int (*fn)(void *), void *arg, char *stack, int cgroup);
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
 * set when they cannot be listed (ENOSYS on systems without /proc:
 * proc_none.c). Not async-signal-safe: call it in the supervisor, not after
 * fork(). */
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

/*
 * Gives the unix socket file at path the mode (when not -1: chmod(2)),
 * owner uid and group gid (each -1: unchanged; chown(2)), but only if the
 * path still names the socket inode (dev, ino) that bind(2) made, and
 * never through a symbolic link: in a folder that others can write, the
 * file can be replaced by a link to any file at any moment, and root would
 * then change that file. Linux: the file is opened with O_PATH |
 * O_NOFOLLOW, checked with fstat(2), and changed through that descriptor
 * (fchownat(2) AT_EMPTY_PATH; chmod(2) of /proc/self/fd/N, which reaches
 * the inode the descriptor holds, not a name): no window at all.
 * Elsewhere: lstat(2), then lchown(2) and fchmodat(2) with
 * AT_SYMLINK_NOFOLLOW, which never follow a link, then lstat(2) again; a
 * hard link to another file put at the path between the checks is still
 * changed, which is why such a folder is no place for the socket there.
 * Returns 0, or -1 with errno: ELOOP (the path is a symbolic link now),
 * ESTALE (it names another file now), EOPNOTSUPP (Linux without /proc:
 * the mode cannot be changed safely), or from open(2), chmod(2),
 * fchownat(2) (EPERM: user = needs root).
 */
int proc_sock_own(
    const char *path, dev_t dev, ino_t ino, int mode, long uid, long gid);

/* Returns a new file of len bytes of zeros that has no name (Linux:
 * memfd_create(2); elsewhere a mkstemp(3) file in /tmp, unlinked at once),
 * close-on-exec, for the state two processes of ours share. Returns -1
 * with errno from the calls. */
int proc_anonfile(size_t len);

/* A socket option whose value sock_check() keeps as it was after bind. */
struct proc_sockopt {
	int level; /* SOL_SOCKET, IPPROTO_TCP, ... */
	int name; /* SO_RCVBUF, TCP_DEFER_ACCEPT, ... */
	const char *text; /* "SO_RCVBUF", for messages */
	int quirk; /* PROC_SOCKOPT_* */
};
/* How sock_check() sets an option back (struct proc_sockopt's quirk):
 * PLAIN, the bytes read after bind; DOUBLED, half of them, for an option
 * that reads twice what was set (Linux: the buffer sizes, socket(7));
 * LINGER, a struct linger, whose l_linger counts only when l_onoff is
 * set; ZERO, 0 ("none"), which reads as the default (TCP_MAXSEG: setting
 * the default itself would clamp every connection to it). */
#define PROC_SOCKOPT_PLAIN 0
#define PROC_SOCKOPT_DOUBLED 1
#define PROC_SOCKOPT_LINGER 2
#define PROC_SOCKOPT_ZERO 3
/* Stores in *v the table of the socket options that matter on a held
 * socket (inherited by accepted connections, or changing what the next
 * child's accept(2) or recv(2) does), each guarded by #ifdef. Returns its
 * length. Cannot fail. */
size_t proc_sockopts(const struct proc_sockopt **v);
/* Returns 1 if socket fd's receiving side was shut down (shutdown(2)
 * SHUT_RD or SHUT_RDWR; Linux: POLLRDHUP, elsewhere only POLLHUP, both
 * sides), which on a unix listener or a UDP socket no call undoes; 0 if
 * not; -1 with errno from poll(2). Never blocks. */
int proc_sock_shut(int fd);
/* Removes a BPF filter attached to socket fd (SO_ATTACH_FILTER,
 * SO_ATTACH_BPF; socket(7)) and a reuseport program
 * (SO_ATTACH_REUSEPORT_CBPF). Returns 1 if a filter was removed, 0 if
 * there was none, or -1 with errno: EPERM when it is locked
 * (SO_LOCK_FILTER: only a new socket is free of it), ENOSYS where the
 * system has no such filters. */
int proc_sock_unfilter(int fd);

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
 * with errno ENOSYS on systems without /proc (proc_none.c). Cannot fail
 * otherwise. */
pid_t proc_sock_owner(unsigned long inode, size_t *unreadable);
/* Writes the command line of pid into buf (len bytes, cut there), its
 * arguments joined by spaces (Linux: /proc/PID/cmdline; for a process
 * without one, a kernel thread or a zombie, "[comm]" from
 * /proc/PID/stat), cleaned with log_clean(): another user chose those
 * bytes, and they may hold escape sequences. Returns 0, or -1 with errno
 * (ENOSYS on systems without /proc, ESRCH when gone) and buf "". */
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

/* Opens the datagram socket children send to: an abstract address with
 * a random name ("@holdports/RANDOM": another process can neither guess
 * it nor take it first), or, where the system has no abstract names or
 * they cannot be had, a socket file in a folder of our own made in dir
 * (an absolute path; mkdtemp(3), mode 0700). A name taken never makes it
 * fail. Close-on-exec, non-blocking, with the sender's credentials
 * passed. Returns NULL with errno (EINVAL: no abstract names and dir NULL
 * or relative; or from socket(2), mkdtemp(3), bind(2)). */
struct notify *notify_open(const char *dir);
/* notify_open() without trying an abstract name: the socket file in a
 * folder of our own in dir. */
struct notify *notify_open_file(const char *dir);
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
/* Closes the socket and removes its file and folder, if it has them (a
 * file that replaced its socket file is left alone). NULL is fine. */
void notify_close(struct notify *);

/* guard.c: kills the children's process groups if holdports dies: the
 * parent-death signal reaches only the direct child. */

/* Forks the guard process and stores its pid in *pidp: the guard is our
 * child, so the reaper sees it if it dies, and proc_children() lists it
 * (it is no stray). The guard runs in its own process group, ignores the
 * signals meant for holdports or its terminal, and holds no descriptor but
 * 0, 1, 2 and a file shared with us (proc_anonfile()) that lists the
 * process groups guard_tell() recorded. We hold a write lock on that file
 * (fcntl(2)); once it is released, because we closed the returned
 * descriptor or died however (even by SIGKILL), the guard sends SIGKILL to
 * each group still listed and exits 0. Returns the file's descriptor
 * (close-on-exec; never dup(2) it or open the file again: closing any
 * descriptor of it releases the lock), or -1 with errno from
 * proc_anonfile(), fcntl(2) or fork(2). */
int guard_start(pid_t *pidp);
/* Records in the guard's file (fd from guard_start()) that process group
 * pgid (> 1) exists (add = 1) or is gone (add = 0): tell it as soon as the
 * group is empty, before its pgid can be reused. Never waits for the guard
 * (a stopped guard changes nothing) and never loses a change. Returns 0,
 * or -1 with errno: EINVAL for pgid <= 1, ENOSPC when 1024 groups are
 * recorded already, or from pread(2) and pwrite(2). */
int guard_tell(int fd, pid_t pgid, int add);
/* Records in the guard's file the folder of holdports' cgroups (dir,
 * cgroup_path()): once holdports is gone the guard kills every process in
 * them too (cgroup_kill_tree()), which reaches what left its process
 * group, and removes them. An empty dir forgets it. Returns 0, or -1 with
 * errno (ENAMETOOLONG, or from pwrite(2)). */
int guard_cgroup(int fd, const char *dir);
/* For a clean exit, once every child is stopped: closes fd (the guard
 * then kills what is still recorded and exits) and reaps the guard pid,
 * so that no zombie is left where nothing else reaps (the init of a
 * container). Waits at most 2 s for it to exit, then kills it (a guard
 * stopped by SIGSTOP cannot exit by itself) and reaps it. A guard reaped
 * already (ECHILD) is fine. Blocks: call it after the loop. Returns 0, or
 * -1 with errno from waitpid(2) or kill(2). */
int guard_stop(int fd, pid_t pid);

/* The supervisor's end of the guard. */
struct guard {
	int fd; /* the guard's shared file, or -1: no guard */
	pid_t pid; /* the guard process, a child of ours; 0: none */
};

/* Tells the guard g about process group pgid as guard_tell() does. A
 * failure (ENOSPC: too many groups at once) is logged, and that group is
 * then not killed if holdports dies; the guard is never given up: closing
 * its descriptor would make it kill every group it knows while we run.
 * Does nothing when g has no guard. */
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
/* Counts the sockets other than s itself that listen on s's port
 * (Linux: /proc/net/tcp and tcp6, or udp; a unix socket: never), such as
 * one that joined while a child had set SO_REUSEPORT on s, and describes
 * the first into buf (len bytes) as holder_find() does. Returns the
 * count; 0 also when the system cannot tell. */
int holder_others(const struct sock *s, char *buf, size_t len);
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
