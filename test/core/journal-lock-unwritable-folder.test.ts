// Two symbolic links, in two folders, to one journal in a folder no lock can be created in (read-only, or
// immutable). The lock used to go beside each link when it could not go beside the file: two runs, one
// through each link, then took a lock each, and both sent every chunk. A link whose file's folder takes no
// lock is refused now. (Root writes any folder whatever its mode, so the refusal is made by a stand-in for
// the file system.)
import * as fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const readOnly = vi.hoisted(() => ({ folder: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  return {
    ...real,
    openSync: (file: fs.PathLike, flags: fs.OpenMode, mode?: fs.Mode) => {
      if (
        readOnly.folder !== "" &&
        flags === "wx" &&
        path.dirname(String(file)) === readOnly.folder
      )
        throw Object.assign(new Error(`EACCES: permission denied, open '${String(file)}'`), {
          code: "EACCES",
          errno: -13,
          syscall: "open",
        });
      return real.openSync(file, flags, mode);
    },
  };
});

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };

describe("a symbolic link to a journal in a folder no lock can be created in", () => {
  it("is refused, naming the file it links to: no lock is taken beside the link", () => {
    const file = journalFile("journal-lock-read-only");
    fs.writeFileSync(file, "");
    const links = ["alice", "bob"].map((name) => {
      const folder = path.join(path.dirname(file), name);
      fs.mkdirSync(folder);
      const link = path.join(folder, "import.journal");
      fs.symlinkSync(file, link);
      return link;
    });
    readOnly.folder = fs.realpathSync(path.dirname(file));
    try {
      for (const link of links) {
        expect(() => Journal.open(link, HEADER)).toThrow(JournalError);
        expect(() => Journal.open(link, HEADER)).toThrow(
          `journal ${link}: it links to ${fs.realpathSync(file)}, and no lock can be created beside that file (EACCES`,
        );
        expect(fs.existsSync(`${link}.lock`)).toBe(false);
      }
      expect(fs.readFileSync(file, "utf8")).toBe("");
    } finally {
      readOnly.folder = "";
    }
  });

  it("a journal that is no link, named by a relative path, is refused with its lock file's error", () => {
    const file = journalFile("journal-lock-read-only");
    fs.writeFileSync(file, "");
    const relative = path.relative(process.cwd(), file);
    readOnly.folder = fs.realpathSync(path.dirname(file));
    try {
      expect(() => Journal.open(relative, HEADER)).toThrow(
        `journal ${relative}: cannot create its lock file: EACCES`,
      );
    } finally {
      readOnly.folder = "";
    }
  });
});
