// The fenced code blocks of a Markdown file, with the line each one's code starts on, so a failure can
// point at README.md:<line>. Used by the README tests and by `npm run check:package`.

/**
 * @param {string} markdown
 * @param {string} lang
 * @returns {{ lang: string; code: string; line: number }[]}
 */
export function codeBlocks(markdown, lang) {
  const blocks = [];
  /** @type {{ lang: string; fence: string; start: number; body: string[] } | undefined} */
  let open;
  markdown.split("\n").forEach((text, index) => {
    if (open) {
      if (text.trim() === open.fence) {
        if (open.lang === lang) {
          blocks.push({ lang: open.lang, code: open.body.join("\n") + "\n", line: open.start });
        }
        open = undefined;
      } else {
        open.body.push(text);
      }
      return;
    }
    const fence = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
    if (fence?.[1]) {
      open = { lang: fence[2] ?? "", fence: fence[1], start: index + 2, body: [] };
    }
  });
  return blocks;
}
