export interface CodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
}

/** The fenced code blocks of `markdown` in language `lang`, in order. */
export function codeBlocks(markdown: string, lang: string): CodeBlock[];
