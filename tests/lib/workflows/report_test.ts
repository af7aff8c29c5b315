import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  formatTable,
  plural,
  Progress,
} from "../../../lib/workflows/report.ts";
import { recordingIo } from "./fixtures.ts";

Deno.test("formatTable: columns padded to the widest cell, no trailing spaces", () => {
  assertEquals(
    formatTable(["A", "KIND", "R"], [["create", "Deployment", ""], [
      "update",
      "Cm",
      "Drifted",
    ]]),
    [
      "A       KIND        R",
      "create  Deployment",
      "update  Cm          Drifted",
    ].join("\n"),
  );
});

Deno.test("plural: one workload, two workloads", () => {
  assertEquals([plural(1, "workload"), plural(2, "workload")], [
    "1 workload",
    "2 workloads",
  ]);
});

Deno.test("Progress: redraws are throttled, the final one forced, then cleared", () => {
  const io = recordingIo(true);
  const p = new Progress(io);
  p.update("1/3");
  p.update("2/3");
  p.update("3/3", true);
  p.clear();
  assertEquals(io.raw, ["\r\x1b[2K1/3", "\r\x1b[2K3/3", "\r\x1b[2K"]);
});
