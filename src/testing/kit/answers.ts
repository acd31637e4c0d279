// Answers that are not the vendor's: what a gateway or a broken connection puts in place of its answer.

const PAGES = {
  502: ["502 Bad Gateway", "The server returned an invalid or incomplete response."],
  503: ["503 Service Unavailable", "No server is available to handle this request."],
  504: ["504 Gateway Time-out", "The server didn't respond in time."],
} as const;

/**
 * What a load balancer in front of the vendor answers when the vendor's answer never reached it (502, 504),
 * or when it sends the request nowhere (503).
 */
export function gatewayPage(status: keyof typeof PAGES): Response {
  const [title, text] = PAGES[status];
  return new Response(`<html><body><h1>${title}</h1>\n${text}\n</body></html>\n`, {
    status,
    headers: { "Content-Type": "text/html" },
  });
}

/** A 200 whose body breaks off after `start`: the vendor acted, the client holds half an answer. */
export function cutAnswer(start = '{"data":[{"'): Response {
  // Errored as it starts, the stream would drop `start` unread: it breaks off once `start` has been read.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
    },
    pull(controller) {
      controller.error(new Error("socket hang up"));
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
}
