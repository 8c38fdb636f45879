/* SPDX-License-Identifier: ISC */
/* Runs one table of cases through hp_*notify* and libsystemd's sd_*notify*. */

/*
 * Linux only, like libsystemd: reading SCM_CREDENTIALS needs struct ucred
 * and SO_PASSCRED, and the set-id cases setresuid(2); all are _GNU_SOURCE.
 */
#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>
#include <systemd/sd-daemon.h>

#include "holdports.h"

#define MAX_ENV 512 /* bytes of NOTIFY_SOCKET recorded */
#define SETID_ID 65534 /* the real uid and gid of the set-id cases */
#define SCM_MAX 253 /* Linux's SCM_MAX_FD: descriptors in one message */
#define MAX_FDS (SCM_MAX + 1) /* descriptors a case sends, at most */
#define NOT_OPEN 999 /* an fd number nothing here opens */

/* What NOTIFY_SOCKET names, and what the case puts there. */
enum addr {
	AD_UNSET, /* NOTIFY_SOCKET unset */
	AD_LITERAL, /* NOTIFY_SOCKET is value, as is */
	AD_PATH, /* a datagram socket bound at tmpdir/value */
	AD_ABSTRACT, /* a datagram socket bound at @value-<random> */
	AD_ABSTRACT_NONE, /* @value-<random>, which nobody holds */
	AD_STALE, /* tmpdir/value: the file of a socket since closed */
	AD_FILE, /* tmpdir/value: a regular file */
	AD_DIR, /* tmpdir/value: a directory */
	AD_MISSING, /* tmpdir/value: nothing there */
	AD_STREAM /* tmpdir/value: a listening stream socket */
};

enum call {
	CALL_NOTIFY, /* xx_notify(unset, state) */
	CALL_NOTIFYF, /* xx_notifyf(unset, state, "world", 42) */
	CALL_WITH_FDS, /* xx_pid_notify_with_fds(pid, unset, state, fds, n) */
	CALL_PID, /* xx_pid_notify(pid, unset, state) */
	CALL_PIDF /* xx_pid_notifyf(pid, unset, state, "world", 42) */
};

/* The pid argument of the xx_pid_* calls. */
enum pidk {
	P0, /* 0: ourselves */
	PSELF, /* getpid() */
	PPARENT, /* getppid(): a live process, not us */
	PNONE, /* INT_MAX: above any pid_max, so no such process */
	PNEG /* -1 */
};

/* The descriptors given to xx_pid_notify_with_fds. */
enum fdk {
	FN, /* fds NULL, n_fds 0 */
	FNULL1, /* fds NULL, n_fds 1 */
	FPTR0, /* fds not NULL, n_fds 0 */
	FPIPE, /* a pipe's write end */
	FMIX, /* a pipe's read end (FD_CLOEXEC), a socket (not), /dev/null
		 (FD_CLOEXEC, O_NONBLOCK) */
	FSAME, /* one pipe end three times */
	FMAX, /* one pipe end SCM_MAX times */
	FOVER, /* one pipe end SCM_MAX + 1 times */
	FCLOSED, /* NOT_OPEN */
	FMINUS1 /* -1 */
};

#define F_NOPASSCRED 0x1 /* the receiver does not set SO_PASSCRED */
#define F_SETID 0x2 /* call with real uid/gid SETID_ID, effective 0 */
#define F_WCHAR 0x4 /* notifyf's argument is (wint_t)0x100, not "world" */
#define F_UNPRIV \
	0x8 /* call with real and effective ids SETID_ID (the saved \
	       uid stays 0): no CAP_SYS_ADMIN, no way into tmpdir */

/*
 * One case. For the AD_PATH and AD_ABSTRACT kinds, len pads NOTIFY_SOCKET
 * with 'x' to exactly len bytes (0: no padding), and the receiver is
 * created only when the name fits in sun_path. big non-zero replaces
 * state by "STATUS=" and big - 7 bytes of 'x'.
 */
struct notify_case {
	const char *name;
	enum addr addr;
	const char *value;
	size_t len;
	enum call call;
	const char *state; /* the state or format; NULL allowed */
	size_t big;
	int unset; /* unset_environment */
	int flags;
	enum pidk pid;
	enum fdk fds;
};

#define N CALL_NOTIFY
#define F CALL_NOTIFYF
#define R "READY=1"
#define W CALL_WITH_FDS
#define FS "FDSTORE=1\nFDNAME=client"
static const struct notify_case cases[] = {
    /* NOTIFY_SOCKET unset */
    {"unset_ready", AD_UNSET, NULL, 0, N, R, 0, 0, 0, P0, FN},
    {"unset_ready_unset", AD_UNSET, NULL, 0, N, R, 0, 1, 0, P0, FN},
    {"unset_state_null", AD_UNSET, NULL, 0, N, NULL, 0, 0, 0, P0, FN},
    {"unset_state_null_unset", AD_UNSET, NULL, 0, N, NULL, 0, 1, 0, P0, FN},
    {"unset_state_empty", AD_UNSET, NULL, 0, N, "", 0, 0, 0, P0, FN},
    {"unset_notifyf", AD_UNSET, NULL, 0, F, "STATUS=%s", 0, 1, 0, P0, FN},
    {"unset_notifyf_null", AD_UNSET, NULL, 0, F, NULL, 0, 0, 0, P0, FN},
    /* addresses refused before any socket */
    {"empty", AD_LITERAL, "", 0, N, R, 0, 0, 0, P0, FN},
    {"empty_unset", AD_LITERAL, "", 0, N, R, 0, 1, 0, P0, FN},
    {"slash_only", AD_LITERAL, "/", 0, N, R, 0, 0, 0, P0, FN},
    {"at_only", AD_LITERAL, "@", 0, N, R, 0, 0, 0, P0, FN},
    {"relative", AD_LITERAL, "notify.sock", 0, N, R, 0, 0, 0, P0, FN},
    {"relative_dot", AD_LITERAL, "./notify.sock", 0, N, R, 0, 1, 0, P0, FN},
    {"relative_state_null", AD_LITERAL, "x/y", 0, N, NULL, 0, 0, 0, P0, FN},
    {"space_then_path", AD_LITERAL, " /run/x", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock", AD_LITERAL, "vsock:2:1234", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_unset", AD_LITERAL, "vsock:2:1234", 0, N, R, 0, 1, 0, P0, FN},
    {"vsock_local", AD_LITERAL, "vsock:1:1234", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_host_name", AD_LITERAL, "vsock:host:1", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_any_cid", AD_LITERAL, "vsock::1234", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_stream", AD_LITERAL, "vsock-stream:2:1", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_dgram", AD_LITERAL, "vsock-dgram:2:1", 0, N, R, 0, 0, 0, P0, FN},
    {"vsock_seqpacket", AD_LITERAL, "vsock-seqpacket:2:1", 0, N, R, 0, 0, 0, P0,
	FN},
    {"vsock_notifyf", AD_LITERAL, "vsock:2:1234", 0, F, "READY=%d", 0, 1, 0, P0,
	FN},
    /* paths the kernel refuses */
    {"root_dir", AD_LITERAL, "//", 0, N, R, 0, 0, 0, P0, FN},
    {"char_device", AD_LITERAL, "/dev/null", 0, N, R, 0, 0, 0, P0, FN},
    {"not_a_directory", AD_LITERAL, "/dev/null/x", 0, N, R, 0, 0, 0, P0, FN},
    {"stale_socket", AD_STALE, "stale", 0, N, R, 0, 0, 0, P0, FN},
    {"stale_socket_unset", AD_STALE, "stale", 0, N, R, 0, 1, 0, P0, FN},
    {"regular_file", AD_FILE, "file", 0, N, R, 0, 0, 0, P0, FN},
    {"regular_file_unset", AD_FILE, "file", 0, N, R, 0, 1, 0, P0, FN},
    {"directory", AD_DIR, "dir", 0, N, R, 0, 0, 0, P0, FN},
    {"missing", AD_MISSING, "missing", 0, N, R, 0, 0, 0, P0, FN},
    {"missing_parent", AD_MISSING, "nodir/notify", 0, N, R, 0, 1, 0, P0, FN},
    {"stream_socket", AD_STREAM, "stream", 0, N, R, 0, 0, 0, P0, FN},
    {"abstract_nobody", AD_ABSTRACT_NONE, "hp-none", 0, N, R, 0, 0, 0, P0, FN},
    {"abstract_nobody_unset", AD_ABSTRACT_NONE, "hp-none", 0, N, R, 0, 1, 0, P0,
	FN},
    /* a path with a receiver */
    {"path_ready", AD_PATH, "notify", 0, N, R, 0, 0, 0, P0, FN},
    {"path_ready_unset", AD_PATH, "notify", 0, N, R, 0, 1, 0, P0, FN},
    {"path_lines", AD_PATH, "notify", 0, N, "STATUS=starting\nREADY=1", 0, 0, 0,
	P0, FN},
    {"path_trailing_newline", AD_PATH, "notify", 0, N, "READY=1\n", 0, 0, 0, P0,
	FN},
    {"path_utf8", AD_PATH, "notify", 0, N, "STATUS=\303\274n\303\257", 0, 0, 0,
	P0, FN},
    {"path_control_bytes", AD_PATH, "notify", 0, N, "STATUS=\001\177\377", 0, 0,
	0, P0, FN},
    {"path_state_empty", AD_PATH, "notify", 0, N, "", 0, 0, 0, P0, FN},
    {"path_state_empty_unset", AD_PATH, "notify", 0, N, "", 0, 1, 0, P0, FN},
    {"path_state_null", AD_PATH, "notify", 0, N, NULL, 0, 0, 0, P0, FN},
    {"path_state_null_unset", AD_PATH, "notify", 0, N, NULL, 0, 1, 0, P0, FN},
    {"path_no_passcred", AD_PATH, "notify", 0, N, R, 0, 0, F_NOPASSCRED, P0,
	FN},
    {"path_dotdot", AD_PATH, "notify", 0, N, R, 0, 0, 0, P0, FN},
    {"path_len_107", AD_PATH, "long", 107, N, R, 0, 0, 0, P0, FN},
    {"path_len_108", AD_PATH, "long", 108, N, R, 0, 0, 0, P0, FN},
    {"path_len_300_unset", AD_PATH, "long", 300, N, R, 0, 1, 0, P0, FN},
    /* the send buffer: 212992 bytes by default, 8 MiB asked for */
    {"path_big_4k", AD_PATH, "notify", 0, N, NULL, 4096, 0, 0, P0, FN},
    {"path_big_300k", AD_PATH, "notify", 0, N, NULL, 300000, 0, 0, P0, FN},
    {"path_big_4m", AD_PATH, "notify", 0, N, NULL, 4194304, 0, 0, P0, FN},
    {"path_big_9m", AD_PATH, "notify", 0, N, NULL, 9437184, 0, 0, P0, FN},
    {"path_big_16m", AD_PATH, "notify", 0, N, NULL, 16777185, 1, 0, P0, FN},
    /* an abstract name with a receiver */
    {"abstract_ready", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 0, 0, P0, FN},
    {"abstract_ready_unset", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 1, 0, P0,
	FN},
    {"abstract_lines", AD_ABSTRACT, "hp-notify", 0, N, "STATUS=ok\nREADY=1\n",
	0, 0, 0, P0, FN},
    {"abstract_state_empty", AD_ABSTRACT, "hp-notify", 0, N, "", 0, 0, 0, P0,
	FN},
    {"abstract_state_null", AD_ABSTRACT, "hp-notify", 0, N, NULL, 0, 1, 0, P0,
	FN},
    {"abstract_no_passcred", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 0,
	F_NOPASSCRED, P0, FN},
    {"abstract_len_107", AD_ABSTRACT, "hp-long", 107, N, R, 0, 0, 0, P0, FN},
    {"abstract_len_108", AD_ABSTRACT, "hp-long", 108, N, R, 0, 0, 0, P0, FN},
    {"abstract_big_300k", AD_ABSTRACT, "hp-notify", 0, N, NULL, 300000, 0, 0,
	P0, FN},
    /* xx_notifyf */
    {"notifyf_path", AD_PATH, "notify", 0, F, "STATUS=%s %d", 0, 0, 0, P0, FN},
    {"notifyf_percent", AD_PATH, "notify", 0, F, "READY=1\nSTATUS=100%%", 0, 1,
	0, P0, FN},
    {"notifyf_empty_format", AD_PATH, "notify", 0, F, "", 0, 0, 0, P0, FN},
    {"notifyf_null_format", AD_PATH, "notify", 0, F, NULL, 0, 0, 0, P0, FN},
    {"notifyf_null_format_unset", AD_PATH, "notify", 0, F, NULL, 0, 1, 0, P0,
	FN},
    {"notifyf_abstract", AD_ABSTRACT, "hp-notify", 0, F, "STATUS=%s", 0, 0, 0,
	P0, FN},
    {"notifyf_refused", AD_STALE, "stale", 0, F, "READY=%d", 0, 1, 0, P0, FN},
    {"notifyf_bad_wchar", AD_PATH, "notify", 0, F, "STATUS=%lc", 0, 0, F_WCHAR,
	P0, FN},
    {"notifyf_bad_wchar_unset", AD_PATH, "notify", 0, F, "STATUS=%lc", 0, 1,
	F_WCHAR, P0, FN},
    /* real uid/gid differ from effective: libsystemd attaches creds */
    {"setid_path", AD_PATH, "notify", 0, N, R, 0, 0, F_SETID, P0, FN},
    {"setid_abstract", AD_ABSTRACT, "hp-notify", 0, N, R, 0, 1, F_SETID, P0,
	FN},
    {"setid_no_passcred", AD_PATH, "notify", 0, N, R, 0, 0,
	F_SETID | F_NOPASSCRED, P0, FN},
    {"setid_refused", AD_STALE, "stale", 0, N, R, 0, 0, F_SETID, P0, FN},
    /* xx_pid_notify_with_fds: the arguments are checked first */
    {"fds_null_n1", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FNULL1},
    {"fds_null_n1_unset", AD_PATH, "notify", 0, W, FS, 0, 1, 0, P0, FNULL1},
    {"fds_null_n1_no_env", AD_UNSET, NULL, 0, W, FS, 0, 1, 0, P0, FNULL1},
    {"fds_state_null", AD_PATH, "notify", 0, W, NULL, 0, 1, 0, P0, FPIPE},
    {"fds_no_env", AD_UNSET, NULL, 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_no_env_unset", AD_UNSET, NULL, 0, W, FS, 0, 1, 0, P0, FPIPE},
    {"fds_ptr_n0", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FPTR0},
    {"fds_none", AD_PATH, "notify", 0, W, R, 0, 0, 0, P0, FN},
    /* descriptors that arrive */
    {"fds_pipe", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_pipe_unset", AD_PATH, "notify", 0, W, FS, 0, 1, 0, P0, FPIPE},
    {"fds_pipe_abstract", AD_ABSTRACT, "hp-fds", 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_pipe_no_passcred", AD_PATH, "notify", 0, W, FS, 0, 0, F_NOPASSCRED,
	P0, FPIPE},
    {"fds_mixed", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FMIX},
    {"fds_same_thrice", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FSAME},
    {"fds_253", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FMAX},
    {"fds_state_empty", AD_PATH, "notify", 0, W, "", 0, 0, 0, P0, FPIPE},
    {"fds_big_300k", AD_PATH, "notify", 0, W, NULL, 300000, 0, 0, P0, FPIPE},
    /* descriptors or addresses the kernel refuses */
    {"fds_254", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FOVER},
    {"fds_254_unset", AD_ABSTRACT, "hp-fds", 0, W, FS, 0, 1, 0, P0, FOVER},
    {"fds_not_open", AD_PATH, "notify", 0, W, FS, 0, 0, 0, P0, FCLOSED},
    {"fds_minus_1", AD_PATH, "notify", 0, W, FS, 0, 1, 0, P0, FMINUS1},
    {"fds_not_open_missing", AD_MISSING, "missing", 0, W, FS, 0, 0, 0, P0,
	FCLOSED},
    {"fds_stale", AD_STALE, "stale", 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_stream", AD_STREAM, "stream", 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_missing_unset", AD_MISSING, "missing", 0, W, FS, 0, 1, 0, P0, FMIX},
    {"fds_vsock", AD_LITERAL, "vsock:2:1234", 0, W, FS, 0, 1, 0, P0, FPIPE},
    {"fds_relative", AD_LITERAL, "notify.sock", 0, W, FS, 0, 0, 0, P0, FPIPE},
    {"fds_path_len_108", AD_PATH, "long", 108, W, FS, 0, 0, 0, P0, FPIPE},
    /* the pid: credentials are attached by hand for another one */
    {"pid_self", AD_PATH, "notify", 0, W, R, 0, 0, 0, PSELF, FN},
    {"pid_self_fds", AD_PATH, "notify", 0, W, FS, 0, 0, 0, PSELF, FPIPE},
    {"pid_parent", AD_PATH, "notify", 0, W, R, 0, 0, 0, PPARENT, FN},
    {"pid_parent_fds", AD_PATH, "notify", 0, W, FS, 0, 0, 0, PPARENT, FMIX},
    {"pid_parent_no_passcred", AD_PATH, "notify", 0, W, R, 0, 0, F_NOPASSCRED,
	PPARENT, FN},
    {"pid_none", AD_PATH, "notify", 0, W, R, 0, 0, 0, PNONE, FN},
    {"pid_none_fds", AD_ABSTRACT, "hp-pid", 0, W, FS, 0, 1, 0, PNONE, FPIPE},
    {"pid_negative", AD_PATH, "notify", 0, W, R, 0, 0, 0, PNEG, FN},
    {"pid_parent_refused", AD_STALE, "stale", 0, W, R, 0, 0, 0, PPARENT, FN},
    {"pid_parent_missing_unset", AD_MISSING, "missing", 0, W, R, 0, 1, 0,
	PPARENT, FN},
    {"pid_parent_not_open", AD_PATH, "notify", 0, W, FS, 0, 0, 0, PPARENT,
	FCLOSED},
    {"pid_parent_254", AD_PATH, "notify", 0, W, FS, 0, 0, 0, PPARENT, FOVER},
    {"pid_parent_unpriv", AD_ABSTRACT, "hp-pid", 0, W, R, 0, 0, F_UNPRIV,
	PPARENT, FN},
    {"pid_parent_unpriv_fds", AD_ABSTRACT, "hp-pid", 0, W, FS, 0, 0, F_UNPRIV,
	PPARENT, FPIPE},
    {"pid_none_unpriv", AD_ABSTRACT, "hp-pid", 0, W, R, 0, 1, F_UNPRIV, PNONE,
	FN},
    {"pid_zero_unpriv", AD_ABSTRACT, "hp-pid", 0, W, FS, 0, 0, F_UNPRIV, P0,
	FMIX},
    {"unpriv_path_denied", AD_PATH, "notify", 0, W, R, 0, 0, F_UNPRIV, P0, FN},
    {"unpriv_path_denied_pid", AD_PATH, "notify", 0, W, R, 0, 1, F_UNPRIV,
	PPARENT, FPIPE},
    {"setid_fds", AD_PATH, "notify", 0, W, FS, 0, 0, F_SETID, P0, FPIPE},
    {"setid_pid_parent_fds", AD_ABSTRACT, "hp-pid", 0, W, FS, 0, 0, F_SETID,
	PPARENT, FMIX},
    /* xx_pid_notify and xx_pid_notifyf */
    {"pid_notify_parent", AD_PATH, "notify", 0, CALL_PID, R, 0, 0, 0, PPARENT,
	FN},
    {"pid_notify_zero", AD_ABSTRACT, "hp-pid", 0, CALL_PID, R, 0, 1, 0, P0, FN},
    {"pid_notify_null", AD_PATH, "notify", 0, CALL_PID, NULL, 0, 1, 0, PNONE,
	FN},
    {"pid_notify_no_env", AD_UNSET, NULL, 0, CALL_PID, R, 0, 1, 0, PPARENT, FN},
    {"pid_notifyf_parent", AD_PATH, "notify", 0, CALL_PIDF, "STATUS=%s %d", 0,
	0, 0, PPARENT, FN},
    {"pid_notifyf_none_unset", AD_ABSTRACT, "hp-pid", 0, CALL_PIDF,
	"READY=1\nSTATUS=%s", 0, 1, 0, PNONE, FN},
    {"pid_notifyf_null", AD_UNSET, NULL, 0, CALL_PIDF, NULL, 0, 1, 0, PNONE,
	FN},
    {"pid_notifyf_null_path", AD_PATH, "notify", 0, CALL_PIDF, NULL, 0, 1, 0,
	P0, FN},
    {"pid_notifyf_bad_wchar_unset", AD_PATH, "notify", 0, CALL_PIDF,
	"STATUS=%lc", 0, 1, F_WCHAR, PPARENT, FN},
};
#undef N
#undef F
#undef R
#undef W
#undef FS
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* What one call left behind. */
struct outcome {
	int ret;
	int env_set; /* NOTIFY_SOCKET set afterwards */
	char env[MAX_ENV]; /* and its value */
	int ndgrams; /* datagrams received, -1: no receiver */
	size_t len; /* bytes of the first */
	unsigned char *data; /* the first (malloc'ed) */
	int truncated; /* it did not fit the buffer */
	int creds; /* it came with SCM_CREDENTIALS */
	long pid, uid, gid; /* and these */
	int rights; /* SCM_RIGHTS messages in it */
	int nfds; /* descriptors in them */
	int rx_same[MAX_FDS]; /* each is the file sent at its index */
	int rx_type[MAX_FDS]; /* its S_IFMT */
	int rx_cloexec[MAX_FDS]; /* its FD_CLOEXEC */
	int other_cmsg; /* control messages other than these */
	int ctrunc; /* MSG_CTRUNC */
	int tx_changed; /* the call closed a sent fd or changed its flags */
	int fd_delta; /* open fds after the call minus before */
	int reader; /* barriers: the reading child's exit status, or -1 */
};

/* The descriptors a case sends, and what they are. */
struct fdset {
	int fds[MAX_FDS];
	unsigned n; /* n_fds */
	const int *ptr; /* fds: NULL or fds */
	int own[4]; /* opened for the case, closed after it */
	int nown;
	dev_t dev[MAX_FDS]; /* of each fds[i] that is open */
	ino_t ino[MAX_FDS];
	int fd_flags[MAX_FDS]; /* F_GETFD, -1: not open */
	int fl_flags[MAX_FDS]; /* F_GETFL */
};

static char tmpdir[64];
static unsigned long nonce; /* random, for abstract names */

/* The state of case c, malloc'ed when c->big is set; NULL for NULL. */
static char *
make_state(const struct notify_case *c)
{
	char *s;

	if (c->big == 0)
		return c->state == NULL ? NULL : strdup(c->state);
	assert_true(c->big > 7);
	s = malloc(c->big + 1);
	assert_non_null(s);
	memcpy(s, "STATUS=", 7);
	memset(s + 7, 'x', c->big - 7);
	s[c->big] = '\0';
	return s;
}

/* Writes the value of NOTIFY_SOCKET for case c (number i) into buf. */
static void
make_value(const struct notify_case *c, size_t i, char *buf, size_t size)
{
	size_t l;

	switch (c->addr) {
	case AD_UNSET:
		buf[0] = '\0';
		return;
	case AD_LITERAL:
		(void)snprintf(buf, size, "%s", c->value);
		return;
	case AD_ABSTRACT:
	case AD_ABSTRACT_NONE:
		(void)snprintf(buf, size, "@%s-%ld-%lx-%zu", c->value,
		    (long)getpid(), nonce, i);
		break;
	default:
		/* "a/../b" must be a real directory a: use tmpdir itself. */
		if (strcmp(c->name, "path_dotdot") == 0)
			(void)snprintf(buf, size, "%s/../%s/%s", tmpdir,
			    strrchr(tmpdir, '/') + 1, c->value);
		else
			(void)snprintf(buf, size, "%s/%s", tmpdir, c->value);
		break;
	}
	l = strlen(buf);
	assert_true(c->len == 0 || (c->len >= l && c->len < size));
	if (c->len > l) {
		memset(buf + l, 'x', c->len - l);
		buf[c->len] = '\0';
	}
}

/* Binds a fresh AF_UNIX socket of type to the NOTIFY_SOCKET value v. */
static int
bind_value(const char *v, int type)
{
	struct sockaddr_un un;
	size_t l = strlen(v);
	int fd;

	assert_true(l < sizeof(un.sun_path));
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, v, l + 1);
	if (v[0] == '@')
		un.sun_path[0] = '\0';
	else
		(void)unlink(v);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(
	    bind(fd, (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + l +
		    (v[0] != '@'))),
	    0);
	return fd;
}

/*
 * Puts in place what case c names at v, sets NOTIFY_SOCKET afresh and
 * returns the receiver (datagram or stream), or -1 when there is none.
 */
static int
setup(const struct notify_case *c, const char *v)
{
	static const int on = 1;
	int fd = -1;

	switch (c->addr) {
	case AD_UNSET:
		assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
		return -1;
	case AD_PATH:
	case AD_ABSTRACT:
		/* A name too long for sun_path gets no receiver. */
		if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			break;
		fd = bind_value(v, SOCK_DGRAM);
		if (!(c->flags & F_NOPASSCRED))
			assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_PASSCRED,
					     &on, sizeof(on)),
			    0);
		break;
	case AD_STALE:
		assert_int_equal(close(bind_value(v, SOCK_DGRAM)), 0);
		break;
	case AD_FILE:
		fd = open(v, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(close(fd), 0);
		fd = -1;
		break;
	case AD_DIR:
		assert_true(mkdir(v, 0700) == 0 || errno == EEXIST);
		break;
	case AD_MISSING:
		(void)unlink(v);
		break;
	case AD_STREAM:
		fd = bind_value(v, SOCK_STREAM);
		assert_int_equal(listen(fd, 8), 0);
		break;
	case AD_LITERAL:
	case AD_ABSTRACT_NONE:
		break;
	}
	assert_int_equal(setenv("NOTIFY_SOCKET", v, 1), 0);
	return fd;
}

/* Removes what setup() made at v. */
static void
teardown(const struct notify_case *c, const char *v, int fd)
{
	if (fd >= 0)
		assert_int_equal(close(fd), 0);
	switch (c->addr) {
	case AD_PATH:
	case AD_STALE:
	case AD_FILE:
	case AD_STREAM:
		(void)unlink(v);
		break;
	case AD_DIR:
		(void)rmdir(v);
		break;
	default:
		break;
	}
}

/* The number of descriptors open in this process. */
static int
count_fds(void)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	assert_int_equal(closedir(dir), 0);
	return n - 1; /* the directory's own */
}

/* Records each fd's flags (-1: not open) into fs. */
static void
read_flags(struct fdset *fs, int *fd_flags, int *fl_flags)
{
	unsigned i;

	for (i = 0; i < fs->n && i < MAX_FDS; i++) {
		fd_flags[i] = fcntl(fs->fds[i], F_GETFD);
		fl_flags[i] = fcntl(fs->fds[i], F_GETFL);
	}
}

/* Opens the descriptors of kind k into fs. */
static void
make_fds(enum fdk k, struct fdset *fs)
{
	struct stat st;
	int p[2], sv[2], fd;
	unsigned i, n = 0;

	memset(fs, 0, sizeof(*fs));
	fs->ptr = fs->fds;
	switch (k) {
	case FN:
		fs->ptr = NULL;
		return;
	case FNULL1:
		fs->ptr = NULL;
		fs->n = 1;
		return;
	case FPTR0:
		fs->fds[0] = 0;
		return;
	case FCLOSED:
		assert_int_equal(fcntl(NOT_OPEN, F_GETFD), -1);
		fs->fds[0] = NOT_OPEN;
		fs->n = 1;
		read_flags(fs, fs->fd_flags, fs->fl_flags);
		return;
	case FMINUS1:
		fs->fds[0] = -1;
		fs->n = 1;
		read_flags(fs, fs->fd_flags, fs->fl_flags);
		return;
	default:
		break;
	}
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fs->own[fs->nown++] = p[0];
	fs->own[fs->nown++] = p[1];
	switch (k) {
	case FPIPE:
		n = 1;
		fs->fds[0] = p[1];
		break;
	case FMIX:
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(close(sv[1]), 0);
		fs->own[fs->nown++] = sv[0];
		fd = open("/dev/null", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		assert_true(fd >= 0);
		fs->own[fs->nown++] = fd;
		n = 3;
		fs->fds[0] = p[0];
		fs->fds[1] = sv[0];
		fs->fds[2] = fd;
		break;
	case FSAME:
		n = 3;
		break;
	case FMAX:
		n = SCM_MAX;
		break;
	case FOVER:
		n = SCM_MAX + 1;
		break;
	default:
		fail_msg("fd kind %d", (int)k);
	}
	if (k == FSAME || k == FMAX || k == FOVER)
		for (i = 0; i < n; i++)
			fs->fds[i] = p[1];
	fs->n = n;
	for (i = 0; i < n; i++) {
		assert_int_equal(fstat(fs->fds[i], &st), 0);
		fs->dev[i] = st.st_dev;
		fs->ino[i] = st.st_ino;
	}
	read_flags(fs, fs->fd_flags, fs->fl_flags);
}

static void
free_fds(struct fdset *fs)
{
	int i;

	for (i = 0; i < fs->nown; i++)
		assert_int_equal(close(fs->own[i]), 0);
}

/* The pid argument for kind k. */
static pid_t
pid_of(enum pidk k)
{
	switch (k) {
	case P0:
		return 0;
	case PSELF:
		return getpid();
	case PPARENT:
		return getppid();
	case PNONE:
		return INT_MAX;
	case PNEG:
		return -1;
	}
	return 0;
}

/*
 * Receives every datagram queued on fd into o; the first is kept, with
 * what its descriptors are compared with those fs sent. Every descriptor
 * received is closed again. They are received without MSG_CMSG_CLOEXEC,
 * so that their FD_CLOEXEC is what the kernel gives them.
 */
static void
drain(int fd, size_t max, const struct fdset *fs, struct outcome *o)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE((MAX_FDS + 8) * sizeof(int))];
	} ctl;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	struct ucred uc;
	struct stat st;
	unsigned char *buf;
	int i, k, n, rfd, first;
	ssize_t len;

	buf = malloc(max);
	assert_non_null(buf);
	o->ndgrams = 0;
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = max;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = &ctl;
		mh.msg_controllen = sizeof(ctl);
		if ((len = recvmsg(fd, &mh, MSG_DONTWAIT)) < 0) {
			assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
			break;
		}
		first = o->ndgrams++ == 0;
		if (first) {
			o->len = (size_t)len;
			o->truncated = (mh.msg_flags & MSG_TRUNC) != 0;
			o->ctrunc = (mh.msg_flags & MSG_CTRUNC) != 0;
			o->data = malloc((size_t)len + 1);
			assert_non_null(o->data);
			memcpy(o->data, buf, (size_t)len);
		}
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS) {
				n = (int)((cm->cmsg_len - CMSG_LEN(0)) /
				    sizeof(int));
				for (i = 0; i < n; i++) {
					memcpy(&rfd,
					    CMSG_DATA(cm) +
						(size_t)i * sizeof(int),
					    sizeof(int));
					k = o->nfds;
					if (first && k < MAX_FDS) {
						assert_int_equal(
						    fstat(rfd, &st), 0);
						o->rx_same[k] =
						    (unsigned)k < fs->n &&
						    st.st_dev == fs->dev[k] &&
						    st.st_ino == fs->ino[k];
						o->rx_type[k] =
						    (int)(st.st_mode & S_IFMT);
						o->rx_cloexec[k] =
						    (fcntl(rfd, F_GETFD) &
							FD_CLOEXEC) != 0;
						o->nfds++;
					}
					assert_int_equal(close(rfd), 0);
				}
				if (first)
					o->rights++;
			} else if (!first)
				continue;
			else if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_CREDENTIALS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(uc))) {
				memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
				o->creds = 1;
				o->pid = (long)uc.pid;
				o->uid = (long)uc.uid;
				o->gid = (long)uc.gid;
			} else
				o->other_cmsg++;
		}
	}
	free(buf);
}

/* Makes the call of case c through sd_* if use_sd, else hp_*. */
static int
call(const struct notify_case *c, int use_sd, const char *state, pid_t pid,
    const struct fdset *fs)
{
	const int w = (c->flags & F_WCHAR) != 0;

	switch (c->call) {
	case CALL_NOTIFY:
		return use_sd ? sd_notify(c->unset, state) :
				hp_notify(c->unset, state);
	case CALL_NOTIFYF:
		if (w)
			return use_sd ?
			    sd_notifyf(c->unset, state, (wint_t)0x100) :
			    hp_notifyf(c->unset, state, (wint_t)0x100);
		return use_sd ? sd_notifyf(c->unset, state, "world", 42) :
				hp_notifyf(c->unset, state, "world", 42);
	case CALL_WITH_FDS:
		return use_sd ? sd_pid_notify_with_fds(
				    pid, c->unset, state, fs->ptr, fs->n) :
				hp_pid_notify_with_fds(
				    pid, c->unset, state, fs->ptr, fs->n);
	case CALL_PID:
		return use_sd ? sd_pid_notify(pid, c->unset, state) :
				hp_pid_notify(pid, c->unset, state);
	case CALL_PIDF:
		if (w)
			return use_sd ?
			    sd_pid_notifyf(
				pid, c->unset, state, (wint_t)0x100) :
			    hp_pid_notifyf(pid, c->unset, state, (wint_t)0x100);
		return use_sd ?
		    sd_pid_notifyf(pid, c->unset, state, "world", 42) :
		    hp_pid_notifyf(pid, c->unset, state, "world", 42);
	}
	fail_msg("call kind %d", (int)c->call);
	return 0;
}

/* Changes the ids as flags say; *saved gets what to restore. */
static void
ids_enter(int flags, uid_t ru[3], gid_t rg[3])
{
	assert_int_equal(getresuid(&ru[0], &ru[1], &ru[2]), 0);
	assert_int_equal(getresgid(&rg[0], &rg[1], &rg[2]), 0);
	if (flags & F_SETID) {
		assert_int_equal(setresgid(SETID_ID, rg[1], rg[2]), 0);
		assert_int_equal(setresuid(SETID_ID, ru[1], ru[2]), 0);
	} else if (flags & F_UNPRIV) {
		/* The saved uid 0 lets ids_leave() come back. */
		assert_int_equal(setresgid(SETID_ID, SETID_ID, rg[2]), 0);
		assert_int_equal(setresuid(SETID_ID, SETID_ID, ru[2]), 0);
	}
}

static void
ids_leave(int flags, const uid_t ru[3], const gid_t rg[3])
{
	if (flags & (F_SETID | F_UNPRIV)) {
		assert_int_equal(setresuid(ru[0], ru[1], ru[2]), 0);
		assert_int_equal(setresgid(rg[0], rg[1], rg[2]), 0);
	}
}

/* Makes the call of case c (number i) through either library and records
 * it all. */
static void
run_case(const struct notify_case *c, size_t i, int use_sd, struct outcome *o)
{
	char v[MAX_ENV], *state;
	int fd_flags[MAX_FDS], fl_flags[MAX_FDS];
	struct fdset fs;
	const char *e;
	uid_t ru[3];
	gid_t rg[3];
	unsigned k;
	int fd, before;

	memset(o, 0, sizeof(*o));
	o->ndgrams = -1;
	make_value(c, i, v, sizeof(v));
	state = make_state(c);
	fd = setup(c, v);
	make_fds(c->fds, &fs);

	before = count_fds();
	ids_enter(c->flags, ru, rg);
	o->ret = call(c, use_sd, state, pid_of(c->pid), &fs);
	ids_leave(c->flags, ru, rg);
	o->fd_delta = count_fds() - before;

	/* The caller's descriptors: still open, flags untouched. */
	read_flags(&fs, fd_flags, fl_flags);
	for (k = 0; k < fs.n && fs.ptr != NULL; k++)
		if (fd_flags[k] != fs.fd_flags[k] ||
		    fl_flags[k] != fs.fl_flags[k])
			o->tx_changed = 1;

	if ((e = getenv("NOTIFY_SOCKET")) != NULL) {
		o->env_set = 1;
		(void)snprintf(o->env, sizeof(o->env), "%s", e);
	}
	if (fd >= 0 && c->addr != AD_STREAM)
		drain(fd, c->big + 4096, &fs, o);
	free_fds(&fs);
	teardown(c, v, fd);
	free(state);
}

/* Prints up to 40 bytes of d, escaped, to buf. */
static const char *
show(const unsigned char *d, size_t len, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < len && i < 40 && o + 5 < size; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '\\')
			buf[o++] = (char)d[i];
		else
			o +=
			    (size_t)snprintf(buf + o, size - o, "\\%03o", d[i]);
	}
	if (i < len && o + 4 < size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = '\0';
	return buf;
}

/*
 * Compares two outcomes field by field and prints every difference.
 * Returns the number of differences.
 */
static int
diff_outcomes(const struct notify_case *c, const struct outcome *sd,
    const struct outcome *hp)
{
	char b1[256], b2[256];
	int n = 0, k;

#define DIFF(...) \
	do { \
		if (n++ == 0) \
			print_error( \
			    "case %s differs (sd_* vs hp_*):\n", c->name); \
		print_error("  " __VA_ARGS__); \
	} while (0)

	if (sd->ret != hp->ret)
		DIFF("return: sd %d (%s), hp %d (%s)\n", sd->ret,
		    sd->ret < 0 ? strerror(-sd->ret) : "-", hp->ret,
		    hp->ret < 0 ? strerror(-hp->ret) : "-");
	if (sd->env_set != hp->env_set || strcmp(sd->env, hp->env) != 0)
		DIFF("NOTIFY_SOCKET after: sd %s%s%s, hp %s%s%s\n",
		    sd->env_set ? "\"" : "", sd->env_set ? sd->env : "(unset)",
		    sd->env_set ? "\"" : "", hp->env_set ? "\"" : "",
		    hp->env_set ? hp->env : "(unset)", hp->env_set ? "\"" : "");
	if (sd->ndgrams != hp->ndgrams)
		DIFF("datagrams: sd %d, hp %d (-1: no receiver)\n", sd->ndgrams,
		    hp->ndgrams);
	if (sd->ndgrams > 0 && hp->ndgrams > 0) {
		if (sd->len != hp->len ||
		    memcmp(sd->data, hp->data, sd->len) != 0)
			DIFF("bytes: sd %zu \"%s\", hp %zu \"%s\"\n", sd->len,
			    show(sd->data, sd->len, b1, sizeof(b1)), hp->len,
			    show(hp->data, hp->len, b2, sizeof(b2)));
		if (sd->truncated != hp->truncated)
			DIFF("truncated: sd %d, hp %d\n", sd->truncated,
			    hp->truncated);
		if (sd->creds != hp->creds)
			DIFF("SCM_CREDENTIALS: sd %s, hp %s\n",
			    sd->creds ? "yes" : "no", hp->creds ? "yes" : "no");
		else if (sd->creds &&
		    (sd->pid != hp->pid || sd->uid != hp->uid ||
			sd->gid != hp->gid))
			DIFF("credentials: sd pid %ld uid %ld gid %ld, hp pid "
			     "%ld uid %ld gid %ld\n",
			    sd->pid, sd->uid, sd->gid, hp->pid, hp->uid,
			    hp->gid);
		if (sd->other_cmsg != hp->other_cmsg)
			DIFF("other control messages: sd %d, hp %d\n",
			    sd->other_cmsg, hp->other_cmsg);
		if (sd->ctrunc != hp->ctrunc)
			DIFF("MSG_CTRUNC: sd %d, hp %d\n", sd->ctrunc,
			    hp->ctrunc);
		if (sd->rights != hp->rights || sd->nfds != hp->nfds)
			DIFF("SCM_RIGHTS: sd %d with %d fds, hp %d with %d "
			     "fds\n",
			    sd->rights, sd->nfds, hp->rights, hp->nfds);
		else
			for (k = 0; k < sd->nfds; k++)
				if (sd->rx_same[k] != hp->rx_same[k] ||
				    sd->rx_type[k] != hp->rx_type[k] ||
				    sd->rx_cloexec[k] != hp->rx_cloexec[k])
					DIFF("fd %d received: sd same %d type "
					     "%o cloexec %d, hp same %d type "
					     "%o cloexec %d\n",
					    k, sd->rx_same[k], sd->rx_type[k],
					    sd->rx_cloexec[k], hp->rx_same[k],
					    hp->rx_type[k], hp->rx_cloexec[k]);
	}
	if (sd->tx_changed != hp->tx_changed)
		DIFF("the sent fds changed: sd %d, hp %d\n", sd->tx_changed,
		    hp->tx_changed);
	if (sd->fd_delta != hp->fd_delta)
		DIFF("fds left open by the call: sd %d, hp %d\n", sd->fd_delta,
		    hp->fd_delta);
#undef DIFF
	return n;
}

/* How many descriptors of kind k arrive when the call succeeds. */
static int
arriving(enum fdk k)
{
	switch (k) {
	case FPIPE:
		return 1;
	case FMIX:
	case FSAME:
		return 3;
	case FMAX:
		return SCM_MAX;
	default:
		return 0;
	}
}

/*
 * Checks what hp_* did against what the case asks for, beyond agreeing
 * with sd_*: the credentials seen are ours (or those asked for), every
 * descriptor sent arrived as itself, and the caller's are untouched.
 */
static void
check_hp(const struct notify_case *c, const struct outcome *hp)
{
	const int asked = (c->flags & (F_SETID | F_UNPRIV)) != 0;
	int k;

	if (hp->creds) {
		/* Another pid gets through only with CAP_SYS_ADMIN. */
		if (hp->pid != (long)getpid())
			assert_true(c->pid == PPARENT &&
			    !(c->flags & F_UNPRIV) &&
			    hp->pid == (long)getppid());
		assert_int_equal(hp->uid, asked ? SETID_ID : (long)getuid());
		assert_int_equal(hp->gid, asked ? SETID_ID : (long)getgid());
	}
	if (hp->ret > 0 && hp->ndgrams > 0) {
		assert_int_equal(hp->nfds, arriving(c->fds));
		assert_int_equal(hp->rights, hp->nfds > 0);
		for (k = 0; k < hp->nfds; k++) {
			assert_true(hp->rx_same[k]);
			assert_false(hp->rx_cloexec[k]);
		}
	}
	assert_false(hp->tx_changed);
	assert_int_equal(hp->fd_delta, 0);
}

static void
test_notify_case(void **state)
{
	const struct notify_case *c = *state;
	struct outcome sd, hp;
	char b[256];
	size_t i = (size_t)(c - cases);
	int bad;

	if ((c->flags & (F_SETID | F_UNPRIV)) && geteuid() != 0) {
		print_message("skipped: %s needs root to change its real "
			      "uid\n",
		    c->name);
		skip();
	}
	run_case(c, i, 1, &sd);
	run_case(c, i, 0, &hp);
	bad = diff_outcomes(c, &sd, &hp);
	if (bad == 0)
		print_message("%s: %d%s%s, NOTIFY_SOCKET %s, %d datagram(s)"
			      "%s%s%s",
		    c->name, hp.ret, hp.ret < 0 ? " " : "",
		    hp.ret < 0 ? strerror(-hp.ret) : "",
		    hp.env_set ? "set" : "unset", hp.ndgrams,
		    hp.ndgrams > 0 ? " \"" : "",
		    hp.ndgrams > 0 ? show(hp.data, hp.len, b, sizeof(b)) : "",
		    hp.ndgrams > 0 ? "\"" : "");
	if (bad == 0 && hp.ndgrams > 0)
		print_message(" with %d fd(s), %s", hp.nfds,
		    hp.creds ? "creds" : "no creds");
	if (bad == 0 && hp.creds)
		print_message(
		    " of pid %s", hp.pid == (long)getpid() ? "self" : "parent");
	if (bad == 0)
		print_message("\n");
	if (bad == 0)
		check_hp(c, &hp);
	free(sd.data);
	free(hp.data);
	if (bad != 0)
		fail_msg("%s: hp_*notify* and sd_*notify* disagree", c->name);
}

/*
 * One case of xx_notify_barrier(unset, timeout). The receiver, if any,
 * is bound as for a notify_case; reader says who reads it.
 */
enum reader {
	RD_NONE, /* nobody: the message, and the pipe's end, stay queued */
	RD_CLOSE, /* a child reads it and closes the descriptor */
	RD_HOLD /* a child reads it and keeps the descriptor open */
};

struct barrier_case {
	const char *name;
	enum addr addr;
	const char *value;
	int unset;
	uint64_t timeout; /* microseconds */
	enum reader reader;
};

#define SEC 1000000ULL
static const struct barrier_case barriers[] = {
    {"barrier_no_env", AD_UNSET, NULL, 0, 0, RD_NONE},
    {"barrier_no_env_unset", AD_UNSET, NULL, 1, 0, RD_NONE},
    {"barrier_relative_unset", AD_LITERAL, "notify.sock", 1, 0, RD_NONE},
    {"barrier_vsock", AD_LITERAL, "vsock:2:1234", 0, SEC, RD_NONE},
    {"barrier_stale", AD_STALE, "stale", 0, SEC, RD_NONE},
    {"barrier_missing_unset", AD_MISSING, "missing", 1, SEC, RD_NONE},
    {"barrier_stream", AD_STREAM, "stream", 0, SEC, RD_NONE},
    {"barrier_queued_0", AD_PATH, "notify", 0, 0, RD_NONE},
    {"barrier_queued_1us_unset", AD_PATH, "notify", 1, 1, RD_NONE},
    {"barrier_queued_20ms", AD_ABSTRACT, "hp-barrier", 0, 20000, RD_NONE},
    {"barrier_held_20ms", AD_PATH, "notify", 0, 20000, RD_HOLD},
    {"barrier_closed", AD_PATH, "notify", 0, 30 * SEC, RD_CLOSE},
    {"barrier_closed_unset", AD_ABSTRACT, "hp-barrier", 1, 30 * SEC, RD_CLOSE},
    {"barrier_closed_forever", AD_PATH, "notify", 0, UINT64_MAX, RD_CLOSE},
};
#undef SEC
#define N_BARRIERS (sizeof(barriers) / sizeof(barriers[0]))

/*
 * The reading child: receives one datagram on fd (waiting at most 30 s),
 * checks that it is BARRIER=1 with exactly one descriptor, the write end
 * of a pipe, then closes it at once (RD_CLOSE) or once hold reads EOF
 * (RD_HOLD). Exits 0 if all was as expected, else 1.
 */
static void
barrier_reader(int fd, enum reader r, int hold)
{
	const struct timeval tv = {30, 0};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(8 * sizeof(int)) +
		    CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct iovec iov;
	struct stat st;
	char buf[64], c;
	int n = 0, rfd = -1, ok;
	ssize_t len;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &ctl;
	mh.msg_controllen = sizeof(ctl);
	if ((len = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) < 0)
		_exit(1);
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS) {
			n += (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(&rfd, CMSG_DATA(cm), sizeof(int));
		}
	ok = len == 9 && memcmp(buf, "BARRIER=1", 9) == 0 && n == 1 &&
	    fstat(rfd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    (fcntl(rfd, F_GETFL) & O_ACCMODE) == O_WRONLY;
	if (r == RD_HOLD)
		while (read(hold, &c, 1) > 0)
			;
	_exit(ok ? 0 : 1);
}

/* Makes the call of barrier case b (number i) through either library
 * and records it all. */
static void
run_barrier(
    const struct barrier_case *b, size_t i, int use_sd, struct outcome *o)
{
	const struct notify_case c = {b->name, b->addr, b->value, 0,
	    CALL_NOTIFY, "BARRIER=1", 0, b->unset, 0, P0, FN};
	struct fdset none;
	char v[MAX_ENV];
	const char *e;
	pid_t pid = -1;
	int fd, hold[2] = {-1, -1}, before, st;

	memset(o, 0, sizeof(*o));
	memset(&none, 0, sizeof(none));
	o->ndgrams = -1;
	o->reader = -1;
	make_value(&c, N_CASES + i, v, sizeof(v));
	fd = setup(&c, v);
	if (b->reader != RD_NONE) {
		assert_true(fd >= 0);
		assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			(void)close(hold[1]);
			barrier_reader(fd, b->reader, hold[0]);
		}
		assert_int_equal(close(hold[0]), 0);
	}

	before = count_fds();
	o->ret = use_sd ? sd_notify_barrier(b->unset, b->timeout) :
			  hp_notify_barrier(b->unset, b->timeout);
	o->fd_delta = count_fds() - before;

	if (pid > 0) {
		assert_int_equal(close(hold[1]), 0);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		o->reader = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	}
	if ((e = getenv("NOTIFY_SOCKET")) != NULL) {
		o->env_set = 1;
		(void)snprintf(o->env, sizeof(o->env), "%s", e);
	}
	if (fd >= 0 && b->addr != AD_STREAM)
		drain(fd, 4096, &none, o);
	teardown(&c, v, fd);
}

static void
test_barrier_case(void **state)
{
	const struct barrier_case *b = *state;
	const struct notify_case c = {b->name, b->addr, b->value, 0,
	    CALL_NOTIFY, NULL, 0, b->unset, 0, P0, FN};
	struct outcome sd, hp;
	size_t i = (size_t)(b - barriers);
	int bad;

	alarm(120); /* a barrier that never returns kills the test */
	run_barrier(b, i, 1, &sd);
	run_barrier(b, i, 0, &hp);
	alarm(0);
	bad = diff_outcomes(&c, &sd, &hp);
	if (bad == 0)
		print_message("%s: %d%s%s, NOTIFY_SOCKET %s, %d datagram(s) "
			      "with %d fd(s), reader %d\n",
		    b->name, hp.ret, hp.ret < 0 ? " " : "",
		    hp.ret < 0 ? strerror(-hp.ret) : "",
		    hp.env_set ? "set" : "unset", hp.ndgrams, hp.nfds,
		    hp.reader);
	free(sd.data);
	free(hp.data);
	if (bad != 0)
		fail_msg("%s: hp_notify_barrier and sd_notify_barrier "
			 "disagree",
		    b->name);
	/* The message left queued is BARRIER=1 with a pipe's write end. */
	if (hp.ndgrams > 0) {
		assert_int_equal(hp.nfds, 1);
		assert_int_equal(hp.rx_type[0], S_IFIFO);
	}
	assert_int_equal(hp.fd_delta, 0);
	if (b->reader != RD_NONE)
		assert_int_equal(hp.reader, 0);
}

/* A random number for the abstract names, which live in a namespace
 * shared with every other process. */
static unsigned long
random_nonce(void)
{
	unsigned long r = 0;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			r = 0;
		(void)close(fd);
	}
	if (r == 0)
		r = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	return r;
}

int
main(void)
{
	struct CMUnitTest tests[N_CASES + N_BARRIERS];
	size_t i;
	int r;

	for (i = 0; i < N_CASES; i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = test_notify_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	for (i = 0; i < N_BARRIERS; i++) {
		memset(&tests[N_CASES + i], 0, sizeof(tests[i]));
		tests[N_CASES + i].name = barriers[i].name;
		tests[N_CASES + i].test_func = test_barrier_case;
		tests[N_CASES + i].initial_state = (void *)&barriers[i];
	}
	nonce = random_nonce();
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp-notify.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	r = cmocka_run_group_tests_name("notify", tests, NULL, NULL);
	(void)rmdir(tmpdir); /* fails, harmlessly, if a case left a file */
	return r;
}
