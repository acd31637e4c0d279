// What Userpilot's validator reads of its record schemas, and a probe at each limit, for
// test/spec-keywords-read.test.ts (see test/support/spec-guard.ts); its test profile's `guard`.
import { validateUserpilotUser } from "../../src/userpilot/validate.js";
import { refused, longer, shorter, extra, type Guard, type Json } from "../support/spec-guard.js";

const userpilot = (r: Json) => refused(validateUserpilotUser({ user_id: "u", ...r }));
const TEXT = "type:string ?minLength ?maxLength ?pattern";

/** Userpilot's spec guard. */
export const userpilotGuard: Guard = {
  roots: ["BulkIdentifyUser"],
  reads: {
    BulkIdentifyUser: "type:object required additionalProperties",
    "BulkIdentifyUser.properties.*": `?${TEXT}`, // documentedField: a string, or refused
    "BulkIdentifyUser.properties.user_id": TEXT,
    "BulkIdentifyUser.properties.company_id": TEXT,
    Metadata: "type:object",
    "Metadata.additionalProperties": "type:*", // METADATA_TYPES: the list as the spec gives it
  },
  probes: {
    "BulkIdentifyUser required": (_, d) => userpilot(d ? { user_id: undefined } : {}),
    "BulkIdentifyUser additionalProperties": extra(userpilot),
    "BulkIdentifyUser.properties.* maxLength": longer(userpilot),
    "BulkIdentifyUser.properties.user_id minLength": shorter(userpilot),
    "Metadata.additionalProperties type:string|number|boolean|null": (_, d) =>
      userpilot({ metadata: { k: d ? ["v"] : "v" } }),
  },
};
