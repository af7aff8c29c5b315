import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import {
  findCondition,
  isConditionTrue,
  removeCondition,
  setCondition,
} from "../../lib/conditions.ts";

const t0 = new Date("2026-01-01T00:00:00.123Z");
const t1 = new Date("2026-01-01T00:05:00Z");

Deno.test("setCondition adds a new condition with RFC3339 seconds time", () => {
  const list = setCondition(
    [],
    { type: "Ready", status: "True", reason: "Connected" },
    t0,
    3,
  );
  assertEquals(list, [{
    type: "Ready",
    status: "True",
    reason: "Connected",
    message: "",
    lastTransitionTime: "2026-01-01T00:00:00Z",
    observedGeneration: 3,
  }]);
});

Deno.test("setCondition keeps lastTransitionTime when status is unchanged", () => {
  const first = setCondition(undefined, {
    type: "Ready",
    status: "False",
    reason: "Unreachable",
  }, t0);
  const second = setCondition(first, {
    type: "Ready",
    status: "False",
    reason: "Unauthorized",
    message: "401",
  }, t1);
  assertEquals(second[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  assertEquals(second[0].reason, "Unauthorized");
  assertEquals(second[0].message, "401");
});

Deno.test("setCondition moves lastTransitionTime on a status change", () => {
  const first = setCondition(undefined, {
    type: "Ready",
    status: "False",
    reason: "Unreachable",
  }, t0);
  const second = setCondition(first, {
    type: "Ready",
    status: "True",
    reason: "Connected",
  }, t1);
  assertEquals(second[0].lastTransitionTime, "2026-01-01T00:05:00Z");
});

Deno.test("setCondition does not mutate its input and keeps order", () => {
  const input = Object.freeze([
    Object.freeze({
      type: "A",
      status: "True",
      reason: "x",
      message: "",
      lastTransitionTime: "t",
    }),
    Object.freeze({
      type: "B",
      status: "True",
      reason: "y",
      message: "",
      lastTransitionTime: "t",
    }),
  ]) as never;
  const out = setCondition(
    input,
    { type: "A", status: "False", reason: "z" },
    t1,
  );
  assertEquals(out.map((c) => c.type), ["A", "B"]);
  assertEquals(out[0].status, "False");
});

Deno.test("find, isTrue and remove", () => {
  const list = setCondition([], {
    type: "Synced",
    status: "True",
    reason: "Ok",
  }, t0);
  assertEquals(isConditionTrue(list, "Synced"), true);
  assertEquals(isConditionTrue(list, "Ready"), false);
  assertEquals(findCondition(list, "Synced")?.reason, "Ok");
  assertEquals(removeCondition(list, "Synced"), []);
  assertEquals(removeCondition(undefined, "Synced"), []);
});
