// A time as Userpilot's job list writes it (`start_time`, `end_time`, `submitted_at`): the format is
// UNCONFIRMED (ISO-8601 expected), so the forms ISO-8601 allows are read alike.

/** A job's time, and how much later it may really have been: what the text leaves out (`precisionMs` − 1). */
export interface JobTime {
  readonly ms: number;
  readonly precisionMs: number;
}

const ISO =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The time `value` gives, when it is text that reads as one. A date and time without an offset is UTC: read
 * as the importer's local time (as `Date.parse` reads it), every job would move by the importer's time zone,
 * hours, and a job that started before a send would seem to start after it. A comma may be the decimal mark,
 * and the fraction may have any number of digits. A number is not read: nothing says its unit.
 */
export function jobTime(value: unknown): JobTime | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const parts = ISO.exec(text);
  if (parts === null) {
    // Another form that names its zone (`Thu, 01 Jan 2026 00:01:00 GMT`) means one time wherever it is read.
    const ms = /(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
    return Number.isNaN(ms) ? undefined : { ms, precisionMs: 1000 };
  }
  const [, date, minutes, seconds, fraction, zone] = parts;
  const millis = (fraction ?? "").slice(0, 3).padEnd(3, "0");
  const offset = zone === undefined || /z/i.test(zone) ? "Z" : zoneText(zone);
  const ms = Date.parse(`${date}T${minutes}:${seconds ?? "00"}.${millis}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  const precisionMs =
    fraction !== undefined
      ? 10 ** Math.max(0, 3 - fraction.length)
      : seconds !== undefined
        ? 1000
        : 60_000;
  return { ms, precisionMs };
}

/** `+hh`, `+hhmm` or `+hh:mm` as `+hh:mm`. */
function zoneText(zone: string): string {
  const digits = zone.slice(1).replace(":", "");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2).padEnd(2, "0")}`;
}
