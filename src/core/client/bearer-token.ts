import { ApiError } from "../errors/api-error.js";
import type { SecretSet } from "../errors/secrets.js";
import { isTransient, isUnreadableSuccess } from "../errors/transient.js";
import { TransportFailure } from "../http/failures.js";
import type { Transport } from "../http/transport.js";

/** A freshly issued access token and how many seconds it lives. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSec: number;
}

export interface TokenCacheOptions {
  /**
   * Renew this many ms before expiry (at most half the token's lifetime, for short-lived tokens).
   * @default 60000
   */
  refreshBeforeMs?: number;
  /** Our clock, in ms. @default Date.now */
  now?: () => number;
}

/**
 * An OAuth2 token held for reuse: fetched on first use, renewed before it expires, dropped when a request
 * with it is refused. Concurrent callers share one token request.
 */
export class TokenCache {
  #current: { token: string; renewAt: number } | undefined;
  #pending: Promise<string> | undefined;
  readonly #now: () => number;
  readonly #refreshBeforeMs: number;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly secrets: SecretSet,
    options: TokenCacheOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
  }

  get(): Promise<string> {
    if (this.#current && this.#now() < this.#current.renewAt)
      return Promise.resolve(this.#current.token);
    this.#pending ??= this.issue()
      .then(({ accessToken, expiresInSec }) => {
        this.secrets.add(accessToken);
        const lifetimeMs = expiresInSec * 1000;
        const early = Math.min(this.#refreshBeforeMs, lifetimeMs / 2);
        this.#current = { token: accessToken, renewAt: this.#now() + lifetimeMs - early };
        return accessToken;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  /** Forgets `token` if it is still the current one, so the next `get` fetches a new token. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }
}

/**
 * Sends each request with `Authorization: Bearer <token>`; on a 401, renews the token once and resends.
 * A token that cannot be had becomes a `TransportFailure` of kind `auth` (the operation's `auth` variant).
 * Requests to `tokenUrl` itself go out as they are: the token endpoint takes client credentials, not a token.
 */
export function withBearerAuth(
  transport: Transport,
  tokens: TokenCache,
  tokenUrl: string,
): Transport {
  return async (request) => {
    if (request.url === tokenUrl) return transport(request);
    const bytes = request.body === null ? null : await request.arrayBuffer();
    const send = async (token: string) => {
      const headers = new Headers(request.headers);
      headers.set("Authorization", `Bearer ${token}`);
      return transport(
        new Request(request.url, {
          method: request.method,
          headers,
          body: bytes,
          signal: request.signal,
        }),
      );
    };
    const first = await tokenOrFail(tokens);
    const response = await send(first);
    if (response.status !== 401) return response;
    tokens.invalidate(first);
    return send(await tokenOrFail(tokens));
  };
}

async function tokenOrFail(tokens: TokenCache): Promise<string> {
  try {
    return await tokens.get();
  } catch (error) {
    if (error instanceof TransportFailure && error.kind === "aborted") throw error;
    const reason = error instanceof Error ? error.message : String(error);
    // Only a refusal means the credentials are wrong; a token endpoint that is down is a passing failure. One
    // whose 200 cannot be read (a captive portal's page) gave no token, and will give none to the next chunk.
    if (error instanceof ApiError && isTransient(error) && !isUnreadableSuccess(error)) {
      throw new TransportFailure("network", `no access token: ${reason}`, false);
    }
    throw new TransportFailure("auth", reason, false);
  }
}
