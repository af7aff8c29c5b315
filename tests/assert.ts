/**
 * Minimal assertions (jsr:@std/assert cannot be reached from our machines).
 * Deep equality uses node:assert's strict deep equal, which prints a diff.
 */
import nodeAssert from "node:assert/strict";

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg as string);
}

export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, msg as string);
}

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  nodeAssert.ok(cond, msg);
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  nodeAssert.match(actual, re, msg as string);
}

/** Asserts fn throws; returns the error for further checks. */
export function assertThrows(fn: () => unknown, re?: RegExp): Error {
  try {
    fn();
  } catch (e) {
    if (re) assertMatch(String((e as Error)?.message ?? e), re);
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: "expected fn to throw" });
}

/** Asserts fn rejects; returns the error for further checks. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  re?: RegExp,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (re) assertMatch(String((e as Error)?.message ?? e), re);
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: "expected fn to reject" });
}
