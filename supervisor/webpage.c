/* SPDX-License-Identifier: ISC */
/* webpage.c: the error page, the events and holdports.js, as text. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "util.h"
#include "webpage.h"

/* The 16 terminal colours, light and dark (GitHub's terminal palettes:
 * readable on their background), as classes f0-f15 and g0-g15 of
 * ansi.c, and the attributes B, D, I, U. Shared by the page and the
 * overlay of holdports.js. */
static const char webpage_palette[] =
    ":root,:host{--bg:#f6f8fa;--fg:#1f2328;--muted:#59636e;--card:#ffffff;"
    "--line:#d1d9e0;--term:#ffffff;--bad:#cf222e;"
    "--c0:#24292f;--c1:#cf222e;--c2:#116329;--c3:#9a6700;--c4:#0969da;"
    "--c5:#8250df;--c6:#1b7c83;--c7:#6e7781;--c8:#57606a;--c9:#a40e26;"
    "--c10:#1a7f37;--c11:#7d4e00;--c12:#218bff;--c13:#a475f9;"
    "--c14:#3192aa;--c15:#8c959f}\n"
    "@media (prefers-color-scheme:dark){:root,:host{--bg:#0d1117;"
    "--fg:#e6edf3;--muted:#9198a1;--card:#151b23;--line:#3d444d;"
    "--term:#010409;--bad:#ff7b72;"
    "--c0:#484f58;--c1:#ff7b72;--c2:#3fb950;--c3:#d29922;--c4:#58a6ff;"
    "--c5:#bc8cff;--c6:#39c5cf;--c7:#b1bac4;--c8:#6e7681;--c9:#ffa198;"
    "--c10:#56d364;--c11:#e3b341;--c12:#79c0ff;--c13:#d2a8ff;"
    "--c14:#56d4dd;--c15:#f0f6fc}}\n"
    ".f0{color:var(--c0)}.f1{color:var(--c1)}.f2{color:var(--c2)}"
    ".f3{color:var(--c3)}.f4{color:var(--c4)}.f5{color:var(--c5)}"
    ".f6{color:var(--c6)}.f7{color:var(--c7)}.f8{color:var(--c8)}"
    ".f9{color:var(--c9)}.f10{color:var(--c10)}.f11{color:var(--c11)}"
    ".f12{color:var(--c12)}.f13{color:var(--c13)}.f14{color:var(--c14)}"
    ".f15{color:var(--c15)}"
    ".g0{background:var(--c0)}.g1{background:var(--c1)}"
    ".g2{background:var(--c2)}.g3{background:var(--c3)}"
    ".g4{background:var(--c4)}.g5{background:var(--c5)}"
    ".g6{background:var(--c6)}.g7{background:var(--c7)}"
    ".g8{background:var(--c8)}.g9{background:var(--c9)}"
    ".g10{background:var(--c10)}.g11{background:var(--c11)}"
    ".g12{background:var(--c12)}.g13{background:var(--c13)}"
    ".g14{background:var(--c14)}.g15{background:var(--c15)}"
    ".B{font-weight:700}.D{opacity:.65}.I{font-style:italic}"
    ".U{text-decoration:underline}\n";

static const char webpage_style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}"
    "\nmain{max-width:76rem;margin:0 auto;padding:2.5rem 1.5rem}\n"
    "header{display:flex;align-items:center;gap:.6rem;flex-wrap:wrap;"
    "color:var(--muted)}\n"
    ".code{font:700 12px/1 ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "monospace;padding:.35rem .55rem;border-radius:999px;"
    "background:var(--bad);color:var(--card)}\n"
    ".who b{color:var(--fg)}\n"
    "h1{font-size:1.4rem;line-height:1.3;margin:.9rem 0 1.4rem;"
    "font-weight:650;overflow-wrap:anywhere}\n"
    "pre{margin:0;background:var(--term);color:var(--fg);"
    "border:1px solid var(--line);border-radius:10px;"
    "padding:1rem 1.25rem;overflow:auto;max-height:72vh;"
    "font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "\"DejaVu Sans Mono\",monospace;tab-size:8}\n"
    ".none{color:var(--muted);font-style:italic}\n"
    "footer{margin-top:1rem;color:var(--muted);font-size:13px;"
    "display:flex;align-items:center;gap:.5rem}\n"
    ".dot{width:8px;height:8px;border-radius:50%;background:var(--muted);"
    "animation:p 1.4s ease-in-out infinite}\n"
    "@keyframes p{50%{opacity:.2}}\n"
    "@media (prefers-reduced-motion:reduce){.dot{animation:none}}\n";

/* Asks for the page's own URL once a second and reloads once the answer
 * is not 503: a child serves again. HEAD keeps each try small; a request
 * sent while the child starts waits in the backlog and gets its answer.
 * Also shows the end of the output, where the error usually is. */
static const char webpage_reload[] =
    "(function(){var u=location.href;"
    "function t(){fetch(u,{method:'HEAD',cache:'no-store'}).then("
    "function(r){if(r.status!==503)location.reload();else setTimeout(t,"
    "1000)},function(){setTimeout(t,1000)})}setTimeout(t,1000);"
    "var p=document.querySelector('pre');"
    "if(p)p.scrollTop=p.scrollHeight})();\n";

/* holdports.js after its first lines (the function that keeps its
 * names out of the page's, and the stylesheet, css). */
static const char webpage_js[] =
    "var me=document.currentScript;\n"
    "if(!me||!me.src||!window.EventSource)return;\n"
    "var origin=new URL(me.src,location.href).origin;\n"
    "var host=null,root=null,pill=null,box=null;\n"
    "function ensure(){if(host&&host.isConnected)return;\n"
    " host=document.createElement('holdports-overlay');\n"
    " host.style.cssText='all:initial;position:fixed;inset:0;"
    "z-index:2147483647;pointer-events:none';\n"
    " root=host.attachShadow({mode:'open'});\n"
    " var st=document.createElement('style');st.textContent=css;"
    "root.appendChild(st);\n"
    " (document.body||document.documentElement).appendChild(host);"
    "pill=box=null}\n"
    "function el(tag,cls,text){var e=document.createElement(tag);"
    "if(cls)e.className=cls;if(text!=null)e.textContent=text;return e}\n"
    "function dismiss(){if(box){box.remove();box=null}}\n"
    "function unpill(){if(pill){pill.remove();pill=null}}\n"
    "function building(d){ensure();unpill();"
    "pill=el('div','pill',d.headline||'building');"
    "pill.setAttribute('role','status');root.appendChild(pill)}\n"
    "function failed(d){ensure();unpill();dismiss();\n"
    " box=el('div','box');box.setAttribute('role','alertdialog');\n"
    " box.setAttribute('aria-label',d.headline||'build failed');\n"
    " var head=el('div','head');var who=el('div','who');\n"
    " who.appendChild(el('b',null,d.instance||'holdports'));\n"
    " if(d.child)who.appendChild(document.createTextNode(' \\u00b7 '+"
    "d.child));\n"
    " var x=el('button','x','\\u00d7');x.title='Dismiss (Esc)';"
    "x.setAttribute('aria-label','Dismiss');x.onclick=dismiss;\n"
    " head.appendChild(who);head.appendChild(x);box.appendChild(head);\n"
    " box.appendChild(el('h1',null,d.headline||'build failed'));\n"
    " var pre=el('pre');\n"
    " pre.innerHTML=d.html||'';\n" /* escaped by holdports */
    " box.appendChild(pre);\n"
    " box.appendChild(el('div','foot','The page reloads once a build "
    "succeeds. Esc dismisses this.'));\n"
    " root.appendChild(box);pre.scrollTop=pre.scrollHeight}\n"
    "document.addEventListener('keydown',function(e){"
    "if(e.key==='Escape')dismiss()});\n"
    "var es=new EventSource(origin+'/events');\n"
    "function data(e){try{return JSON.parse(e.data)}catch(x){return{}}}\n"
    "es.addEventListener('building',function(e){building(data(e))});\n"
    "es.addEventListener('failed',function(e){failed(data(e))});\n"
    "es.addEventListener('reload',function(){es.close();"
    "location.reload()});\n"
    "})();\n";

static const char webpage_overlay_style[] =
    ".box{pointer-events:auto;position:fixed;top:4vh;left:4vw;right:4vw;"
    "max-height:92vh;display:flex;flex-direction:column;"
    "background:var(--card);color:var(--fg);border:1px solid var(--line);"
    "border-top:4px solid var(--bad);border-radius:10px;"
    "box-shadow:0 12px 48px rgba(0,0,0,.35);padding:1rem 1.25rem;"
    "font:14px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;text-align:left}\n"
    ".head{display:flex;align-items:center;justify-content:space-between;"
    "color:var(--muted)}\n.who b{color:var(--fg)}\n"
    ".x{all:unset;cursor:pointer;font-size:22px;line-height:1;"
    "padding:0 .3rem;color:var(--muted)}\n.x:hover{color:var(--fg)}\n"
    "h1{font-size:1.15rem;margin:.4rem 0 .8rem;font-weight:650}\n"
    "pre{margin:0;overflow:auto;flex:1 1 auto;min-height:3rem;"
    "background:var(--term);border:1px solid var(--line);"
    "border-radius:8px;padding:.75rem 1rem;white-space:pre;"
    "font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "\"DejaVu Sans Mono\",monospace;tab-size:8}\n"
    ".foot{margin-top:.6rem;color:var(--muted);font-size:12px}\n"
    ".pill{pointer-events:auto;position:fixed;right:16px;bottom:16px;"
    "background:var(--card);color:var(--fg);border:1px solid var(--line);"
    "border-radius:999px;padding:.35rem .8rem;"
    "font:13px/1.4 system-ui,sans-serif;"
    "box-shadow:0 4px 16px rgba(0,0,0,.2)}\n";

/* A growing string; the first failure sticks and is reported once, at
 * the end. */
struct sb {
	char *p;
	size_t len, cap;
	int failed;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (grow_buf(&b->p, &b->cap, b->len + n + 1) == -1) {
		b->failed = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Appends the n bytes at s as the inside of a JSON string (RFC 8259 7);
 * s is valid UTF-8 (ansi.c's output). "<" is escaped too, so that the
 * string is safe inside any HTML as well. */
static void
sb_json(struct sb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = {'\\', 'u', '0', '0', 0, 0};
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;

		if (c == '"')
			e = "\\\"";
		else if (c == '\\')
			e = "\\\\";
		else if (c == '\n')
			e = "\\n";
		else if (c == '\t')
			e = "\\t";
		else if (c >= 0x20 && c != '<')
			continue;
		sb_add(b, s + from, i - from);
		if (e != NULL)
			sb_str(b, e);
		else {
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			sb_add(b, u, 6);
		}
		from = i + 1;
	}
	sb_add(b, s + from, n - from);
}

/* Appends the string s (may be NULL: def) rendered by ansi.c: as HTML
 * with html set, else as text; with json set, as the inside of a JSON
 * string. Newlines become spaces when oneline is set. */
static void
sb_render(struct sb *b, const char *s, size_t n, int flags, int html, int json,
    int oneline)
{
	size_t len, i;
	char *r;

	if (b->failed)
		return;
	r = html ? ansi_html(s, n, flags, &len) : ansi_text(s, n, flags, &len);
	if (r == NULL) {
		b->failed = 1;
		return;
	}
	if (oneline)
		for (i = 0; i < len; i++)
			if (r[i] == '\n' || r[i] == '\t')
				r[i] = ' ';
	if (json)
		sb_json(b, r, len);
	else
		sb_add(b, r, len);
	free(r);
}

/* Appends one line of view's strings (never NULL). */
static void
sb_line(struct sb *b, const char *s, int html, int json)
{
	sb_render(b, s, strlen(s), 0, html, json, 1);
}

static const char *
view_instance(const struct web_view *v)
{
	return v != NULL && v->instance != NULL && *v->instance != '\0' ?
	    v->instance :
	    "holdports";
}

static const char *
view_child(const struct web_view *v)
{
	return v != NULL && v->child != NULL ? v->child : "";
}

static const char *
view_headline(const struct web_view *v)
{
	return v != NULL && v->headline != NULL && *v->headline != '\0' ?
	    v->headline :
	    "no server is running";
}

static char *
sb_end(struct sb *b, size_t *lenp)
{
	if (b->p == NULL)
		sb_add(b, "", 0);
	if (b->failed) {
		free(b->p);
		errno = ENOMEM;
		return NULL;
	}
	*lenp = b->len;
	return b->p;
}

char *
webpage_html(const struct web_view *v, size_t *lenp)
{
	struct sb b = {NULL, 0, 0, 0};

	sb_str(&b,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width,initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n"
	    "<title>");
	sb_line(&b, view_instance(v), 1, 0);
	sb_str(&b, ": ");
	sb_line(&b, view_headline(v), 1, 0);
	sb_str(&b, "</title>\n<style>\n");
	sb_str(&b, webpage_palette);
	sb_str(&b, webpage_style);
	sb_str(&b,
	    "</style></head>\n<body><main>\n<header><span "
	    "class=\"code\">503</span><span class=\"who\"><b>");
	sb_line(&b, view_instance(v), 1, 0);
	sb_str(&b, "</b>");
	if (*view_child(v) != '\0') {
		sb_str(&b, " \xc2\xb7 ");
		sb_line(&b, view_child(v), 1, 0);
	}
	sb_str(&b, "</span></header>\n<h1>");
	sb_line(&b, view_headline(v), 1, 0);
	sb_str(&b, "</h1>\n");
	if (v != NULL && v->taillen > 0) {
		sb_str(&b, "<pre>");
		sb_render(&b, v->tail, v->taillen, v->tail_cut ? ANSI_CUT : 0,
		    1, 0, 0);
		sb_str(&b, "</pre>\n");
	} else
		sb_str(&b, "<pre class=\"none\">(no output)</pre>\n");
	sb_str(&b,
	    "<footer><span class=\"dot\"></span>No server answers "
	    "yet: this page reloads as soon as one does. "
	    "(holdports)</footer>\n</main>\n<script>");
	sb_str(&b, webpage_reload);
	sb_str(&b, "</script></body></html>\n");
	return sb_end(&b, lenp);
}

char *
webpage_text(const struct web_view *v, size_t *lenp)
{
	struct sb b = {NULL, 0, 0, 0};

	sb_str(&b, "holdports: ");
	sb_line(&b, view_instance(v), 0, 0);
	if (*view_child(v) != '\0') {
		sb_str(&b, " (");
		sb_line(&b, view_child(v), 0, 0);
		sb_str(&b, ")");
	}
	sb_str(&b, ": ");
	sb_line(&b, view_headline(v), 0, 0);
	sb_str(&b, "\n");
	if (v != NULL && v->taillen > 0) {
		sb_str(&b, "\n");
		sb_render(&b, v->tail, v->taillen, v->tail_cut ? ANSI_CUT : 0,
		    0, 0, 0);
		if (b.len > 0 && b.p[b.len - 1] != '\n')
			sb_str(&b, "\n");
	}
	return sb_end(&b, lenp);
}

char *
webpage_event(enum web_event ev, const struct web_view *v, size_t *lenp)
{
	struct sb b = {NULL, 0, 0, 0};

	if (ev == WEB_RELOAD) {
		sb_str(&b, "event: reload\ndata: {}\n\n");
		return sb_end(&b, lenp);
	}
	sb_str(
	    &b, ev == WEB_BUILDING ? "event: building\n" : "event: failed\n");
	sb_str(&b, "data: {\"instance\":\"");
	sb_line(&b, view_instance(v), 0, 1);
	sb_str(&b, "\",\"child\":\"");
	sb_line(&b, view_child(v), 0, 1);
	sb_str(&b, "\",\"headline\":\"");
	if (ev == WEB_BUILDING && (v == NULL || v->headline == NULL))
		sb_str(&b, "building");
	else
		sb_line(&b, view_headline(v), 0, 1);
	sb_str(&b, "\"");
	if (ev == WEB_FAILED) {
		const char *t = v != NULL && v->tail != NULL ? v->tail : "";
		size_t n = v != NULL && v->tail != NULL ? v->taillen : 0;
		int f = v != NULL && v->tail_cut ? ANSI_CUT : 0;

		sb_str(&b, ",\"text\":\"");
		sb_render(&b, t, n, f, 0, 1, 0);
		sb_str(&b, "\",\"html\":\"");
		sb_render(&b, t, n, f, 1, 1, 0);
		sb_str(&b, "\"");
	}
	sb_str(&b, "}\n\n");
	return sb_end(&b, lenp);
}

char *
webpage_script(size_t *lenp)
{
	struct sb b = {NULL, 0, 0, 0};

	sb_str(&b,
	    "/* holdports.js: reloads this page when holdports has "
	    "a new server ready, shows a build error over it. */\n"
	    "(function(){\"use strict\";\nvar css=\"");
	sb_json(&b, webpage_palette, sizeof(webpage_palette) - 1);
	sb_json(&b, webpage_overlay_style, sizeof(webpage_overlay_style) - 1);
	sb_str(&b, "\";\n");
	sb_str(&b, webpage_js);
	return sb_end(&b, lenp);
}
