import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@/test/support/api-server";
import { spawnServer } from "@/test/support/spawn-server";
import { closeRawClient, openRawClient } from "./client";
import { DataDirLockedError, LOCK_FILE } from "./data-dir-lock";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Another process holding `dataDir` as the server does; resolves once it has written its row. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/hold-data-dir.ts", dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child;
}

const folder = () => path.join(mkdtempSync(path.join(tmpdir(), "mimi-lock-")), "pglite");

describe("one process per embedded database folder", () => {
  it("a second process is refused with a message that names the folder and the holder", async () => {
    const dataDir = folder();
    const child = await holder(dataDir);
    let refusal: unknown;
    try {
      openRawClient({ dataDir });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as Error).message).toContain(dataDir);
    expect((refusal as Error).message).toContain(`process ${child.pid}`);
  });

  it("a lock whose process is gone is stale: taken over, and the holder's writes are all there", async () => {
    const dataDir = folder();
    const child = await holder(dataDir);
    const gone = new Promise((resolve) => child.once("exit", resolve));
    // No chance to clean up: the lock file stays behind.
    child.kill("SIGKILL");
    await gone;
    const raw = openRawClient({ dataDir });
    if (raw.driver !== "pglite") throw new Error("expected the embedded database");
    expect((await raw.pglite.query<{ note: string }>("select note from held")).rows).toEqual([{ note: "written by the holder" }]);
    await closeRawClient(raw);
    // Released on close: the folder can be opened again.
    await closeRawClient(openRawClient({ dataDir }));
  });

  it("refuses a second open in the same process, and a lock held from another host", async () => {
    const dataDir = folder();
    const raw = openRawClient({ dataDir });
    expect(() => openRawClient({ dataDir })).toThrow(DataDirLockedError);
    await closeRawClient(raw);

    const elsewhere = folder();
    await closeRawClient(openRawClient({ dataDir: elsewhere }));
    writeFileSync(path.join(elsewhere, LOCK_FILE), JSON.stringify({ pid: 1, host: "some-other-host", started: "2026-01-01T00:00:00Z" }));
    expect(() => openRawClient({ dataDir: elsewhere })).toThrow(/some-other-host/u);
  });

  it("the server refuses to start on a held folder, naming it, and exits non-zero", async () => {
    const dataRoot = mkdtempSync(path.join(tmpdir(), "mimi-lock-server-"));
    const child = await holder(path.join(dataRoot, "pglite"));
    const server = spawnServer({ DATA_DIR: dataRoot, PORT: String(await freePort()) });
    children.push(server.child);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(`The embedded database in ${path.join(dataRoot, "pglite")} is in use by process ${child.pid}`);
  });
});
