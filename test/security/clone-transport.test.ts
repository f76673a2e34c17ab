import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, runCli, startCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { hostileRepo, SMALL_PROJECT, watchedOutside } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 12: `dhtl clone --no-gh -- fd::3 DIR` hung forever and SIGTERM left git running. Only known
 * transports are accepted, every git call has a timeout, and a signal ends git with its helpers.
 */

/** A TCP server that accepts connections and never says a word: a clone from it waits forever. */
let silent: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as { port: number }).port;
});
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  silent.close();
});

/** Processes whose command line mentions `needle` (git, git-remote-https …). */
function processesWith(needle: string): string[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(needle) && !line.includes("ps -eo"));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("item 12: dhtl clone accepts known transports only", () => {
  it.each([
    ["fd::3", /transport::address/],
    ["ext::sh -c touch% /tmp/dhtl-pwned", /transport::address/],
    ["git://127.0.0.1/repo.git", /git:\/\/ transport is not allowed/],
    ["http://127.0.0.1/repo.git", /http:\/\/ transport is not allowed/],
    ["-uecho pwned", /read as an option/],
    ["https://host/repo\nx", /control characters/],
  ])("%s is refused at once (exit 2), nothing created", (ref, message) => {
    const work = tempDir("dhtl-transport-");
    const started = Date.now();
    const result = runCli(["clone", "--no-gh", "--", ref, "dir"], work);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(work, "dir"))).toBe(false);
  });

  it("a local path and a file:// URL are accepted", () => {
    const outside = watchedOutside();
    const origin = hostileRepo(SMALL_PROJECT);
    for (const ref of [origin, `file://${origin}`]) {
      const work = tempDir("dhtl-transport-");
      const result = runCli(["clone", "--no-gh", ref, "copy"], work);
      expect(result.code, describeRun(result)).toBe(0);
    }
    expect(outside.changed()).toBe(false);
  });
});

describe("item 12: git never hangs and never outlives dhtl", () => {
  it("a server that never answers: the clone stops at DHTL_GIT_TIMEOUT (exit 3), no git left running", () => {
    const url = `https://127.0.0.1:${port}/timeout-${process.pid}.git`;
    const work = tempDir("dhtl-timeout-");
    const started = Date.now();
    const result = runCli(["clone", "--no-gh", url, "dir"], work, { DHTL_GIT_TIMEOUT: "3" });
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/did not finish within 3 s/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(processesWith(url)).toEqual([]);
  });

  it("SIGTERM to dhtl ends git and its remote helper too (exit 143)", async () => {
    const url = `https://127.0.0.1:${port}/sigterm-${process.pid}.git`;
    const work = tempDir("dhtl-sigterm-");
    const child = startCli(["clone", "--no-gh", url, "dir"], work);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    // git is running and has started its helper: the clone hangs on the silent server.
    while (!processesWith(url).some((line) => line.includes("remote-https")) && Date.now() < deadline) {
      await sleep(50);
    }
    expect(processesWith(url).some((line) => line.includes("remote-https"))).toBe(true);
    process.kill(child.pid!, "SIGTERM");
    expect(await exited).toBe(143);
    expect(processesWith(url)).toEqual([]);
  });
});
