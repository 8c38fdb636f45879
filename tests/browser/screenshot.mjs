// SPDX-License-Identifier: ISC
// screenshot.mjs: takes doc/error-page.png (dark) and
// doc/error-page-light.png, the 503 page of the real holdports whose
// first build failed: make running gcc on a broken file, in colour, with
// headless Chromium.
//
//   node tests/browser/screenshot.mjs [URL]
//
// Without URL it runs ./holdports (build it first: make) on a scratch
// project "myapp" whose build fails; with URL (a held socket of a
// running holdports with protocol = http whose build failed) it takes
// that page as it is. Needs chromium, gcc, make and playwright-core
// (cd tests/browser && npm install).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { browser, top } from "./lib.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hp-shot."));
let url = process.argv[2];
let hp = null;

// Starts holdports on a project whose build fails; resolves to the URL
// of its held socket once the page answers there.
function failing() {
	const app = path.join(dir, "myapp");
	fs.mkdirSync(app);
	fs.writeFileSync(path.join(app, "main.c"), "#include <stdio.h>\n\nint\n" +
	    "main(void)\n{\n\tconst char *greeting = \"hello\";\n\n" +
	    "\tprintf(\"%d\\n\", greeting);\n\treturn count;\n}\n");
	fs.writeFileSync(path.join(app, "Makefile"), "CFLAGS = -Wall " +
	    "-fdiagnostics-color=always\n\napp: main.o\n\t$(CC) -o app main.o\n");
	fs.writeFileSync(path.join(app, "ports.ini"), ["[socket.http]",
	    "listen = 127.0.0.1:0", "protocol = http", "[child]", "build = make",
	    "command = ./app", "watch = main.c", ""].join("\n"));
	const logf = path.join(dir, "hp.log");
	const err = fs.openSync(logf, "w");
	hp = spawn(path.join(top, "holdports"), ["-c", path.join(app, "ports.ini")],
	    { stdio: ["ignore", "ignore", err] });
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const look = () => {
			const log = fs.readFileSync(logf, "utf8");
			const m = log.match(/^holdports: http listening on (127\.0\.0\.1:\d+)/m);
			if (m && /build failed/.test(log))
				return resolve(`http://${m[1]}/`);
			if (Date.now() - t0 > 20000)
				return reject(new Error(`no failed build: ${log}`));
			setTimeout(look, 50);
		};
		look();
	});
}

try {
	if (!url)
		url = await failing();
	for (const [scheme, file] of [["dark", "error-page.png"], ["light", "error-page-light.png"]]) {
		const ctx = await browser(path.join(dir, scheme), { colorScheme: scheme,
		    viewport: { width: 1000, height: 560 } });
		const page = await ctx.newPage();
		const r = await page.goto(url);
		if (r.status() !== 503)
			throw new Error(`${url}: status ${r.status()}, not the error page`);
		await page.screenshot({ path: path.join(top, "doc", file) });
		await ctx.close();
		console.log(`doc/${file}`);
	}
} finally {
	if (hp)
		hp.kill("SIGTERM");
	fs.rmSync(dir, { recursive: true, force: true });
}
