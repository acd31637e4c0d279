// Update User (POST /v2/users/{id}) with FullStory's rules checked first and the uid-immutability rule as a
// typed error.
import { textStart } from "../core/cut-text.js";
import type { Rejection } from "../core/engine/adapter.js";
import { ApiError, httpStatusOf } from "../core/errors/api-error.js";
import { SecretSet } from "../core/errors/secrets.js";
import { BLANK_MESSAGE, isBlank } from "../core/validate/blank.js";
import { kindOf } from "../core/validate/describe.js";
import { MALFORMED_TEXT_MESSAGE, isWellFormedText } from "../core/validate/sent-as-validated.js";
import type { FullStoryClient } from "./client.js";
import { FULLSTORY_RULES, checkFullStoryUser, type FullStoryUserUpdate } from "./validate.js";

/** What the client's own `updateUser` returns. */
export type UpdateUserClientResult = Awaited<ReturnType<FullStoryClient["updateUser"]>>;
/** The client's error union for `updateUser`. */
export type UpdateUserClientError = Extract<
  UpdateUserClientResult,
  {
    /** Picks the client's failed results. */
    ok: false;
  }
>["error"];
/** FullStory's error body: what went wrong, and its code (e.g. `required_field`). */
export type FullStoryErrorBody = {
  /** FullStory's own words for what went wrong. */
  readonly message: string;
  /** FullStory's error code, e.g. `required_field` (the code for a changed uid is UNCONFIRMED). */
  readonly code: string;
};

/**
 * The update tried to change the uid of a user that already has one: FullStory's uids are immutable.
 * Detected before sending (the caller's `currentUid` differs from `user.uid`, no `body`) or from FullStory's
 * answer (its error `body`).
 */
export interface FullStoryUidImmutableError {
  /** Tells this error from the client's variants: the update would change the user's uid. */
  readonly status: "uid_immutable";
  /** `user <id>: ` and FullStory's message; when caught before sending, the user's uid and the one sent. */
  readonly message: string;
  /** FullStory's error body, when FullStory refused the update; absent when caught before sending. */
  readonly body?: FullStoryErrorBody;
}

/** The user breaks FullStory's documented rules; nothing was sent. */
export interface FullStoryInvalidUserError {
  /** Tells this error from the client's variants: the update broke a rule and was not sent. */
  readonly status: "invalid";
  /** `user <id>: ` and the message of every rule broken, joined by `; `. */
  readonly message: string;
  /** Every rule the update (or the id) breaks. */
  readonly problems: readonly Rejection[];
}

/** The client's result for `updateUser`, its error union widened by `uid_immutable` and `invalid`. */
export type UpdateUserResult =
  | Extract<
      UpdateUserClientResult,
      {
        /** Picks the client's successful results. */
        ok: true;
      }
    >
  | {
      /** The update failed, was refused, or was not sent: `error.status` says which. */
      readonly ok: false;
      /** The client's error, or `uid_immutable` or `invalid`. */
      readonly error:
        UpdateUserClientError | FullStoryUidImmutableError | FullStoryInvalidUserError;
    };

/** How {@link updateUser} calls FullStory: what it knows of the user's uid, and a signal to abort it. */
export interface UpdateUserOptions {
  /**
   * The uid the user has now, when the caller knows it. An update that sends a different `uid` then returns
   * `uid_immutable` without a request.
   */
  currentUid?: string | undefined;
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
}

/**
 * The id as a message shows it; one that is neither a string nor a number, by its kind: a symbol's or a bare
 * object's text cannot be made (it would throw out of the call the id check keeps from throwing).
 */
function idShown(id: unknown): string {
  return typeof id === "string" || typeof id === "number" ? String(id) : kindOf(id);
}

/** Why `id` names no user an update can be sent to, if it does not. */
function idRefusal(id: unknown): Rejection | undefined {
  // From JavaScript, a numeric id (FullStory's examples are digits) or none: refused as a rule, not thrown.
  if (typeof id !== "string")
    return {
      rule: FULLSTORY_RULES.fieldType,
      message: `id: must be a string (a FullStory user id), got ${kindOf(id)}`,
    };
  // An empty id or a dot segment is not a user's: the URL would resolve to another endpoint (`/v2/users/` is
  // Create User, which would make a user and answer its id as if this one were updated).
  if (id === "" || id === "." || id === "..")
    return {
      rule: FULLSTORY_RULES.fieldType,
      message:
        "id: not a FullStory user id (empty, . or .. would send the update to another endpoint)",
    };
  // `/v2/users/%20` names no user either, and the batch import refuses such an id the same way.
  if (isBlank(id)) return { rule: FULLSTORY_RULES.fieldType, message: `id: ${BLANK_MESSAGE}` };
  // encodeURIComponent throws on a lone surrogate: the call would throw instead of answering.
  if (!isWellFormedText(id))
    return { rule: FULLSTORY_RULES.malformedText, message: `id: ${MALFORMED_TEXT_MESSAGE}` };
  return undefined;
}

const UID = /uid/i;
const CANNOT_CHANGE = /immutable|cannot be (?:changed|updated)|already set/i;

/**
 * Updates the FullStory user with FullStory-assigned `id` (POST /v2/users/{id}) with the fields sent (whether
 * fields left out are kept, and properties merged, is UNCONFIRMED). Returns `invalid` (with every broken
 * rule) without sending when `user` breaks FullStory's rules or `id` names no user (not a string, empty,
 * blanks only, `.` or `..`, or holding a lone surrogate), and `uid_immutable` when the update would change
 * an existing uid: before sending, when `options.currentUid` is given and differs from `user.uid`; after,
 * when FullStory answers 400 (or, since the status is UNCONFIRMED, another 4xx but 401, 403, 404 and 429,
 * documented or not) with code `uid_immutable` or a message about the uid that says it cannot change. A 200
 * that names another user than `id` confirms no update of this one: it is `malformed`, as an unreadable 200
 * is (FullStory may hold the update). Every other outcome is the client's.
 */
export async function updateUser(
  client: FullStoryClient,
  id: string,
  user: FullStoryUserUpdate,
  options: UpdateUserOptions = {},
): Promise<UpdateUserResult> {
  const idProblem = idRefusal(id);
  const problems: readonly Rejection[] =
    idProblem === undefined ? checkFullStoryUser(user, "update") : [idProblem];
  if (problems.length > 0) {
    return {
      ok: false,
      error: {
        status: "invalid",
        message: `user ${idShown(id)}: ${problems.map((p) => p.message).join("; ")}`,
        problems,
      },
    };
  }
  if (
    options.currentUid !== undefined &&
    user.uid !== undefined &&
    user.uid !== options.currentUid
  ) {
    return {
      ok: false,
      error: {
        status: "uid_immutable",
        message: `user ${id} has uid ${JSON.stringify(options.currentUid)}; FullStory uids cannot be changed (the update sends ${JSON.stringify(user.uid)})`,
      },
    };
  }
  const result = await client.updateUser({
    params: { path: { id } },
    body: user,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (result.ok)
    return result.data.id === id ? result : { ok: false, error: otherUser(client, id, result) };
  const body = uidImmutableBody(result.error);
  if (body === undefined) return result;
  return {
    ok: false,
    error: { status: "uid_immutable", message: `user ${id}: ${body.message}`, body },
  };
}

/** 4xx statuses whose meaning HTTP fixes (the credentials, no such user, a rate limit) whatever the body. */
const NOT_ABOUT_THE_UID: ReadonlySet<number> = new Set([401, 403, 404, 429]);

/**
 * The vendor's error body when it says the uid cannot change (status and code are UNCONFIRMED). Read by the
 * HTTP status, documented or not: a spec that comes to document the status (a 409) changes nothing here.
 */
function uidImmutableBody(error: UpdateUserClientError): FullStoryErrorBody | undefined {
  const status = httpStatusOf(error) ?? 0;
  if (status < 400 || status >= 500 || NOT_ABOUT_THE_UID.has(status) || !("body" in error))
    return undefined;
  const body: unknown = error.body;
  if (body === null || typeof body !== "object") return undefined;
  const { message, code } = body as { message?: unknown; code?: unknown };
  if (typeof message !== "string" || typeof code !== "string") return undefined;
  const says = code === "uid_immutable" || (UID.test(message) && CANNOT_CHANGE.test(message));
  return says ? { message, code } : undefined;
}

type UpdateUserSuccess = Extract<UpdateUserClientResult, { ok: true }>;

/**
 * A 200 whose `id` is another user's, as the client's `malformed` error: it says FullStory wrote someone,
 * not that it wrote `id` (a proxy's cached answer, an id FullStory resolved elsewhere), so it confirms no
 * update of `id`, while the request may have reached FullStory and changed this user all the same.
 */
function otherUser(
  client: FullStoryClient,
  id: string,
  answer: UpdateUserSuccess,
): Extract<UpdateUserClientError, { status: "malformed" }> {
  // Scrubbed before the cut, as a body excerpt is: a cut secret would leave a fragment no scrub finds.
  const named = textStart(client.scrub(JSON.stringify(answer.data.id)), 300);
  const headers = Object.fromEntries(
    Object.entries(answer.headers).map(([name, value]) => [name, client.scrub(value)]),
  );
  // Scrubbed by the client's own secrets here: the error is built outside the client, which holds them.
  return ApiError.of(
    {
      status: "malformed" as const,
      httpStatus: answer.status,
      reason: client.scrub(
        `the answer names user ${named}, not user ${JSON.stringify(id)} whose update was sent, so it confirms no update of this user: FullStory may hold this update`,
      ),
      bodyText: textStart(client.scrub(JSON.stringify(answer.data)), 512),
      headers,
    },
    {
      operation: "updateUser",
      method: "POST",
      path: client.scrub(`/v2/users/${encodeURIComponent(id)}`),
    },
    new SecretSet(),
  );
}
