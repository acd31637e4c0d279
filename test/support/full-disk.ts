// node:fs as a full disk has it, for a test's `vi.mock("node:fs", …)`: its appendFileSync fails with ENOSPC.
import type * as fs from "node:fs";

/**
 * `real` with an `appendFileSync` that asks `room(file, text)` how much of the text fits: undefined for all of
 * it (the real append); else that many characters are written, and the call throws ENOSPC, as a write that
 * filled the disk does.
 */
export function fullDisk(
  real: typeof fs,
  room: (file: fs.PathOrFileDescriptor, text: string) => number | undefined,
): typeof fs {
  return {
    ...real,
    appendFileSync: (
      file: fs.PathOrFileDescriptor,
      data: string | Uint8Array,
      options?: fs.WriteFileOptions,
    ) => {
      const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
      const fits = room(file, text);
      if (fits === undefined) return real.appendFileSync(file, data, options);
      if (fits > 0) real.appendFileSync(file, text.slice(0, fits));
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        errno: -28,
        syscall: "write",
      });
    },
  };
}
