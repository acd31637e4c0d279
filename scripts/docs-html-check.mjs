// What docs/ must show a reader, checked from its HTML without a browser (docs.mjs runs it after building;
// `node scripts/docs-html-check.mjs` checks an existing docs/ in seconds): no page loads a resource from
// off the machine, every link and #anchor of a static page resolves, no page shows a machine's path, an
// unresolved TSDoc tag or "[object Object]", each module page says what each of its exports is, and no
// comment paragraph is rendered as a code block.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FORBIDDEN = [
  [/(?<![\w.:/~-])\/(?:work|tmp|home|root|Users|var\/folders)\/[\w.-]/, "an absolute machine path"],
  [/\{@\w+/, "an unresolved TSDoc tag"],
  [/\[object Object\]/, "[object Object]"],
];

/** @returns {string[]} what of `text` (a page's visible text) a reader must not see */
export function forbiddenText(text) {
  return FORBIDDEN.flatMap(([pattern, what]) => {
    const match = pattern.exec(text);
    if (!match) return [];
    const start = Math.max(0, match.index - 40);
    return [`shows ${what}: …${text.slice(start, match.index + 40).replace(/\s+/g, " ")}…`];
  });
}

const SUMMARY =
  /<dt class="tsd-member-summary[^"]*"[^>]*>([\s\S]*?)<\/dt>\s*<dd class="tsd-member-summary[^"]*">([\s\S]*?)<\/dd>/g;

const decode = (html) =>
  html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
const visibleText = (html) =>
  decode(
    html
      .replace(/<script\b[\s\S]*?<\/script>/g, "")
      .replace(/<style\b[\s\S]*?<\/style>/g, "")
      .replace(/<[^>]+>/g, " "),
  );

/**
 * Whether a page (relative to docs/) is a vendor's Redoc page, rendered by its script: its links and text
 * exist only in a browser.
 * @param {string} page
 */
export const renderedByScript = (page) => !page.startsWith("api/") && page !== "index.html";

/**
 * @param {string} docs the docs/ directory
 * @returns {string[]} every HTML page below it, relative to it, sorted
 */
export function htmlPages(docs) {
  const pages = [];
  (function walk(dir) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) pages.push(path.relative(docs, full));
    }
  })(docs);
  return pages.sort();
}

/**
 * @param {string} docs the docs/ directory
 * @returns {{ pages: number, links: number, problems: string[] }}
 */
export function checkDocsHtml(docs) {
  const pages = htmlPages(docs);
  const html = new Map(pages.map((page) => [page, readFileSync(path.join(docs, page), "utf8")]));
  const ids = new Map();
  const idsOf = (page) => {
    if (!ids.has(page)) {
      ids.set(
        page,
        new Set([...html.get(page).matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => m[1])),
      );
    }
    return ids.get(page);
  };
  const problems = [];
  let links = 0;
  for (const page of pages) {
    const source = html.get(page);
    const report = (what) => problems.push(`${page}: ${what}`);
    // Every page renders offline: no script, stylesheet, image or font is fetched from elsewhere.
    for (const [, url] of source.matchAll(
      /<(?:script|link|img|iframe)\b[^>]*\s(?:src|href)="(\w+:\/\/[^"]*)"/g,
    )) {
      report(`loads ${url}`);
    }
    if (renderedByScript(page)) continue;
    for (const problem of forbiddenText(visibleText(source))) report(problem);
    for (const [, raw] of source.matchAll(/<a\b[^>]*\shref="([^"]*)"/g)) {
      const href = decode(raw);
      if (/^[a-z][a-z+.-]*:/i.test(href)) continue;
      links++;
      const [file, fragment] = href.split("#");
      const target = file ? path.join(path.dirname(page), decodeURIComponent(file)) : page;
      if (!existsSync(path.join(docs, target))) {
        report(`links to ${href}, which does not exist`);
      } else if (fragment && html.has(target) && !idsOf(target).has(decodeURIComponent(fragment))) {
        report(`links to ${href}, whose page has no such anchor`);
      }
    }
    // A module page lists each export with the first paragraph of its comment.
    const summaries = page.startsWith("api/modules/") ? source.matchAll(SUMMARY) : [];
    for (const [, name, summary] of summaries) {
      if (!visibleText(summary).trim()) {
        report(`lists ${visibleText(name).trim()} with no description (a TSDoc comment missing?)`);
      }
    }
    // A fenced block gets a language class; a bare one is Markdown reading an indented paragraph as code.
    if (/<pre><code>/.test(source)) report("renders an indented comment paragraph as a code block");
  }
  return { pages: pages.length, links, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "docs");
  const { pages, links, problems } = checkDocsHtml(docs);
  console.log(`docs/: ${pages} pages, ${links} links checked`);
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exitCode = 1;
  }
}
