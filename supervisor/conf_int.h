/* SPDX-License-Identifier: ISC */
/* conf_int.h: what the files of the configuration loader share: the table
 * of keys (conf_keys.c), the ports.ini reader (conf_ini.c), the
 * command line (conf.c) and the printer (conf_print.c). Not for other
 * modules: they use conf.h. */

#ifndef HP_CONF_INT_H
#define HP_CONF_INT_H

#include "conf.h"

enum sect {
	SECT_NONE,
	SECT_HOLDPORTS,
	SECT_SOCKET,
	SECT_CHILD
};

/* The sections a key may stand in, as bits. */
#define SB_HOLDPORTS (1u << SECT_HOLDPORTS)
#define SB_SOCKET (1u << SECT_SOCKET)
#define SB_CHILD (1u << SECT_CHILD)

enum key {
	K_NAME,
	K_DEBOUNCE,
	K_STOP_SIGNAL,
	K_STOP_TIMEOUT,
	K_RESTART,
	K_MODE,
	K_READY,
	K_READY_TIMEOUT,
	K_COMPAT,
	K_EVENTS,
	K_EVENTS_FALLBACK,
	K_LISTEN,
	K_BACKLOG,
	K_FALLBACK,
	K_SOCK_MODE,
	K_USER,
	K_GROUP,
	K_PROTOCOL,
	K_COMMAND,
	K_DIRECTORY,
	K_ENVIRONMENT,
	K_WATCH,
	K_IGNORE,
	K_BUILD,
	K_GITIGNORE,
	K_LISTEN_PID,
	K_SOCKETS,
	K_FDSTORE_MAX,
	K_CLEAR,
	K_STDIN,
	K_COUNT
};

/* Where a key's value is stored. */
enum owner {
	OWN_CONF, /* struct conf: the instance */
	OWN_CHILD, /* struct childconf: a child, or in [holdports] the
		      defaults every child inherits */
	OWN_SOCK /* struct sockconf */
};

/* How a key's value is read. */
enum ktype {
	KT_WORD, /* one word of the key's words[], stored as an int */
	KT_DURATION, /* a duration, stored as int64_t milliseconds */
	KT_STRING, /* a string, replaced */
	KT_PATH, /* a path resolved against the file's directory */
	KT_LIST, /* a string added to a list: one value a line */
	KT_PATHLIST, /* a resolved path added to a list */
	KT_SPECIAL /* checked by code of its own (conf_keys.c) */
};

/* One accepted word of a KT_WORD key, and the value it stands for. */
struct word {
	const char *name;
	int value;
};

struct keydef {
	const char *name;
	unsigned sects; /* SB_* bits of the sections that take it */
	enum owner owner;
	size_t off; /* offset of its field in its owner's struct */
	enum ktype type;
	size_t off_n; /* KT_LIST, KT_PATHLIST: offset of the count */
	const struct word *words; /* KT_WORD: NULL-terminated */
	const char *hint; /* KT_WORD: what the words mean, for messages; or
			     NULL for "use a, b or c" */
	const char *example; /* a valid value, for messages */
};

extern const struct keydef keydefs[K_COUNT];

/* conf_keys.c */

/* Returns the key called name that section sect takes, or -1. */
int key_find(enum sect sect, const char *name);
/* Returns the first section, in the order [holdports], [socket.NAME],
 * [child], that takes the key called name, or SECT_NONE for no key. */
enum sect key_section(const char *name);
/* Returns how messages show section s: "[holdports]", "[socket.NAME]"
 * or "[child]". */
const char *sect_display(enum sect s);
/* Writes into buf (len bytes) "a, b and c": the keys of section sect. */
void keys_list(enum sect sect, char *buf, size_t len);
/* Returns the key of section sect that name is a typo of ("comand":
 * "command"), or NULL. */
const char *key_suggest(enum sect sect, const char *name);
/* Applies key k with value v: to c for a key of the instance, to ch for
 * a key of a child (the defaults when the key stands in [holdports]), to
 * sc for a key of a socket. Single keys replace their value, repeatable
 * ones add one. Relative paths resolve against the absolute directory
 * base. Returns 0, or -1 with "what is wrong; what to do" in msg
 * (CONF_ERR_MAX bytes). The one place every value is checked, for the
 * file and the command line alike. */
int key_apply(struct conf *c, struct childconf *ch, struct sockconf *sc, int k,
    const char *v, const char *base, char *msg);
/* Returns 1 if key k is repeatable (each line adds a value to a list),
 * else 0. */
int key_multi(int k);
/* Returns the word of the KT_WORD key k that stands for value, or "?". */
const char *key_word(int k, int value);
/* Returns 1 if s is a valid instance name: 1 to CONF_NAME_MAX letters,
 * digits, '.', '_' or '-', not all of them digits (holdports reload NAME
 * would take it for a pid). Else 0. */
int name_valid(const char *s);

/* conf.c */

/* Returns path made absolute against the absolute directory base (path
 * is kept when it is absolute), with "." components, repeated and
 * trailing slashes removed (but for a last component that ends in a
 * blank). ".." is kept: only the kernel knows what it means where a
 * symbolic link is involved. Returns a new string, or NULL with ENOMEM. */
char *path_resolve(const char *base, const char *path);
/* Returns the current directory as a new string, or NULL with errno from
 * getcwd(3) or ENOMEM. */
char *cwd_get(void);
/* Prepares an empty child named name (copied; NULL for the defaults of
 * [holdports], which have no name) declared on line: every inheritable
 * key at its default. Returns 0 or -1 with errno ENOMEM. */
int childconf_init(struct childconf *ch, const char *name, int line);
/* Appends an empty child to c (childconf_init()). Returns it, or NULL
 * with errno ENOMEM. */
struct childconf *conf_add_child(struct conf *c, const char *name, int line);
/* Appends a socket named name (copied; "" for none yet) with the defaults
 * of every key. Returns it, or NULL with errno ENOMEM. */
struct sockconf *conf_add_sock(struct conf *c, const char *name);

/* Opens the configuration file at path for reading: a regular file
 * only, opened without blocking (a FIFO or a device at the path would
 * otherwise hold holdports in open(2) or feed it without end) and at
 * most 1 MiB. Returns the stream, or NULL with the message in err. */
FILE *conf_fopen(const char *path, char *err);
/* Sets c->file to a copy of path and c->dir to the absolute directory of
 * path against the current directory (canonical with realpath(3) when
 * canon is set). Returns 0 or -1 with err set. */
int conf_file_set(struct conf *c, const char *path, int canon, char *err);

/* Writes "[child.NAME]" or "[child]" for messages about ch into buf (len
 * bytes). Returns buf. */
const char *child_where(const struct childconf *ch, char *buf, size_t len);

/* conf_ini.c */

/* Runs inih over f (a regular file opened by conf_load()) or over text,
 * into c whose file and dir are set. Returns 0 or -1 with err set. */
int ini_run(struct conf *c, FILE *f, const char *text, char *err);

#endif
