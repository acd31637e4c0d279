// Requests through one client's transport from many concurrent callers against a server on 127.0.0.1 with
// a token-bucket rate limit (429 with a Retry-After to the next token when the bucket is empty): the share of
// requests answered 429, and the good answers a second against the limit.
//   --seconds N  --limit N (requests a second)  --burst N  --callers N  --limiter on|off
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTransport } from "../../src/core/http/transport.js";
import { report, requiredArg } from "./child.js";

const seconds = Number(requiredArg("seconds"));
const limit = Number(requiredArg("limit"));
const burst = Number(requiredArg("burst"));
const callers = Number(requiredArg("callers"));
const limiterOn = requiredArg("limiter") === "on";

let tokens = burst;
let refilled = performance.now();
let accepted = 0;
let refused = 0;
const server = createServer((_request, response) => {
  const now = performance.now();
  tokens = Math.min(burst, tokens + ((now - refilled) * limit) / 1000);
  refilled = now;
  if (tokens >= 1) {
    tokens -= 1;
    accepted += 1;
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
    return;
  }
  refused += 1;
  // When the next token comes, to the ms (the transport reads decimal seconds): a whole-second Retry-After
  // would make every 429 pause every caller for a second, whatever the limiter does.
  const waitSeconds = ((1 - tokens) / limit).toFixed(3);
  response
    .writeHead(429, { "content-type": "application/json", "retry-after": waitSeconds })
    .end('{"message":"rate limited","code":"too_many_requests"}');
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/users/x`;

const transport = createTransport({
  rateLimit: limiterOn ? {} : false,
  retry: { maxRetries: 1_000 },
});
const started = performance.now();
const until = started + seconds * 1000;
let calls = 0;
await Promise.all(
  Array.from({ length: callers }, async () => {
    while (performance.now() < until) {
      await transport(new Request(url));
      calls += 1;
    }
  }),
);
const elapsed = performance.now() - started;
server.close();
report({
  elapsedMs: elapsed,
  accepted,
  refused,
  calls,
  goodPerSecond: (accepted * 1000) / elapsed,
  refusedShare: refused / (accepted + refused),
});
