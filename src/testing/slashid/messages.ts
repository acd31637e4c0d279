// The simulated SlashID's error messages and row reasons (SlashID's exact wording is UNCONFIRMED).

/** The `reason` of a row refused because its person exists (a client may look for /already exists/i). */
export const SLASHID_ALREADY_EXISTS = "person already exists";

export const MESSAGES = {
  fault: {
    429: "too many requests",
    500: "internal server error",
    503: "service unavailable",
  } as Record<number, string>,
  unknownFault: "error",
  notFound: "not found",
  noOrg: "missing header: SlashID-OrgID",
  badKey: "invalid API key",
  otherOrg: "forbidden: the API key does not belong to this organization",
  notAdmin: "forbidden: an admin API key is required",
  notMultipart: "expected a multipart/form-data body",
  unreadableForm: "unreadable multipart/form-data body",
  noPart: "missing multipart form field: persons",
  emptyCsv: "empty CSV: no header line",
  pricingTier: "operation violated the limits specified in its pricing tier",
  noHandle:
    "at least one handle is required (slashid:emails, slashid:phone_numbers or slashid:usernames)",
  rejected: "the person could not be imported (simulated rejection)",
  twoPersons: "the row's handles belong to more than one person",
} as const;
