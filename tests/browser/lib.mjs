// SPDX-License-Identifier: ISC
// lib.mjs: what the browser tests and the screenshot share: web-drive
// (tests/helpers, web.c on sockets of its own) and headless Chromium.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

export const top = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

// Flags for a quiet, reproducible headless Chromium; Playwright adds
// --headless and, from launchPersistentContext, --user-data-dir (a fresh
// one each run), and --no-sandbox unless chromiumSandbox is set.
const flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run"];

// The lines of a test case named name, as the system tests print them:
// ok(what), fail(what), check(what, async fn) (ok, or FAIL with the first
// line of what fn threw), and status(): 1 once anything failed, else 0.
export function reporter(name) {
	let failed = 0;
	const ok = (m) => console.log(`ok   ${name}: ${m}`);
	const fail = (m) => { console.log(`FAIL ${name}: ${m}`); failed = 1; };
	async function check(what, fn) {
		try {
			await fn();
			ok(what);
		} catch (e) {
			fail(`${what}: ${e.message.split("\n")[0]}`);
		}
	}
	return { ok, fail, check, status: () => failed };
}

// Starts Chromium with a fresh profile under dir. Returns the context.
export async function browser(dir, options = {}) {
	return chromium.launchPersistentContext(path.join(dir, "profile"), {
		executablePath: chromiumPath, headless: true, args: flags,
		viewport: { width: 1100, height: 720 }, ...options,
	});
}

// Writes a real gcc error in colour (from a broken file) to file; a
// canned one where gcc is missing. Returns file.
export function gccTail(dir, file) {
	const src = path.join(dir, "main.c");
	fs.writeFileSync(src, "#include <stdio.h>\n\nint\nmain(void)\n{\n" +
	    "\tconst char *greeting = \"hello\";\n\n\tprintf(\"%d\\n\", greeting);\n" +
	    "\treturn count;\n}\n");
	let out;
	try {
		execFileSync("gcc", ["-fdiagnostics-color=always", "-Wall", "-c", "main.c"],
		    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
		out = "";
	} catch (e) {
		out = e.stderr ? e.stderr.toString() : "";
	}
	if (!out)
		out = "\x1b[01m\x1b[Kmain.c:9:16:\x1b[m\x1b[K \x1b[01;31m\x1b[Kerror: \x1b[m\x1b[K\u2018\x1b[01m\x1b[Kcount\x1b[m\x1b[K\u2019 undeclared (first use in this function)\n";
	fs.writeFileSync(file, "make: Entering directory '/home/dev/myapp'\n" +
	    "cc -Wall -c main.c\n" + out + "make: *** [Makefile:4: main.o] Error 1\n");
	return file;
}

// Starts web-drive with args; resolves to { proc, page, events, run }
// where run(...commands) makes it run them (SIGUSR2) and waits.
export function drive(dir, args) {
	const cmd = path.join(dir, "cmd");
	const proc = spawn(path.join(top, "tests/helpers/web-drive"),
	    ["-e", "-f", cmd, ...args], { stdio: ["ignore", "pipe", "inherit"] });
	// lib.sh's cleanup kills what is listed in DIR/pids.
	fs.appendFileSync(path.join(dir, "pids"), `${proc.pid}\n`);
	let out = "";
	const waiters = [];
	proc.stdout.on("data", (d) => {
		out += d.toString();
		for (const w of waiters.splice(0))
			w();
	});
	const until = (re, ms = 10000) => new Promise((resolve, reject) => {
		const t0 = Date.now();
		const check = () => {
			const m = out.match(re);
			if (m)
				return resolve(m);
			if (Date.now() - t0 > ms)
				return reject(new Error(`web-drive: no ${re} in ${ms} ms: ${out}`));
			waiters.push(check);
			setTimeout(() => { const i = waiters.indexOf(check); if (i >= 0) { waiters.splice(i, 1); check(); } }, 100);
		};
		check();
	});
	return until(/^pid \d+$/m).then(() => {
		const page = Number(out.match(/^page (\d+)$/m)[1]);
		const events = Number(out.match(/^events (\d+)$/m)[1]);
		let done = 0;
		async function run(...commands) {
			fs.writeFileSync(cmd, commands.join("\n") + "\n");
			const last = commands[commands.length - 1];
			const n = (out.match(new RegExp(`^did ${last}$`, "gm")) || []).length;
			proc.kill("SIGUSR2");
			await until(new RegExp(`(^did ${last}$[^]*){${n + 1}}`, "m"));
			done++;
		}
		return { proc, page, events, run, until };
	});
}
