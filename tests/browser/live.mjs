// SPDX-License-Identifier: ISC
// live.mjs: headless Chromium against the real holdports running the
// demo server (a copy of contrib/demo in a scratch directory, built by
// holdports with cc): the page, which includes holdports.js, changes to
// the new version by itself after a file change, without any navigation
// of ours; a compile error shows over it while the old server serves; the
// fix reloads it; and a page opened on the 503 of a first build that
// failed turns into the demo once the build is fixed. Prints one line per
// case as the system tests do (tests/system/t_web_live.sh runs it).
//
//   node tests/browser/live.mjs DIR      (DIR: a scratch directory)

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { browser, reporter, top } from "./lib.mjs";

const dir = process.argv[2];
const name = "t_web_live";
const { ok, fail, check, status } = reporter(name);

// The project: the demo's source and message, and a ports.ini that builds
// and runs it with the browser side on kernel-chosen ports. A short link
// to the repository keeps the lines of ports.ini short (inih: 199 bytes).
const app = path.join(dir, "app");
fs.mkdirSync(app, { recursive: true });
const src = fs.readFileSync(path.join(top, "contrib/demo/demo.c"), "utf8");
const good = src;
const broken = src.replace("render_page(pg, body, sizeof(body));",
    "render_page(pg, body, sizeof(body)) /* a ';' is missing */");
if (broken === src)
	throw new Error("demo.c: cannot find the line to break");
fs.writeFileSync(path.join(app, "message.txt"), "The first message.\n");
fs.symlinkSync(top, path.join(dir, "top"));
fs.writeFileSync(path.join(app, "ports.ini"), [
	"[holdports]", "name = live", "events = 127.0.0.1:0", "stop_timeout = 2s",
	"[socket.http]", "listen = 127.0.0.1:0", "protocol = http",
	"[child]",
	`build = cc -fdiagnostics-color=always -I${dir}/top/child-api -o demo-server demo.c ${dir}/top/libholdports.a`,
	"command = ./demo-server", "environment = DEMO_MESSAGE=message.txt",
	"watch = .", "ignore = demo-server", "",
].join("\n"));

// Starts holdports on the project; resolves to { proc, port, log() }.
function holdports() {
	const logf = path.join(dir, `hp.${Date.now()}.log`);
	const err = fs.openSync(logf, "w");
	const proc = spawn(path.join(top, "holdports"), ["-c", path.join(app, "ports.ini")],
	    { stdio: ["ignore", "ignore", err] });
	// lib.sh's cleanup kills what is listed in DIR/pids.
	fs.appendFileSync(path.join(dir, "pids"), `${proc.pid}\n`);
	const log = () => fs.readFileSync(logf, "utf8");
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const look = () => {
			const m = log().match(/^holdports: http listening on 127\.0\.0\.1:(\d+)/m);
			const e = log().match(/^holdports: events on 127\.0\.0\.1:(\d+)/m);
			if (m && e)
				return resolve({ proc, port: Number(m[1]), events: Number(e[1]), log });
			if (Date.now() - t0 > 10000)
				return reject(new Error(`holdports did not start: ${log()}`));
			setTimeout(look, 20);
		};
		look();
	});
}

// Resolves once re matches the log of h (at least n times), at most ms.
function logged(h, re, n = 1, ms = 30000) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const look = () => {
			const all = h.log().match(new RegExp(re.source, "gm")) || [];
			if (all.length >= n)
				return resolve();
			if (Date.now() - t0 > ms)
				return reject(new Error(`no ${re} in the log: ${h.log().slice(-600)}`));
			setTimeout(look, 20);
		};
		look();
	});
}

// Resolves once a connection to the events port of h is open (the page's
// EventSource listens): /proc/net/tcp lists it ESTABLISHED (01).
function listening(h, ms = 10000) {
	const hex = h.events.toString(16).toUpperCase().padStart(4, "0");
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const look = () => {
			const tcp = fs.readFileSync("/proc/net/tcp", "utf8").split("\n");
			if (tcp.some((l) => { const f = l.trim().split(/\s+/);
				return f[1] === `0100007F:${hex}` && f[3] === "01"; }))
				return resolve();
			if (Date.now() - t0 > ms)
				return reject(new Error("the page's script did not connect"));
			setTimeout(look, 20);
		};
		look();
	});
}

const stop = (h) => new Promise((resolve) => { h.proc.on("exit", resolve); h.proc.kill("SIGTERM"); });
// An editor's save: the file is replaced whole.
const save = (file, text) => {
	fs.writeFileSync(`${file}.tmp`, text);
	fs.renameSync(`${file}.tmp`, file);
};

fs.writeFileSync(path.join(app, "demo.c"), good);
let h = await holdports();
const ctx = await browser(dir);
const page = await ctx.newPage();
const overlay = page.locator("holdports-overlay .box");
let navigations = 0;
page.on("framenavigated", (f) => { if (f === page.mainFrame()) navigations++; });

try {
	await logged(h, /started pid \d+/);
	await check("the demo page includes holdports.js and shows the message", async () => {
		await page.goto(`http://127.0.0.1:${h.port}/`);
		const msg = await page.locator("#message").innerText();
		if (msg !== "The first message.")
			throw new Error(`message: ${msg}`);
		if (await page.locator("script[src$='/holdports.js']").count() !== 1)
			throw new Error("no script tag");
	});
	await check("a change of message.txt: the page changes by itself", async () => {
		await listening(h);
		const pid = await page.locator("#pid").innerText();
		const before = navigations;
		save(path.join(app, "message.txt"), "A second message, with no click.\n");
		await page.locator("#message", { hasText: "A second message" }).waitFor({ timeout: 15000 });
		const now = await page.locator("#pid").innerText();
		if (now === pid)
			throw new Error(`still pid ${pid}`);
		if (navigations !== before + 1)
			throw new Error(`${navigations - before} navigations, not the one reload`);
	});
	await check("a compile error shows over the page; the old server still serves", async () => {
		const pid = await page.locator("#pid").innerText();
		await listening(h);
		save(path.join(app, "demo.c"), broken);
		await overlay.waitFor({ state: "visible", timeout: 30000 });
		const text = await overlay.innerText();
		if (!/build failed with status \d+/.test(text) || !/error/.test(text))
			throw new Error(`overlay: ${text.slice(0, 300)}`);
		if (await page.locator("#pid").innerText() !== pid)
			throw new Error("the page under the overlay changed");
		const r = await fetch(`http://127.0.0.1:${h.port}/pid`);
		if ((await r.text()).trim() !== pid)
			throw new Error("the old server does not answer");
	});
	await check("the fix reloads the page, without the overlay", async () => {
		const pid = await page.locator("#pid").innerText();
		save(path.join(app, "demo.c"), good);
		await page.waitForFunction((old) => {
			const e = document.querySelector("#pid");
			return e && e.textContent !== old;
		}, pid, { timeout: 30000 });
		if (await overlay.count() !== 0)
			throw new Error("overlay still there");
	});
	await stop(h);

	// The first build fails: the 503 page, which reloads itself.
	fs.writeFileSync(path.join(app, "demo.c"), broken);
	h = await holdports();
	await logged(h, /build failed/);
	await check("a first build that fails: the browser gets the 503 page with the error", async () => {
		const r = await page.goto(`http://127.0.0.1:${h.port}/`);
		if (r.status() !== 503)
			throw new Error(`status ${r.status()}`);
		const h1 = await page.locator("h1").innerText();
		if (!/build failed with status \d+/.test(h1))
			throw new Error(`h1: ${h1}`);
		if (await page.locator("pre span.f1", { hasText: "error" }).count() < 1)
			throw new Error("no red error in the output");
	});
	await check("fixed: the 503 page turns into the demo by itself", async () => {
		save(path.join(app, "demo.c"), good);
		await page.locator("#message").waitFor({ timeout: 30000 });
	});
} finally {
	await ctx.close();
	await stop(h);
}
process.exit(status());
