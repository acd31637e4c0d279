// A loopback port nothing listens on, for a connection that must be refused. Not a port taken and then freed:
// test files run in parallel, and another one's server may be given that port a moment later (one test then
// reached a simulator of another, and that simulator counted a request it never expected).
/**
 * A privileged port no service of a test machine listens on, outside the range a server listening on port 0
 * is given, and not one fetch refuses to connect to (as it does 9, "bad port"), so the connection is tried.
 */
export const REFUSED_PORT = 2;

/** `url` with its port made {@link REFUSED_PORT}: connecting to it is refused, whatever its path. */
export function refusedAt(url = "http://127.0.0.1"): string {
  const refused = new URL(url);
  refused.port = String(REFUSED_PORT);
  return refused.href.replace(/\/$/, "");
}
