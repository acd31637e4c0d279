// Answers that are not the vendor's: what a gateway or a broken connection puts in place of its answer.

/** What a load balancer in front of the vendor answers when the vendor's answer never reached it. */
export function gatewayPage(status: 502 | 504): Response {
  const [title, text] =
    status === 504
      ? ["504 Gateway Time-out", "The server didn't respond in time."]
      : ["502 Bad Gateway", "The server returned an invalid or incomplete response."];
  return new Response(`<html><body><h1>${title}</h1>\n${text}\n</body></html>\n`, {
    status,
    headers: { "Content-Type": "text/html" },
  });
}

/** A 200 whose body breaks off after `start`: the vendor acted, the client holds half an answer. */
export function cutAnswer(start = '{"data":[{"'): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
      controller.error(new Error("socket hang up"));
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
}
