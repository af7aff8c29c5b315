/**
 * Issue 15 item 1: through the real `run` command, two replicas electing a
 * leader: exactly one reports drsyncer_leader 1, and its work queues have
 * samples. (The stats hook was declared and never called, so every replica
 * said 0 and DrSyncerNoLeader fired in every healthy install.)
 */
import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { samples } from "../lib/metrics/exposition.ts";
import { fetchText, GROUP, waitFor, withWorld } from "./fixture.ts";

Deno.test("run --leader-elect: exactly one of two replicas reports drsyncer_leader 1, with work-queue samples", async () => {
  await withWorld(async (w) => {
    await w.src.create(`${GROUP}/namespacemappings`, {
      apiVersion: "drsyncer.io/v1alpha1",
      kind: "NamespaceMapping",
      metadata: { name: "m" },
      spec: { sourceNamespace: "app" },
    });
    const replicas = await Promise.all(
      ["a", "b"].map((id) =>
        w.spawn({
          args: ["--leader-elect"],
          env: { POD_NAME: `replica-${id}` },
        })
      ),
    );
    const pages = await waitFor("one leader with queue samples", async () => {
      const texts = await Promise.all(
        replicas.map(async (r) => (await fetchText(r.metricsUrl))?.text),
      );
      if (texts.some((t) => t === undefined)) return undefined;
      const leaders = texts.map((t) =>
        samples(t!, "drsyncer_leader")[0]?.value
      );
      if (leaders.filter((v) => v === 1).length !== 1) return undefined;
      const lead = texts[leaders.indexOf(1)]!;
      const adds = samples(lead, "drsyncer_workqueue_adds_total", {
        queue: "namespacemapping",
      })[0]?.value ?? 0;
      return adds > 0 ? texts as string[] : undefined;
    });
    const leaders = pages.map((t) => samples(t, "drsyncer_leader")[0]?.value);
    assertEquals(leaders.sort(), [0, 1]);
    const lead = pages.find((t) =>
      samples(t, "drsyncer_leader")[0].value === 1
    )!;
    const standby = pages.find((t) => t !== lead)!;
    const depth = samples(lead, "drsyncer_workqueue_depth");
    assertEquals(
      depth.map((s) => s.labels.queue).sort(),
      ["namespacemapping", "namespacereplication", "remotecluster"],
    );
    // A standby runs no queues: it reports no depth rather than zeros.
    assertEquals(samples(standby, "drsyncer_workqueue_depth"), []);
    assert(samples(lead, "drsyncer_workqueue_adds_total").length >= 3);
  });
});
