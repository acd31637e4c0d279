/**
 * How a reading's errors speak of its input: as the file it is, or as stdin (`import <vendor> -`), which
 * the operator pipes in. "the file ends inside a record" of a pipe sent an operator looking for a file.
 */
export interface InputWords {
  /** The input in a sentence: `the file`, `stdin`. */
  readonly it: string;
  /** What would have the input read whole, given `how` it must come: `save the file as UTF-8`. */
  again(how: string): string;
  /** What may have cut the input off part-way, asked. */
  readonly cut: string;
}

export const FILE_WORDS: InputWords = {
  it: "the file",
  again: (how) => `save the file ${how}`,
  cut: "was the file cut off as it was written or copied?",
};

export const STDIN_WORDS: InputWords = {
  it: "stdin",
  again: (how) => `pipe it in ${how}`,
  cut: "did what wrote to stdin stop part-way?",
};
