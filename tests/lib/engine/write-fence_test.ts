/** The write fence on its own: the three questions, shared reads, sticky "closed". */
import "../../../lib/preload.ts";
import { assertEquals, assertRejects } from "../../assert.ts";
import type { ClusterWriter } from "../../../lib/engine/ports.ts";
import { NAMESPACES } from "../../../lib/engine/ports.ts";
import {
  FenceClosedError,
  WriteFence,
} from "../../../lib/engine/write-fence.ts";
import type { ApiResource, KubeObject } from "../../../lib/sync/types.ts";

const CONFIGMAPS: ApiResource = {
  group: "",
  version: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
  verbs: ["create", "update", "delete"],
};

function namespace(name: string, promoted: boolean): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      annotations: promoted ? { "drsyncer.io/promoted": "2026-01-01" } : {},
    },
  };
}

/** A DR side whose namespace answers are released by hand. */
function fakeDr() {
  const promoted = new Set<string>();
  const pending: (() => void)[] = [];
  const state = { reads: 0, lease: true, owner: true, manual: false };
  const writes: string[] = [];
  const observed: string[] = [];
  const fence = new WriteFence({
    readNamespace: (name) => {
      state.reads++;
      const answer = () => namespace(name, promoted.has(name));
      if (!state.manual) return Promise.resolve(answer());
      return new Promise((resolve) => pending.push(() => resolve(answer())));
    },
    holdsLease: () => state.lease,
    ownsReplication: () => state.owner,
    observeWrite: (startedAt, endedAt) =>
      observed.push(endedAt >= startedAt ? "span" : "bad span"),
  });
  const writer: ClusterWriter = {
    get: () => Promise.resolve(undefined),
    create: (_t, o) => {
      writes.push(`create ${o.metadata.namespace}/${o.metadata.name}`);
      return Promise.resolve(o);
    },
    replace: (_t, o) => {
      writes.push(`replace ${o.metadata.namespace}/${o.metadata.name}`);
      return Promise.resolve(o);
    },
    remove: (_t, ns, name) => {
      writes.push(`remove ${ns}/${name}`);
      return Promise.resolve();
    },
  };
  const release = () => pending.splice(0).forEach((r) => r());
  return { promoted, state, writes, observed, fence, writer, release };
}

/** The write was refused by the fence, not by anything else. */
async function refused(write: () => Promise<unknown>): Promise<void> {
  const e = await assertRejects(write);
  assertEquals(e instanceof FenceClosedError, true, String(e));
}

const cm = (ns: string, name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
});

Deno.test("fence: open for a namespace that is not promoted", async () => {
  const f = fakeDr();
  assertEquals(await f.fence.check("shop-dr"), { open: true });
  await f.fence.guard(f.writer).create(CONFIGMAPS, cm("shop-dr", "a"));
  assertEquals(f.writes, ["create shop-dr/a"]);
  assertEquals(f.state.reads, 1, "the write used the answer of the check");
});

Deno.test("fence: a promoted namespace closes it, and closed stays closed", async () => {
  const f = fakeDr();
  await f.fence.check("shop-dr");
  f.promoted.add("shop-dr");
  const v = await f.fence.check("shop-dr");
  assertEquals(v.open ? "open" : v.reason, "DestinationPromoted");
  const guarded = f.fence.guard(f.writer);
  await refused(() => guarded.replace(CONFIGMAPS, cm("shop-dr", "a")));
  await refused(() => guarded.remove(CONFIGMAPS, "shop-dr", "a"));
  f.promoted.delete("shop-dr");
  assertEquals((await f.fence.check("shop-dr")).open, false, "sticky");
  assertEquals(f.writes, []);
  assertEquals(f.fence.closedFor("shop-dr")?.reason, "DestinationPromoted");
  assertEquals(f.fence.closedFor("other"), undefined);
});

Deno.test("fence: a write into a namespace never checked asks first", async () => {
  const f = fakeDr();
  f.promoted.add("shop-dr");
  const guarded = f.fence.guard(f.writer);
  await refused(() => guarded.create(CONFIGMAPS, cm("shop-dr", "a")));
  // The Namespace itself is its own target.
  await refused(() => guarded.create(NAMESPACES, namespace("shop-dr", false)));
  assertEquals(f.writes, []);
});

Deno.test("fence: askers during one read share it", async () => {
  const f = fakeDr();
  f.state.manual = true;
  const asked = [1, 2, 3].map(() => f.fence.check("shop-dr"));
  f.release();
  assertEquals((await Promise.all(asked)).map((v) => v.open), [
    true,
    true,
    true,
  ]);
  assertEquals(f.state.reads, 1);
  const again = f.fence.check("shop-dr");
  f.release();
  await again;
  assertEquals(f.state.reads, 2, "a later check reads again");
});

Deno.test("fence: lost lease and foreign ownership close it without a read", async () => {
  const f = fakeDr();
  f.state.lease = false;
  const lease = await f.fence.check("shop-dr");
  assertEquals(lease.open ? "open" : lease.reason, "LeaseLost");
  f.state.lease = true;
  f.state.owner = false;
  const owner = await f.fence.check("shop-dr");
  assertEquals(owner.open ? "open" : owner.reason, "NotOwner");
  assertEquals(f.state.reads, 0);
  await refused(() =>
    f.fence.guard(f.writer).create(CONFIGMAPS, cm("shop-dr", "a"))
  );
});

Deno.test("fence: ownership is asked before every write, reads pass, passed writes are observed", async () => {
  const f = fakeDr();
  const w = f.fence.guard(f.writer);
  assertEquals((await f.fence.check("shop-dr")).open, true);
  await w.create(CONFIGMAPS, cm("shop-dr", "a"));
  f.state.owner = false; // rebalanced away after the rank was admitted
  await refused(() => w.replace(CONFIGMAPS, cm("shop-dr", "a")));
  await refused(() => w.remove(CONFIGMAPS, "shop-dr", "a"));
  await w.get(CONFIGMAPS, "shop-dr", "a"); // reads are never fenced
  assertEquals(f.writes, ["create shop-dr/a"]);
  assertEquals(f.observed, ["span"], "only the write that passed");
  assertEquals(f.state.reads, 1);
});
