// SPDX-License-Identifier: ISC
// screenshot.mjs: takes doc/error-page.png (dark) and
// doc/error-page-light.png, the 503 page with a real gcc error in
// colour, with headless Chromium.
//
//   node tests/browser/screenshot.mjs [URL]
//
// Without URL it runs tests/helpers/web-drive (build it first: make
// tests/helpers/web-drive) with the output of gcc on a broken file; with
// URL (a held socket of a running holdports with protocol = http whose
// build failed) it takes that page as it is. Needs chromium and
// playwright-core (cd tests/browser && npm install).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { browser, drive, gccTail, top } from "./lib.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hp-shot."));
let url = process.argv[2];
let d = null;
if (!url) {
	d = await drive(dir, ["-i", "myapp", "-c", "api", "-t", gccTail(dir, `${dir}/tail`),
	    "-H", "build failed with status 2 after 0.4 s"]);
	url = `http://127.0.0.1:${d.page}/`;
}
try {
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
	if (d)
		d.proc.kill("SIGTERM");
	fs.rmSync(dir, { recursive: true, force: true });
}
