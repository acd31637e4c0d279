// What the FullStory simulator says: the bodies of injected faults and the messages of its own refusals.
import type { components } from "../../../generated/fullstory.js";

type ErrorBody = components["schemas"]["ErrorResponse"];

const FAULT_BODIES: Readonly<Record<number, ErrorBody>> = {
  429: {
    message: "Too many requests. Client has exceeded the rate limit for this endpoint.",
    code: "too_many_requests",
  },
  503: { message: "Service unavailable", code: "service_unavailable" },
};

/** FullStory's body for an injected 429 or 5xx; any status but 429 and 503 is a `server_error`. */
export const faultBody = (status: number): ErrorBody =>
  FAULT_BODIES[status] ?? { message: "Server error was encountered", code: "server_error" };

const quote = JSON.stringify;

export const MESSAGES = {
  notFound: "Requested resource does not exist",
  unauthorized: "access is unauthorized",
  notJson: "request body is not valid JSON",
  noUser: "User with that ID does not exist",
  rejected: "the simulator rejected this user (rejectRate)",
  noJob: (id: string) => `Job ${id} does not exist`,
  noUserWithId: (id: string) => `User with id ${id} does not exist`,
  invalidBody: (problems: readonly string[]) =>
    `invalid request body: ${problems.slice(0, 20).join("; ")}${problems.length > 20 ? `; and ${problems.length - 20} more` : ""}`,
  keyReused: (key: string) =>
    `Idempotency-Key ${key} was already used with a different request; send the same body to retry, or use a new key`,
  busy: (jobs: number) => `${jobs} batch import jobs are in progress; wait for some to finish`,
  uidImmutable: (id: string, uid: string) =>
    `uid is immutable: user ${id} already has uid ${quote(uid)}`,
  arrayOfObjects: (path: string) => `property ${path}: arrays of objects are not supported`,
  bytes: (path: string, bytes: number, max: number) =>
    `property ${path}: value is ${bytes} bytes, more than the ${max} allowed`,
} as const;
