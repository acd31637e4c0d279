// `npm run docs:check`: builds docs/ (docs.mjs, which checks its HTML: links, #anchors, what pages show),
// opens every page from file:// in headless Chromium (Debian's `chromium`, installed with apt-get when
// missing) and fails on any console error, uncaught exception, failed or off-machine request, a link that
// only works from a web server's root, or rendered text a reader must not see. Saves a screenshot of the
// index, each vendor page and each API module page to docs-screenshots/.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import { forbiddenText, htmlPages, renderedByScript } from "./docs-html-check.mjs";

/* global document, HTMLInputElement -- page.evaluate callbacks run in the browser page */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const docs = path.join(root, "docs");
const shots = path.join(root, "docs-screenshots");

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "chromium", "chromium-browser", "google-chrome"];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const found = spawnSync("sh", ["-c", `command -v "$0"`, candidate], { encoding: "utf8" });
    if (found.status === 0) return found.stdout.trim();
  }
  return undefined;
}

let chromium = findChromium();
if (!chromium) {
  console.log("chromium not found: installing Debian's package");
  execFileSync("sh", ["-c", "apt-get update && apt-get install -y chromium"], { stdio: "inherit" });
  chromium = findChromium();
  if (!chromium) throw new Error("chromium is still missing after apt-get install");
}

execFileSync("node", [path.join(root, "scripts", "docs.mjs")], { cwd: root, stdio: "inherit" });

const pages = htmlPages(docs);
const screenshotted = (page) =>
  !page.startsWith("api/") || page === "api/index.html" || page.startsWith("api/modules/");

rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
});
const problems = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  let current = "";
  const report = (what) => problems.push(`${current}: ${what}`);
  page.on("console", (message) => {
    if (message.type() === "error") report(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => report(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) =>
    report(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on("request", (request) => {
    if (!/^(file|data|blob|about):/.test(request.url())) {
      report(`request leaves the machine: ${request.url()}`);
    }
  });

  for (const relative of pages) {
    current = relative;
    const url = pathToFileURL(path.join(docs, relative)).href;
    await page.goto(url, { waitUntil: "load" });
    if (renderedByScript(relative)) {
      await page.waitForSelector(".api-content", { timeout: 30_000 });
      await page.type('input[placeholder="Search..."]', "user");
      const hits = await page
        .waitForSelector(
          '[role="search"] li, .search-results li, [data-role="search:results"] li',
          {
            timeout: 10_000,
          },
        )
        .then(() => true)
        .catch(() => false);
      if (!hits) report("search for 'user' shows no result");
      await page.click('[role="search"] i, .search-icon').catch(() => undefined);
      await page.evaluate(() => {
        const input = document.querySelector('input[placeholder="Search..."]');
        if (input instanceof HTMLInputElement) input.value = "";
      });
      // Redoc renders its page from the spec: only the browser sees what it shows.
      const text = await page.evaluate(() => document.body.innerText);
      for (const problem of forbiddenText(text)) report(problem);
    }
    const rootLinks = await page.$$eval("a[href]", (links) =>
      links.map((a) => a.getAttribute("href") ?? "").filter((href) => href.startsWith("/")),
    );
    if (rootLinks.length > 0)
      report(`links from the server root: ${rootLinks.slice(0, 3).join(", ")}`);
    if (screenshotted(relative)) {
      const name = relative.replace(/\.html$/, "").replace(/[/\\]/g, "_") + ".png";
      await page.screenshot({ path: path.join(shots, name) });
    }
  }
} finally {
  await browser.close();
}

console.log(`${pages.length} pages opened; screenshots in ${path.relative(root, shots)}/`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exitCode = 1;
}
if (!existsSync(path.join(shots, "index.png"))) process.exitCode = 1;
