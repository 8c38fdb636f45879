// SPDX-License-Identifier: ISC
// web.mjs: headless Chromium against the browser side (web.c through
// tests/helpers/web-drive): a page that includes holdports.js shows the
// build error over itself on "failed", keeps the colours, can dismiss
// it, and reloads on "reload"; the 503 page shows the error and reloads
// itself once a child answers. Prints one line per case as the system
// tests do (tests/system/t_web_browser.sh runs it).
//
//   node tests/browser/web.mjs DIR      (DIR: a scratch directory)

import http from "node:http";
import { browser, drive, gccTail, reporter } from "./lib.mjs";

const dir = process.argv[2];
const name = "t_web_browser";
const { ok, fail, check, status } = reporter(name);

const d = await drive(dir, ["-i", "myapp", "-c", "api", "-t", gccTail(dir, `${dir}/tail`),
    "-H", "build failed with status 2 after 0.4 s"]);
// The application: a page of the old child, counting its loads.
let loads = 0;
const app = http.createServer((req, res) => {
	if (req.url !== "/") {
		res.writeHead(404).end();
		return;
	}
	loads++;
	res.writeHead(200, { "Content-Type": "text/html", "Cache-Control": "no-store" });
	res.end(`<!DOCTYPE html><title>app</title><h1 id="app">load ${loads}</h1>` +
	    `<script src="http://127.0.0.1:${d.events}/holdports.js"></script>`);
});
await new Promise((r) => app.listen(0, "127.0.0.1", r));
const appUrl = `http://127.0.0.1:${app.address().port}/`;
const ctx = await browser(dir);
const page = await ctx.newPage();
const overlay = page.locator("holdports-overlay .box");

try {
	await check("a page opened while the build is broken shows the error over it", async () => {
		await d.run("failed");
		await page.goto(appUrl);
		await overlay.waitFor({ state: "visible", timeout: 10000 });
		const text = await overlay.innerText();
		if (!text.includes("build failed with status 2 after 0.4 s") || !text.includes("undeclared"))
			throw new Error(`overlay text: ${text.slice(0, 300)}`);
		if (await page.locator("#app").innerText() !== "load 1")
			throw new Error("the old child's page is gone");
	});
	await check("the overlay keeps the colours (error: in red)", async () => {
		const red = overlay.locator("pre span.f1").first();
		const colour = await red.evaluate((e) => getComputedStyle(e).color);
		if (!/^rgb\((2\d\d|1\d\d), \d{1,2}, \d{1,3}\)$/.test(colour))
			throw new Error(`colour of error: ${colour}`);
	});
	await check("the overlay is dismissible", async () => {
		await overlay.locator("button.x").click();
		await overlay.waitFor({ state: "detached", timeout: 5000 });
	});
	await check("reload reloads the page, without the overlay", async () => {
		await d.run("reload");
		await page.locator("#app", { hasText: "load 2" }).waitFor({ timeout: 10000 });
		if (await overlay.count() !== 0)
			throw new Error("overlay still there");
	});
	await check("a failure while the page is open shows at once, Esc dismisses", async () => {
		// The page's EventSource reconnects after its reload: send
		// "building" until its notice shows that it listens.
		const pill = page.locator("holdports-overlay .pill");
		for (let i = 0; i < 40 && await pill.count() === 0; i++) {
			await d.run("building");
			await page.waitForTimeout(250);
		}
		await pill.waitFor({ timeout: 1000 });
		await d.run("headline build failed with status 1 after 2.0 s", "failed");
		await overlay.waitFor({ state: "visible", timeout: 10000 });
		if (!(await overlay.innerText()).includes("status 1 after 2.0 s"))
			throw new Error("not the new failure");
		await page.keyboard.press("Escape");
		await overlay.waitFor({ state: "detached", timeout: 5000 });
	});
	await check("the next reload loads the new version", async () => {
		await d.run("reload");
		await page.locator("#app", { hasText: "load 3" }).waitFor({ timeout: 10000 });
	});
	await check("the 503 page shows the error with its colours", async () => {
		await d.run("update");
		const r = await page.goto(`http://127.0.0.1:${d.page}/`);
		if (r.status() !== 503)
			throw new Error(`status ${r.status()}`);
		const h1 = await page.locator("h1").innerText();
		if (!h1.includes("build failed with status 1 after 2.0 s"))
			throw new Error(`h1: ${h1}`);
		if (await page.locator("pre span.f1.B", { hasText: "error:" }).count() < 1)
			throw new Error("no red error: in the output");
	});
	await check("the 503 page reloads itself once a child answers", async () => {
		await d.run("child");
		await page.locator("#child").waitFor({ timeout: 10000 });
	});
} finally {
	await ctx.close();
	app.close();
	d.proc.kill("SIGTERM");
}
process.exit(status());
