/* SPDX-License-Identifier: ISC */
/* webpage.h: what the browser side says: the error page as HTML and as
 * text, the events as Server-Sent Events messages, and holdports.js.
 * Pure functions: no sockets, no state. */

#ifndef HP_WEBPAGE_H
#define HP_WEBPAGE_H

#include <stddef.h>

#include "web.h"

/* Each returns a NUL-terminated malloc(3) string that the caller frees,
 * its length in *lenp, or NULL with errno ENOMEM. The strings of view are
 * rendered through ansi.c: escape sequences dropped, invalid UTF-8
 * replaced, HTML and JSON escaped where they go. */

/* The error page: a self-contained HTML document (inline CSS and
 * script, no external resource; light and dark by prefers-color-scheme)
 * with the instance, the child, the headline and the tail with its
 * colours, that asks for its URL again (HEAD, once a second) and
 * reloads once the answer is not 503. */
char *webpage_html(const struct web_view *view, size_t *lenp);
/* The error page as plain text: "holdports: INSTANCE (CHILD): HEADLINE",
 * an empty line, the tail without escape sequences. */
char *webpage_text(const struct web_view *view, size_t *lenp);
/* One Server-Sent Events message (the HTML Standard, 9.2): "event:
 * NAME", "data: JSON", an empty line. The JSON has "instance", "child"
 * and "headline"; for WEB_FAILED also "text" and "html", the tail as
 * plain text and as HTML. view may be NULL for WEB_RELOAD ("data: {}"). */
char *webpage_event(
    enum web_event ev, const struct web_view *view, size_t *lenp);
/* holdports.js: opens an EventSource to the origin of its own src,
 * reloads the page on "reload", shows the error of "failed" over the
 * page (fixed, dismissible, colours kept) and a small notice on
 * "building". */
char *webpage_script(size_t *lenp);

#endif
