import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import { SharedInformers } from "../../../lib/informer/shared.ts";
import { anEventLog, eventually, simWriter, withSim } from "../sim-helpers.ts";

const configMaps = { group: "", version: "v1", resource: "configmaps" };
const fast = {
  backoff: { initialMs: 150, maxMs: 400, jitter: 0 },
  watchdogMs: 2000,
};
const names = (i: Informer, ns: string) =>
  i.listNamespace(ns).map((o) => o.metadata.name).filter((n) =>
    !n.startsWith("kube-root-ca")
  ).sort();

Deno.test("informer scope: a cluster-wide informer caches only its namespaces; widening relists, narrowing drops silently", async () => {
  await withSim(async (c, clients) => {
    const [a, b, other] = ["a", "b", "other"].map((ns) => simWriter(c, ns));
    for (const w of [a, b, other]) w.namespace();
    a.create("a1");
    b.create("b1");
    other.create("o1");
    const log = anEventLog();
    const informer = new Informer(clients.make(), { type: configMaps }, fast);
    informer.setScope(new Set(["a"]));
    informer.addHandler(log.handler);
    informer.start();
    try {
      await informer.synced;
      assertEquals(names(informer, "a"), ["a1"]);
      assertEquals(names(informer, "b"), []);
      assert(informer.covers("a") && !informer.covers("b"));
      assert(!informer.covers(), "not every namespace");
      await eventually(() => c.hub.size > 0, 5000, "watch open");
      other.create("o2");
      a.create("a2");
      await eventually(() => log.has("add:a2"));
      assert(!log.has("add:o2") && !log.has("add:o1"), "no event outside");
      assertEquals(informer.listNamespace("other"), []);

      const relists = informer.stats.relists;
      informer.setScope(new Set(["a", "b"]));
      assert(!informer.covers("b"), "b is not covered before its list");
      await informer.whenCovers(["a", "b"]);
      assertEquals(informer.stats.relists, relists + 1);
      assertEquals(names(informer, "b"), ["b1"]);
      assert(log.has("add:b1"), "widening delivers b's objects as adds");
      b.create("b2");
      await eventually(() => log.has("add:b2"), 5000, "b watched");

      const before = log.events.length;
      informer.setScope(new Set(["b"]));
      assertEquals(names(informer, "a"), [], "a dropped at once");
      assertEquals(informer.stats.relists, relists + 1, "narrowing: no list");
      assertEquals(log.events.slice(before), [], "dropped without events");
      a.update("a1", { v: "2" });
      b.update("b1", { v: "2" });
      await eventually(() => log.has("update:b1=2"));
      assert(!log.has("update:a1=2"));
      assertEquals(names(informer, "a"), []);

      informer.setScope(undefined);
      await informer.whenCovers(undefined);
      assertEquals(names(informer, "other"), ["o1", "o2"]);
      assert(informer.covers("other") && informer.covers());
    } finally {
      await informer.stop();
    }
  });
});

Deno.test("shared informers: a scoped cluster-wide informer caches the union of its consumers' namespaces", async () => {
  await withSim(async (c, clients) => {
    for (const ns of ["a", "b", "c"]) {
      const w = simWriter(c, ns);
      w.namespace();
      w.create(`${ns}1`);
    }
    const shared = new SharedInformers(fast);
    const client = clients.make();
    const spec = { type: configMaps };
    const first = shared.acquire(client, spec, undefined, ["a"]);
    await first.covered();
    assert(first.ready);
    const informer = first.informer;
    assertEquals(names(informer, "b"), []);

    const replayed = anEventLog();
    const second = shared.acquire(client, spec, replayed.handler, ["b"]);
    assert(second.informer === informer, "one informer");
    assert(!second.ready, "b not listed yet");
    await second.covered();
    assert(second.ready && first.ready);
    assertEquals(names(informer, "a"), ["a1"]);
    assertEquals(names(informer, "b"), ["b1"]);

    second.rescope(["b", "c"]);
    await second.covered();
    assertEquals(names(informer, "c"), ["c1"]);

    await first.release();
    assertEquals(names(informer, "a"), [], "a released: dropped");
    assertEquals(names(informer, "c"), ["c1"]);
    const all = shared.acquire(client, spec);
    await all.covered();
    assertEquals(names(informer, "a"), ["a1"], "a consumer of all widens");
    await all.release();
    await second.release();
    assertEquals(shared.size, 0);
    await eventually(() => c.hub.size === 0, 5000, "watches closed");
  });
});

Deno.test("informer scope: widening while the old watch still delivers events relists all the same", async () => {
  await withSim(async (c, clients) => {
    const [a, b] = ["a", "b"].map((ns) => simWriter(c, ns));
    a.namespace();
    b.namespace();
    b.create("b1");
    const informer = new Informer(clients.make(), { type: configMaps }, fast);
    informer.setScope(new Set(["a"]));
    informer.start();
    try {
      await informer.synced;
      await eventually(() => c.hub.size > 0, 5000, "watch open");
      // Widened from inside the delivery of the first of a burst: the
      // rest of the burst arrives on the old watch after the widening, and
      // each event moves the informer's resourceVersion.
      informer.addHandler((e) => {
        if (e.object.metadata.name === "burst-0") {
          informer.setScope(new Set(["a", "b"]));
        }
      });
      for (let i = 0; i < 50; i++) a.create(`burst-${i}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const covered = await Promise.race([
        informer.whenCovers(["b"]).then(() => true),
        new Promise<false>((r) => timer = setTimeout(() => r(false), 3000)),
      ]).finally(() => clearTimeout(timer));
      assert(covered, "b listed after the widening");
      assertEquals(names(informer, "b"), ["b1"]);
    } finally {
      await informer.stop();
    }
  });
});

Deno.test("informer scope: namespaces added one by one while their objects are written all end up cached", async () => {
  await withSim(async (c, clients) => {
    const informer = new Informer(clients.make(), { type: configMaps }, fast);
    const scope = new Set<string>(["ns-0"]);
    const first = simWriter(c, "ns-0");
    first.namespace();
    for (let i = 0; i < 10; i++) first.create(`o-${i}`);
    informer.setScope(new Set(scope));
    informer.start();
    const all: string[] = ["ns-0"];
    try {
      await informer.synced;
      for (let n = 1; n <= 40; n++) {
        const ns = `ns-${n}`;
        const w = simWriter(c, ns);
        w.namespace();
        all.push(ns);
        for (let i = 0; i < 10; i++) {
          w.create(`o-${i}`);
          // Widen at uneven moments: before, among and after the writes.
          if (i === n % 10) {
            scope.add(ns);
            informer.setScope(new Set(scope));
          }
          if (i % 3 === 0) await new Promise((r) => setTimeout(r, 0));
        }
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const covered = await Promise.race([
        informer.whenCovers(all).then(() => true),
        new Promise<false>((r) => timer = setTimeout(() => r(false), 10_000)),
      ]).finally(() => clearTimeout(timer));
      assert(covered, "every namespace listed");
      await eventually(
        () => all.every((ns) => names(informer, ns).length === 10),
        5000,
        "every object cached",
      ).catch((e) => {
        const short = all.filter((ns) => names(informer, ns).length !== 10);
        throw new Error(`${e.message}: short ${short}`);
      });
    } finally {
      await informer.stop();
    }
  });
});
