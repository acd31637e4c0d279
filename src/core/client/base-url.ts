/**
 * Whether a URL names a user or password (`http://user:password@host`). fetch refuses such a URL with an
 * error that quotes it whole, and a base URL is printed as a client's destination, so the password would
 * reach every error, report and journal. A URL that does not parse is judged by its text, since the error
 * that refuses it quotes it too: any `@` in it counts, as a password holding `/`, `?`, `#` or `\` (which
 * end the authority, so `http://user:pa/ss@host` does not parse) is still a password.
 */
export function hasUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return url.includes("@");
  }
}

/**
 * `baseUrl` as it is, when it carries no user name or password.
 * @throws TypeError naming the option, never quoting the URL.
 */
export function checkedBaseUrl(baseUrl: string): string {
  if (hasUserinfo(baseUrl)) {
    throw new TypeError(
      "baseUrl must not contain a user name or password (user:password@); give credentials through the client's options",
    );
  }
  return baseUrl;
}
