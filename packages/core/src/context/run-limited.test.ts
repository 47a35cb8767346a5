import { describe, expect, it } from "vitest";
import { isZarrkitError } from "../errors/errors.js";
import { runLimited } from "./run-limited.js";

const tick = (ms = 1) => new Promise<void>((r) => setTimeout(r, ms));

describe("runLimited", () => {
  it("runs every item, in order, at most `limit` at once", async () => {
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    await runLimited(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        started.push(i);
        most = Math.max(most, ++inFlight);
        await tick((i * 7) % 4);
        inFlight--;
      },
    );
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it("asks a lazy iterable for no more items than it runs (one item: one task)", async () => {
    let pulls = 0;
    const one: Iterable<string> = {
      [Symbol.iterator]: () => ({
        next: () =>
          ++pulls === 1 ? { value: "only", done: false } : { value: undefined, done: true },
      }),
    };
    const ran: string[] = [];
    await runLimited(one, 64, async (item) => {
      ran.push(item);
    });
    expect(ran).toEqual(["only"]);
    // The item, then "done" for the worker that ran it and for the one it started.
    expect(pulls).toBe(3);
  });

  it("starts nothing after a failure and rejects with it once the running tasks settle", async () => {
    const finished: number[] = [];
    const run = runLimited([0, 1, 2, 3, 4, 5], 2, async (i) => {
      if (i === 1) {
        await tick();
        throw new Error("task 1 failed");
      }
      // Task 0 is still running when task 1 fails: the rejection waits for it.
      await tick(i === 0 ? 20 : 1);
      finished.push(i);
    });
    await expect(run).rejects.toThrow("task 1 failed");
    expect(finished).toContain(0);
    expect(finished.length).toBeLessThan(5);
  });

  it("a task that throws before its first await fails the run the same way", async () => {
    const task = (i: number): Promise<void> => {
      if (i === 2) throw new RangeError("bad item 2");
      return tick();
    };
    await expect(runLimited([0, 1, 2, 3], 2, task)).rejects.toThrow("bad item 2");
  });

  it("an aborted signal stops the run with AbortedError", async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const run = runLimited(
      [0, 1, 2, 3, 4],
      1,
      async (i) => {
        ran.push(i);
        if (i === 1) controller.abort();
        await tick();
      },
      controller.signal,
    );
    await expect(run).rejects.toSatisfy((err) => isZarrkitError(err, "Aborted"));
    expect(ran).toEqual([0, 1]);
  });
});
