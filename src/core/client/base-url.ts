import { isIPv4 } from "node:net";
/**
 * Whether a URL names a user or password (`http://user:password@host`). fetch refuses such a URL with an
 * error that quotes it whole, and a base URL is printed as a client's destination, so the password would
 * reach every error, report and journal. A URL that does not parse as http(s) is judged by its text, since
 * the error that refuses it quotes it too, and a journal names it: any `@` in it counts. A password holding
 * `/`, `?`, `#` or `\` ends the authority, so `http://user:pa/ss@host` does not parse; `user:password@host`,
 * without a scheme, parses as a URL of scheme `user:`.
 */
export function hasUserinfo(url: string): boolean {
  const parsed = httpUrl(url);
  if (parsed !== undefined)
    return parsed.username !== "" || parsed.password !== "" || hostAfterLastAt(url);
  return url.includes("@");
}

/**
 * Whether `url` has a query or a fragment (`?sig=…`, `#…`, even an empty one). Each request's path is
 * appended to the base URL, so it would land inside them (`/?sig=…/v2/users/batch`): every request misses
 * its operation, and the query, often a signature, would be printed and journaled as the destination. Past
 * a refused user name or password, `?` and `#` cannot be in an http(s) URL's authority or path unencoded.
 */
export function hasQueryOrFragment(url: string): boolean {
  return /[?#]/.test(url);
}

/**
 * Checks that a vendor's host setting (a region, an environment) names one of its hosts: other text would
 * pick a host that is none of the vendor's, and its credentials would go there.
 * @throws TypeError `<name> must be one of <choices>; use baseUrl for another host`.
 */
export function checkHostChoice(name: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string))
    throw new TypeError(
      `${name} must be one of ${choices.join(", ")}; use baseUrl for another host`,
    );
}

/** Whether `url` is an absolute http or https URL: the only kind a client can send to. */
export function isHttpUrl(url: string): boolean {
  return httpUrl(url) !== undefined;
}

/**
 * Whether credentials sent to `url` would cross a network unencrypted: plain http to a host other than this
 * machine's loopback (`localhost`, `127.x.x.x`, `[::1]`), where a simulator or a local proxy is expected.
 */
export function sendsInClearText(url: string): boolean {
  const parsed = httpUrl(url);
  if (parsed?.protocol !== "http:") return false;
  const host = parsed.hostname;
  // The URL parser writes every IPv4 form (`127.1`, `0x7f000001`) dotted, and an IPv4-mapped IPv6 one in hex
  // (`[::ffff:7f00:1]`); `127.evil.example` is a name.
  const loopback =
    host === "localhost" ||
    host === "localhost." ||
    host === "[::1]" ||
    (isIPv4(host) && host.startsWith("127.")) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
  return !loopback;
}

function httpUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the text after the URL's last `@` starts with a host name (a dot in it, `localhost` or an IPv6
 * literal), as in `http://user:2024/ss@proxy.example`: a password whose `/`, `?` or `#` follows digits (or the
 * colon) parses, as host `user`, port `2024` and path `/ss@proxy.example`, so the parser names no password.
 */
function hostAfterLastAt(url: string): boolean {
  const at = url.lastIndexOf("@");
  if (at === -1) return false;
  const authority = /^[^/?#\\]*/.exec(url.slice(at + 1))?.[0] ?? "";
  const host = authority.startsWith("[") ? authority : authority.replace(/:\d*$/, "");
  return host.startsWith("[") || host.includes(".") || host.toLowerCase() === "localhost";
}

/**
 * `baseUrl` as it is, when it is an absolute http(s) URL that carries no user name or password, query or
 * fragment.
 * @throws TypeError naming the option, never quoting the URL.
 */
export function checkedBaseUrl(baseUrl: string): string {
  // From JavaScript any value may come: only a string can be a URL, and it is not quoted either.
  if (typeof (baseUrl as unknown) !== "string") {
    throw new TypeError(`baseUrl must be a string, got ${typeof baseUrl}`);
  }
  if (hasUserinfo(baseUrl)) {
    throw new TypeError(
      "baseUrl must not contain a user name or password (user:password@); give credentials through the client's options",
    );
  }
  if (!isHttpUrl(baseUrl)) {
    throw new TypeError(
      "baseUrl must be an absolute http or https URL, such as https://api.example.com",
    );
  }
  if (hasQueryOrFragment(baseUrl)) {
    throw new TypeError(
      "baseUrl must not contain a query or fragment (? or #): each request's path is appended to it",
    );
  }
  return baseUrl;
}
