/**
 * What a resume needs beyond the same command when the input is stdin, which the journal matches by its
 * records: a re-run reads what is piped to it then.
 */
export const pipedAgain = (fromStdin: boolean) =>
  fromStdin ? ", given the same records piped in the same order" : "";
