// A connection a send's call opens outlives the send (a keep-alive socket in the client's pool, for minutes,
// through later chunks' sends), and keeps the async context store it was opened in. That store must hold
// nothing of the send once it ended: holding its waits, each connection kept a settled chunk alive (its
// records' keys, what matches the vendor's results to them), and a long import's heap grew with them.
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { withRequestWaits } from "../../src/core/http/request-waits.js";

it("a connection a send opened keeps nothing of the send once it ended", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const server = createServer(() => {});
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  let socket: Socket | undefined;
  try {
    const freed = await (async () => {
      // A send's waits, which report on its chunk.
      const waits = {
        chunk: { keys: new Array<string>(1000).fill("key") },
        began() {},
        ended() {},
      };
      await withRequestWaits(waits, async () => {
        socket = connect(port, "127.0.0.1");
        await once(socket, "connect");
      });
      return new WeakRef(waits);
    })();
    // A WeakRef's target lives until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(socket?.readyState).toBe("open");
    expect(freed.deref()).toBe(undefined);
  } finally {
    socket?.destroy();
    server.close();
  }
});
