/* SPDX-License-Identifier: ISC */
/* holdports child API: find the sockets passed by holdports or systemd. */

#ifndef HP_HOLDPORTS_H
#define HP_HOLDPORTS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library is built with -fvisibility=hidden; only what is marked
 * HP_EXPORT is exported from the shared object.
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define HP_EXPORT __attribute__((visibility("default")))
#else
#define HP_EXPORT
#endif

/* Lets the compiler check the format of hp_notifyf() like printf's. */
#if defined(__GNUC__) && __GNUC__ >= 3
#define HP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define HP_PRINTF(fmt, args)
#endif

/* The first passed file descriptor, as SD_LISTEN_FDS_START. */
#define HP_LISTEN_FDS_START 3

/*
 * hp_listen_fds: how many sockets were passed to this process, as
 * sd_listen_fds(3) of libsystemd 252, plus the LISTEN_PIDFDID check of
 * later systemd releases.
 *
 * Reads LISTEN_PID, LISTEN_PIDFDID and LISTEN_FDS. Returns 0 when
 * LISTEN_PID or LISTEN_FDS is unset, when LISTEN_PID is not our pid, or
 * when LISTEN_PIDFDID is set, our own pidfd inode id can be read and they
 * differ. Otherwise returns n, the number of fds HP_LISTEN_FDS_START ..
 * HP_LISTEN_FDS_START+n-1, and has set FD_CLOEXEC on each of them.
 *
 * Negative errno values: -EINVAL (LISTEN_PID, LISTEN_PIDFDID or
 * LISTEN_FDS is not a number, or LISTEN_FDS <= 0 or > INT_MAX-3),
 * -ERANGE (a number out of range, LISTEN_PID 0 or negative), or the
 * error of fcntl(2) on one of the fds (-EBADF when it is not open).
 *
 * If unset_environment is non-zero, LISTEN_PID, LISTEN_PIDFDID,
 * LISTEN_FDS and LISTEN_FDNAMES are unset whatever the result.
 */
HP_EXPORT int hp_listen_fds(int unset_environment);

/*
 * hp_listen_fds_with_names: hp_listen_fds() plus the names of the fds, as
 * sd_listen_fds_with_names(3) of libsystemd 252.
 *
 * With names NULL it is exactly hp_listen_fds(). Otherwise LISTEN_FDNAMES
 * is split at each ':' (empty names are kept, so "a::b" is three names;
 * a backslash takes the next character literally). On a return n > 0,
 * *names is a NULL-terminated array of n strings, each name of the fd at
 * the same index; the caller frees each string and the array. Without
 * LISTEN_FDNAMES every name is "unknown". On a return <= 0, *names is
 * left untouched.
 *
 * Negative errno values: those of hp_listen_fds(); -EINVAL when the
 * number of names differs from the number of fds, or when LISTEN_FDNAMES
 * ends in a lone backslash (checked first, even without LISTEN_PID);
 * -ENOMEM. unset_environment is honoured on every path.
 */
HP_EXPORT int hp_listen_fds_with_names(int unset_environment, char ***names);

/*
 * hp_listen_fd: the fd of the first passed socket named name.
 *
 * Returns that fd (HP_LISTEN_FDS_START + its index), or -1 with errno
 * ENOENT when no socket has that name (including when nothing was
 * passed), EINVAL when name is NULL, or the error that
 * hp_listen_fds_with_names() returned. It never unsets the environment,
 * so it can be called once for each name. Like hp_listen_fds(), it sets
 * FD_CLOEXEC on every passed fd. Not in libsystemd.
 */
HP_EXPORT int hp_listen_fd(const char *name);

/*
 * hp_is_socket_inet: whether fd is an AF_INET or AF_INET6 socket, as
 * sd_is_socket_inet(3) of libsystemd 252.
 *
 * family is 0 (either), AF_INET or AF_INET6; type is 0 (any) or a
 * SOCK_* type; listening is < 0 (either), 0 (not listening) or > 0
 * (listening); port is in host byte order, 0 for any.
 * Returns 1 if it matches, 0 if not. Negative errno values: -EBADF (fd
 * < 0, or not open), -EINVAL (bad family or type < 0), or the error of
 * fstat(2), getsockopt(2) or getsockname(2).
 */
HP_EXPORT int hp_is_socket_inet(
    int fd, int family, int type, int listening, uint16_t port);

/*
 * hp_is_socket_unix: whether fd is an AF_UNIX socket, as
 * sd_is_socket_unix(3) of libsystemd 252.
 *
 * type and listening as for hp_is_socket_inet(). path NULL matches any
 * address. Otherwise length is the length of path (0: strlen(path)); an
 * empty path matches an unnamed socket, a path starting with NUL an
 * abstract socket of exactly that name, any other path a socket bound to
 * that file name. Returns 1 if it matches, 0 if not. Negative errno
 * values: -EBADF (fd < 0, or not open), -EINVAL (type < 0), or the error
 * of fstat(2), getsockopt(2) or getsockname(2).
 */
HP_EXPORT int hp_is_socket_unix(
    int fd, int type, int listening, const char *path, size_t length);

/*
 * hp_pid_notify_with_fds: tell the supervisor about our state and hand it
 * descriptors, as sd_pid_notify_with_fds(3) of libsystemd 252.
 *
 * state is one or more newline-separated VAR=VALUE assignments, such as
 * "READY=1" or "FDSTORE=1\nFDNAME=client", sent as one datagram to the
 * AF_UNIX socket named by NOTIFY_SOCKET: an absolute path, or an abstract
 * name when it starts with '@'. The n_fds descriptors of fds go with it
 * as one SCM_RIGHTS message; they stay open and unchanged here, and the
 * caller still owns them. pid is the pid the message speaks for: 0 or
 * getpid() for ourselves.
 *
 * SCM_CREDENTIALS {pid (getpid() for 0), getuid(), getgid()} are attached
 * by hand when pid is neither 0 nor getpid(), or when the real and
 * effective uid or gid differ (a set-id program), on Linux (elsewhere
 * there is no struct ucred, and nothing is attached). If that send fails,
 * whatever the error (EPERM without CAP_SYS_ADMIN for another pid, ESRCH
 * for a pid that does not exist), it is sent once more without them, and
 * a receiver with SO_PASSCRED then learns our own pid, real uid and real
 * gid from the kernel.
 *
 * Returns 1 when the datagram was queued (not that it was read), 0 when
 * NOTIFY_SOCKET is unset, or a negative errno value: -EINVAL (state NULL,
 * or n_fds > 0 with fds NULL, both checked first; NOTIFY_SOCKET empty,
 * one byte long, not starting with '/' or '@', such as a relative path or
 * the vsock:CID:PORT of systemd 253 and later, or an abstract name too
 * long for sun_path), -ENAMETOOLONG (a path too long for sun_path),
 * -ENOBUFS (the control message would exceed INT_MAX bytes, checked
 * before fds is read: Linux's answer), -ENOMEM, or the error of socket(2)
 * or sendmsg(2): -ENOENT, -ECONNREFUSED (no socket is bound there, or the
 * path is not a socket), -EPROTOTYPE (not a datagram socket), -EMSGSIZE
 * (state too large), -EBADF (a descriptor is not open), -EINVAL (more
 * than 253 descriptors on Linux), -ENOBUFS (more than the kernel's
 * net.core.optmem_max takes). While the receiver's queue is full, it
 * blocks, as libsystemd does. An empty state sends an empty datagram.
 *
 * If unset_environment is non-zero, NOTIFY_SOCKET is unset whatever the
 * result.
 */
HP_EXPORT int hp_pid_notify_with_fds(pid_t pid, int unset_environment,
    const char *state, const int *fds, unsigned n_fds);

/*
 * hp_pid_notify: hp_pid_notify_with_fds() without descriptors, as
 * sd_pid_notify(3) of libsystemd 252. Returns as that.
 */
HP_EXPORT int hp_pid_notify(
    pid_t pid, int unset_environment, const char *state);

/*
 * hp_pid_notifyf: hp_pid_notify() with a printf(3)-style format, as
 * sd_pid_notifyf(3) of libsystemd 252.
 *
 * Returns as hp_pid_notify(); a NULL format is -EINVAL as a NULL state
 * is. When the state cannot be formatted (out of memory, an unencodable
 * character) it returns -ENOMEM at once and, as libsystemd does, leaves
 * NOTIFY_SOCKET set even if unset_environment is non-zero.
 */
HP_EXPORT int hp_pid_notifyf(
    pid_t pid, int unset_environment, const char *format, ...) HP_PRINTF(3, 4);

/*
 * hp_notify: hp_pid_notify() for ourselves (pid 0), as sd_notify(3) of
 * libsystemd 252: credentials are attached by hand only by a set-id
 * program. Returns as hp_pid_notify_with_fds().
 */
HP_EXPORT int hp_notify(int unset_environment, const char *state);

/*
 * hp_notifyf: hp_pid_notifyf() for ourselves (pid 0), as sd_notifyf(3)
 * of libsystemd 252. Returns as that.
 */
HP_EXPORT int hp_notifyf(int unset_environment, const char *format, ...)
    HP_PRINTF(2, 3);

/*
 * hp_notify_barrier: wait until the supervisor has read every message we
 * sent before, as sd_notify_barrier(3) of libsystemd 252.
 *
 * Sends "BARRIER=1" with the write end of a new pipe (hp_notify() with
 * one descriptor; unset_environment as there), closes our copy of it, and
 * waits until the read end reports POLLHUP: the supervisor closes the
 * descriptor once it has processed all earlier messages. timeout_usec is
 * in microseconds, UINT64_MAX for no limit; poll(2) counts whole
 * milliseconds, so it is rounded up to the next one.
 *
 * Returns 1 once the supervisor closed it, 0 when NOTIFY_SOCKET is unset,
 * or a negative errno value: -ETIMEDOUT (the time passed), -EINTR (a
 * signal arrived while waiting; not retried, as libsystemd does not),
 * the errors of hp_pid_notify_with_fds(), or of pipe(2), poll(2) or
 * clock_gettime(2). A pipe(2) failure returns before anything else and
 * leaves NOTIFY_SOCKET set, as in libsystemd.
 */
HP_EXPORT int hp_notify_barrier(int unset_environment, uint64_t timeout_usec);

#ifdef __cplusplus
}
#endif

#endif /* HP_HOLDPORTS_H */
