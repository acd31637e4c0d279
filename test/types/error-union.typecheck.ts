// Compiled by `npm run check` (tsc), never run: the error unions narrow by `status` to the spec's body types,
// and a status the spec does not document is not a variant. A regression here fails type checking.
import type { ApiResult } from "../../src/core/errors/result.js";
import type { FullStoryClient } from "../../src/fullstory/client.js";
import type { SlashIdClient } from "../../src/slashid/client.js";
import type { operations as FullStoryOperations } from "../../generated/fullstory.js";

declare const fullstory: FullStoryClient;
declare const slashid: SlashIdClient;

export async function narrowing(): Promise<void> {
  const imports = await fullstory.getBatchImports({
    params: { path: { job_id: "j" }, query: { page_token: "t" } },
  });
  if (imports.ok) {
    if (imports.status === 200) {
      const total: string = imports.data.total_records;
      void total;
    } else {
      const processing: 202 = imports.status;
      const nothing: undefined = imports.data;
      void [processing, nothing];
    }
    return;
  }
  const error = imports.error;
  switch (error.status) {
    case 429: {
      const wait: number | undefined = error.retryAfter;
      const code: string = error.body.code;
      void [wait, code];
      break;
    }
    case 404:
      // @ts-expect-error retryAfter exists only on the 429 variant
      void error.retryAfter;
      break;
    case "malformed": {
      const http: number = error.httpStatus;
      const reason: string = error.reason;
      void [http, reason];
      break;
    }
    case "timeout": {
      const ms: number = error.timeoutMs;
      void ms;
      break;
    }
    case "redirect": {
      const location: string | null = error.location;
      void location;
      break;
    }
    case "too_large": {
      const cap: number = error.maxBytes;
      void cap;
      break;
    }
    case 400:
    case 401:
    case 403:
    case 500:
    case 503:
    case "undocumented":
    case "network":
    case "aborted":
    case "auth":
      break;
    default: {
      const exhaustive: never = error;
      void exhaustive;
    }
  }
  // @ts-expect-error 418 is not a documented status of this operation
  if (error.status === 418) return;
}

export async function slashIdBodies(): Promise<void> {
  // The org id header is filled by the client, so it is not required here.
  const result = await slashid.bulkImportPersons({
    body: { persons: "slashid:emails\na@example.com\n" },
  });
  if (!result.ok && result.error.status === 402) {
    const messages: (string | undefined)[] = (result.error.body.errors ?? []).map((e) => e.message);
    void messages;
  }
}

// The union is derived from the generated operation, not written per operation.
type BatchResult = ApiResult<FullStoryOperations["createBatchImport"]>;
export const batchStatuses: Extract<BatchResult, { ok: false }>["error"]["status"][] = [
  400,
  401,
  403,
  404,
  429,
  500,
  503,
  "undocumented",
  "malformed",
  "network",
  "timeout",
  "aborted",
  "auth",
];
