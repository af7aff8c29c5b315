/**
 * Issue 15 item 5: the README's samples (crds/samples/) apply cleanly on a
 * bare cluster. The replication sample excludes widgets.example.com, which
 * such a cluster does not serve: that is a no-op and at most a Warning
 * Event, never Failed/InvalidSpec.
 */
import "../../../lib/preload.ts";
import { parse } from "yaml";
import { assertEquals, assertMatch } from "../../assert.ts";
import {
  conditionOf,
  eventFor,
  NS,
  sourceNamespace,
  statusOf,
  until,
  withController,
} from "../harness.ts";

const SAMPLES = new URL("../../../crds/samples/", import.meta.url);

interface Sample {
  kind: string;
  metadata: { name: string };
  spec: unknown;
}

async function sample(file: string): Promise<Sample> {
  return parse(await Deno.readTextFile(new URL(file, SAMPLES))) as Sample;
}

Deno.test("crds/samples: the replication sample syncs on a bare cluster; excluding an absent type is only a Warning", async () => {
  await withController(async (e) => {
    await sourceNamespace(e, "shop-prod");
    const kubeconfig = e.dr.kubeconfig;
    await e.src.create(e.type("secrets"), {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "dr-east-kubeconfig", namespace: NS },
      stringData: { kubeconfig },
    } as never);
    for (
      const file of [
        "remotecluster.yaml",
        "namespacemapping.yaml",
        "namespacereplication.yaml",
      ]
    ) {
      const s = await sample(file);
      await e.apply(s.kind, s.metadata.name, s.spec);
    }
    e.start();
    let status: Record<string, unknown> = {};
    await until("a pass ran", async () => {
      status = await statusOf(e, "shop-to-east");
      return status.phase !== undefined && status.phase !== "Pending";
    }, 20_000);
    assertEquals(
      [status.phase, conditionOf(status, "Ready")?.reason],
      ["Synced", "Synced"],
      JSON.stringify(status),
    );
    const warning = await eventFor(e, "shop-to-east", "ResourceTypeNotServed");
    assertMatch(warning.message, /widgets\.example\.com/);
  });
});
