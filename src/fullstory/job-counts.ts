// What a FullStory batch job's status counts confirm about the users its result lists do not name.

/**
 * A count a job's status answered: not given (absent or `null`), a number of the chunk's users, or given but
 * no such number (`why` says what it was instead).
 */
export type JobCount =
  | { readonly kind: "absent" }
  | { readonly kind: "count"; readonly value: number }
  | { readonly kind: "unusable"; readonly why: string };

/**
 * A count FullStory gave (a number, or decimal text: our reading of `total_records`, which FullStory
 * documents only as a string), if it is one.
 */
export function count(value: unknown): number | undefined {
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return Number(value);
  return undefined;
}

/** Reads one count of a job's status, for a chunk of `size` users: no honest count exceeds it. */
export function jobCount(value: unknown, size: number): JobCount {
  if (value === undefined || value === null) return { kind: "absent" };
  const n = count(value);
  if (n === undefined) return { kind: "unusable", why: `${describe(value)}, not a count` };
  if (n > size) return { kind: "unusable", why: `${n}, more than the chunk's ${size} users` };
  return { kind: "count", value: n };
}

/** The count's number, when it gave a usable one. */
export function countValue(counted: JobCount): number | undefined {
  return counted.kind === "count" ? counted.value : undefined;
}

/** What an ended job's lists and counts came to for one chunk. */
export interface Tally {
  /** How the job ended: COMPLETED by default. */
  readonly status?: "COMPLETED" | "FAILED";
  /** The job's `imports` and `errors` counts. */
  readonly imports: JobCount;
  readonly errors: JobCount;
  /** Users in the chunk. */
  readonly size: number;
  /** Entries the imports list gave, matched to a record or not. */
  readonly listedImports: number;
  /** Records neither list named. */
  readonly unlisted: number;
  /** Records the errors list refused (each one the `imports` count cannot hold). */
  readonly listedFailures?: number;
  /**
   * Records failed on an errors entry that names them with others, beyond the one it refused: FullStory may
   * have imported them, so the `imports` count may hold them.
   */
  readonly mayBeImported?: number;
  /**
   * Of the entries the imports list gave, those named by nothing but the id FullStory gave them, left to the
   * records sent with no uid, id or email (a FAILED job's, or a COMPLETED one's that outnumber those records,
   * placed only once its counts confirm them): the count leaves room for as many of them as there are such
   * records among the users neither list names, as it would once they were placed.
   */
  readonly keylessEntries?: number;
  /** Of the records neither list named, those sent with no uid, id or email. */
  readonly keylessRecords?: number;
  /** The least and most `total_records` each list's pages gave, where the list was read to its end. */
  readonly importsTotals?: ListTotals | undefined;
  readonly errorsTotals?: ListTotals | undefined;
}

/** The least and the most `total_records` the pages of one result list gave. */
export interface ListTotals {
  readonly least: number;
  readonly most: number;
}

/**
 * Why an ended job's counts do not confirm that the records neither list named were imported, or undefined
 * when they do. The `imports` count confirms them when what it leaves after every entry of the imports list
 * (each listed import, matched to a record or not, is one the count already holds) covers all of them. A
 * count that is given but is no count of the chunk (negative, fractional, text that is not digits, more than
 * the chunk's users), or an `errors` count (or the records the errors list refused) that with `imports`
 * exceeds the chunk, confirms nothing. Each list's `total_records` counts too (the errors list's is "the
 * total number of failures"; the imports list's, read as its imports, UNCONFIRMED): the fewest imports and
 * the most failures any count gives are what confirm.
 * A COMPLETED status without an `imports` count (the spec requires one) leaves only the job's COMPLETED
 * state: the records are taken as imported, and no `errors` count alone changes that. A FAILED job says
 * nothing of any one user, so only its counts confirm: none without an `imports` count, and none while its
 * errors list refused no record of the chunk (the failure FAILED tells of may be the unlisted user's). When
 * they do confirm, FullStory counted as imported every user its errors list did not refuse: a user is
 * "imported successfully" or "failed to be imported", in its words. So a FAILED job's counts confirm nothing
 * without an `errors` count, nor while `imports` + `errors` leave users of the chunk neither. `keyless`: the
 * reason is for a user sent with no uid, id or email, which an entry of {@link Tally.keylessEntries} may be.
 */
export function unconfirmedImports(tally: Tally, keyless = false): string | undefined {
  const { imports, errors, size, listedImports, unlisted, listedFailures = 0 } = tally;
  const { importsTotals, errorsTotals, mayBeImported = 0 } = tally;
  const { status = "COMPLETED", keylessEntries = 0, keylessRecords = 0 } = tally;
  if (unlisted === 0) return undefined;
  const unknown =
    keyless && keylessEntries > 0
      ? keylessMayBe(keylessEntries)
      : "FullStory did not say what happened to this user, whom neither of its lists names";
  for (const [name, counted] of [
    ["imports", imports],
    ["errors", errors],
  ] as const) {
    if (counted.kind === "unusable")
      return `${status}, but its status counted ${name} as ${counted.why}, which confirms nothing: ${unknown}`;
  }
  // Unusable counts returned above: without an `imports` count, only a COMPLETED job's state confirms them.
  if (imports.kind !== "count")
    return status === "COMPLETED"
      ? undefined
      : `FAILED, which says some of its users failed, and its status gave no imports count, which alone could confirm this user's import: ${unknown}`;
  const failedCount = countValue(errors);
  const failures =
    failedCount === undefined ? "no failures counted" : `${failedCount} counted failed`;
  // A user is confirmed only when every count leaves room for it: the fewest imports, the most failures any
  // of them gives (each list's `total_records` as its count: see above).
  const said = [
    totalsSaid("imports", importsTotals, imports.value),
    totalsSaid("errors", errorsTotals, failedCount ?? 0),
  ].filter((words) => words !== undefined);
  const counted = `${status} with ${imports.value} of ${size} users counted imported (${failures})${
    said.length === 0 ? "" : `, while ${said.join(" and ")}`
  }`;
  if ((importsTotals?.most ?? 0) > size)
    return `${counted}, more users than the chunk held, which confirms nothing: ${unknown}`;
  const failed =
    errorsTotals === undefined ? failedCount : Math.max(failedCount ?? 0, errorsTotals.most);
  if (failed !== undefined && imports.value + failed > size)
    return `${counted}, more users than the chunk held, which confirms nothing: ${unknown}`;
  // A count that also holds users its errors list refused is wrong by at least as many.
  if (imports.value + listedFailures > size)
    return `${counted}, while its errors list refused ${listedFailures}: more users than the chunk held, which confirms nothing: ${unknown}`;
  if (status === "FAILED" && listedFailures === 0)
    return `${counted}, while its errors list refused none of the chunk's users, so the failure FAILED tells of may be this user's: ${unknown}`;
  const confirming = Math.min(imports.value, importsTotals?.least ?? imports.value);
  // A FAILED job's users are each imported or failed: counts that leave some of the chunk neither are wrong
  // somewhere (this user may be a failure they left out), and without an errors count (the status's, or the
  // errors list's `total_records`, documented as its failures) whether they leave any is unknown.
  if (status === "FAILED" && failed === undefined)
    return `${counted}: without an errors count, its counts do not show each of the chunk's users imported or failed, which confirms nothing: ${unknown}`;
  const neither = size - confirming - (failed ?? 0);
  if (status === "FAILED" && neither > 0)
    return `${counted}: its counts leave ${neither} user${neither === 1 ? "" : "s"} neither imported nor failed, which confirms nothing: ${unknown}`;
  // Each such record may be one of the users listed by their new id alone, and no two the same one.
  const keylessRoom = Math.min(keylessEntries, keylessRecords);
  const spare = Math.max(0, confirming - (listedImports - keylessRoom) - mayBeImported);
  if (spare >= unlisted) return undefined;
  const whoMayBe =
    keylessRecords === 1
      ? keyless
        ? "this user, sent with no uid, id or email,"
        : "the user sent with no uid, id or email"
      : `the ${keylessRecords} users sent with no uid, id or email${keyless ? ", this one among them," : ""}`;
  const keylessSaid =
    keylessEntries === 0
      ? ""
      : ` (${keylessEntries} of them named only by the id FullStory gave ${keylessEntries === 1 ? "it" : "them"}, which ${whoMayBe} may be)`;
  const twins =
    mayBeImported === 0
      ? ""
      : ` and ${mayBeImported} failed on an errors entry that names them with another record may be imported`;
  // The keyless user's reason said what is not known of it in `keylessSaid`: said again, it would repeat it.
  return `${counted}; its imports list gave ${listedImports}${keylessSaid}${twins}, which leaves ${spare} of that count for the ${unlisted} user${unlisted === 1 ? "" : "s"} neither list names${keylessEntries === 0 ? "" : " by a uid, id or email"}${keyless && keylessEntries > 0 ? "" : `: ${unknown}`}`;
}

/**
 * What is not known of a user sent with no uid, id or email, while `entries` imported users named only by the
 * id FullStory gave them are left unplaced.
 */
export function keylessMayBe(entries: number): string {
  return `its imports list gave ${entries} user${entries === 1 ? "" : "s"} with only the id FullStory gave ${entries === 1 ? "it" : "them"}, which this user, sent with no uid, id or email, may be`;
}

/** What a list's `total_records` said, when it is not `counted` (the status's count) on every page. */
function totalsSaid(
  list: string,
  totals: ListTotals | undefined,
  counted: number,
): string | undefined {
  if (totals === undefined || (totals.least === counted && totals.most === counted))
    return undefined;
  const { least, most } = totals;
  return `its ${list} list's total_records says ${least === most ? least : `${least} to ${most}`}`;
}

function describe(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? `${value}` : "a fraction";
  if (typeof value === "string") return "text";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
