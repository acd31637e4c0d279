// A stateful msw "SlashID" for the import tests: it reads the uploaded multipart CSV with csv-parse, keeps
// the persons it imported (by handle), fails the rows a test asks it to fail, and answers with counts and a
// `failed_csv`. What SlashID does with a row whose handle already belongs to a person is UNCONFIRMED, so the
// fake does either: refuse it in `failed_csv` ("person already exists", the default) or update the person.
// Every request is also checked against specs/slashid.yaml by MockVendor.
import type { Faker } from "@faker-js/faker";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { HttpResponse, type HttpHandler } from "msw";
import { createOpenApiHttp } from "openapi-msw";
import type { paths } from "../../generated/slashid.js";
import { createSlashIdClient, type SlashIdClient } from "../../src/slashid/client.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { SLASHID_REGIONS, slashIdAttributes } from "../../src/testing/fixtures/slashid.js";
import { MockVendor, routesOf, type Attempt } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";
import { loadSpec } from "../support/specs.js";

export const API_KEY = "slashid-import-test-key-0001";
export const ORG_ID = "3f9a2c1e-7d4b-4e8a-9c61-0b5d2e7f8a90";

/** One uploaded file as the vendor read it. */
export interface Upload {
  readonly attempt: number;
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

type Fault = (attempt: Attempt) => Response | Promise<Response>;

export class SlashIdSim {
  readonly vendor = new MockVendor(
    loadSpec("slashid"),
    routesOf(createOpenApiHttp<paths>({ baseUrl: HOSTS.slashid })),
  );
  /** Files the vendor processed, in order (answered 200, or their answer lost by `loseAnswer`). */
  readonly uploads: Upload[] = [];
  /** Person (its first handle) → how many times it was imported (created). */
  readonly imports = new Map<string, number>();
  /** Person (its first handle) → how many times a later file updated it (`existing: "update"`). */
  readonly updates = new Map<string, number>();
  /** A row whose handle belongs to a person: refused in `failed_csv`, or the person updated. */
  existing: "refuse" | "update" = "refuse";
  /** Answers instead of processing, by the 1-based number of the POST (retries count). */
  readonly faults = new Map<number, Fault>();
  /** Why a row fails, or undefined when it imports. */
  failWhen: (row: Record<string, string>) => string | undefined = () => undefined;
  /** Name of the reason column of `failed_csv`. */
  reasonColumn = "reason";
  /** Lists failed rows last-first. */
  reverseFailures = false;
  /** Rewrites a failed row before it goes into `failed_csv` (e.g. SlashID normalising handles). */
  rewriteFailedRow: (row: Record<string, string>) => Record<string, string> = (row) => row;
  /** Replaces the 200 body's `failed_csv` (or drops it with `null`). */
  failedCsvOverride: string | null | undefined = undefined;
  /** Called once a file is processed, before the answer goes out. */
  afterProcessing: ((upload: Upload) => void) | undefined;
  /**
   * Called once a file is processed; a Response it returns replaces the 200, so the answer is lost though
   * SlashID acted on the file (a dropped connection, a gateway's HTML page).
   */
  loseAnswer: ((upload: Upload) => Response | undefined) | undefined;
  /** The person (its first handle) that holds each handle. */
  readonly #owners = new Map<string, string>();

  constructor(server: { use(...handlers: HttpHandler[]): void }) {
    this.vendor.credentials = {
      ApiKeyAuth: (request) =>
        request.headers.get("SlashID-API-Key") === API_KEY ? undefined : "not the client's API key",
    };
    server.use(this.vendor.handle("bulkImportPersons", (attempt) => this.#answer(attempt)));
  }

  /** Row counts of the processed files, in order. */
  get fileSizes(): number[] {
    return this.uploads.map((u) => u.rows.length);
  }

  /** Every POST that reached the vendor, processed or not. */
  get posts(): number {
    return this.vendor.attemptsOf("bulkImportPersons").length;
  }

  async #answer(attempt: Attempt): Promise<Response> {
    const fault = this.faults.get(attempt.index);
    if (fault !== undefined) return fault(attempt);
    const form = await new Response(attempt.body, {
      headers: { "Content-Type": attempt.headers.get("content-type") ?? "" },
    }).formData();
    const file = form.get("persons");
    if (!(file instanceof File)) return error(400, "missing multipart form field: persons");
    let columns: string[] = [];
    const rows = parse<Record<string, string>>(await file.text(), {
      columns: (header: string[]) => (columns = header),
    });
    const upload: Upload = { attempt: attempt.index, columns, rows };
    this.uploads.push(upload);
    const failed: Record<string, string>[] = [];
    let imported = 0;
    for (const row of rows) {
      const handles = handlesOf(row);
      const owner = handles.map((h) => this.#owners.get(h)).find((o) => o !== undefined);
      const reason =
        this.failWhen(row) ??
        (owner !== undefined && this.existing === "refuse" ? "person already exists" : undefined);
      if (reason !== undefined) {
        failed.push({ ...this.rewriteFailedRow(row), [this.reasonColumn]: reason });
        continue;
      }
      imported += 1;
      const id = owner ?? handles[0] ?? "";
      for (const handle of handles) this.#owners.set(handle, id);
      if (owner === undefined) this.imports.set(id, (this.imports.get(id) ?? 0) + 1);
      else this.updates.set(id, (this.updates.get(id) ?? 0) + 1);
    }
    this.afterProcessing?.(upload);
    const lost = this.loseAnswer?.(upload);
    if (lost !== undefined) return lost;
    if (this.reverseFailures) failed.reverse();
    const failedCsv =
      this.failedCsvOverride === undefined
        ? failed.length === 0
          ? undefined
          : stringify(failed, { header: true, columns: [...columns, this.reasonColumn] })
        : (this.failedCsvOverride ?? undefined);
    return HttpResponse.json({
      result: {
        successful_imports: imported,
        failed_imports: failed.length,
        ...(failedCsv === undefined ? {} : { failed_csv: failedCsv }),
      },
    });
  }
}

export function error(status: number, message: string): Response {
  return HttpResponse.json({ errors: [{ httpcode: status, message }] }, { status });
}

/** A 200 whose body breaks off part-way: the connection dropped while the answer was arriving. */
export function cutAnswer(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"result":{"successful_imp'));
      controller.error(new Error("socket hang up"));
    },
  });
  return new HttpResponse(body, { status: 200, headers: { "Content-Type": "application/json" } });
}

/** A gateway's HTML error page, as a load balancer answers when the upstream answer is lost. */
export function gatewayPage(status: 502 | 504): Response {
  const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
  return new HttpResponse(
    `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
    {
      status,
      headers: { "Content-Type": "text/html" },
    },
  );
}

function handlesOf(row: Record<string, string>): string[] {
  return ["slashid:emails", "slashid:phone_numbers", "slashid:usernames"].flatMap((column) =>
    (row[column] ?? "")
      .split(",")
      .filter((v) => v !== "")
      .map((v) => `${column}=${v}`),
  );
}

/** A client of the simulated organization that never waits for real between retries (`delays` records them). */
export function slashIdClient(
  options: { apiKey?: string; maxRetries?: number; delays?: number[] } = {},
): SlashIdClient {
  return createSlashIdClient({
    apiKey: options.apiKey ?? API_KEY,
    orgId: ORG_ID,
    sleep: async (ms) => {
      options.delays?.push(ms);
    },
    retryBaseDelayMs: 1,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
}

/** `n` distinct persons (their handles never collide), from a seeded faker. */
export function persons(seed: number | string, n: number): SlashIdPerson[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => person(f, i));
}

function person(f: Faker, i: number): SlashIdPerson {
  const name = f.internet
    .username()
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "");
  const p: SlashIdPerson = { emails: [`${name}.${i}@${f.internet.domainName()}`] };
  if (f.datatype.boolean(0.4)) p.phone_numbers = [`+1${String(2_000_000_000 + i * 7919)}`];
  if (f.datatype.boolean(0.4)) p.usernames = [`${name}_${i}`];
  if (f.datatype.boolean(0.6)) p.region = f.helpers.arrayElement(SLASHID_REGIONS);
  if (f.datatype.boolean(0.4)) p.groups = f.helpers.multiple(() => f.word.noun(), { count: 2 });
  if (f.datatype.boolean(0.4)) p.attributes = slashIdAttributes(f);
  return p;
}
