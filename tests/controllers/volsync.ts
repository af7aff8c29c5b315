/**
 * VolSync's part in the tests. Its controller needs a kubelet, so the tests
 * install its CRDs (tests/fixtures/volsync, VolSync v0.14.0 and
 * external-snapshotter v8.7.0 shapes) and a small fake mover fills the
 * status fields as VolSync documents them: the destination's
 * status.rsyncTLS.{address,keySecret} (and that Secret), and after a
 * transfer lastSyncTime/lastSyncDuration on both sides, the source's
 * lastManualSync, and the destination's latestImage VolumeSnapshot.
 * A transfer happens only when the source's key matches the destination's:
 * the handshake is checked, not assumed.
 */
import { parse } from "yaml";
import type { ApiCluster } from "../../lib/engine/api-ports.ts";
import type { DiscoveredResource } from "../../lib/sync/resource-types.ts";
import type { ApiResource, KubeObject } from "../../lib/sync/types.ts";
import {
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  SECRETS,
  VOLUME_SNAPSHOTS,
} from "../../lib/volsync/objects.ts";
import { discover } from "../../lib/engine/api-ports.ts";
import { PVCS } from "../../lib/volsync/objects.ts";
import { installAddOn } from "../deploy/sim-rbac.ts";
import { type E2e, sourceNamespace, statusOf, until } from "./harness.ts";

const FIXTURES = [
  "volsync.backube_replicationsources.yaml",
  "volsync.backube_replicationdestinations.yaml",
  "snapshot.storage.k8s.io_volumesnapshots.yaml",
  "snapshot.storage.k8s.io_volumesnapshotcontents.yaml",
  "snapshot.storage.k8s.io_volumesnapshotclasses.yaml",
];

/** Names of the CRDs installVolSync installs. */
export const VOLSYNC_CRDS = [
  "replicationsources.volsync.backube",
  "replicationdestinations.volsync.backube",
  "volumesnapshots.snapshot.storage.k8s.io",
  "volumesnapshotcontents.snapshot.storage.k8s.io",
  "volumesnapshotclasses.snapshot.storage.k8s.io",
];

/** withController options of the volume tests: a shared world keeps these CRDs. */
export const KEEP_VOLSYNC = { keepCrds: VOLSYNC_CRDS };

async function crdType(api: ApiCluster): Promise<DiscoveredResource> {
  return (await discover(api.client)).find((d) =>
    d.resource === "customresourcedefinitions"
  )!;
}

async function served(api: ApiCluster): Promise<number> {
  const discovery = await discover(api.client);
  return VOLSYNC_CRDS.filter((name) =>
    discovery.some((d) => `${d.resource}.${d.group}` === name)
  ).length;
}

/**
 * Installs the VolSync and VolumeSnapshot CRDs into one cluster (kept when
 * already there) and waits until discovery serves them: a real API server
 * establishes a CRD shortly after the create returns.
 */
export async function installVolSync(api: ApiCluster): Promise<void> {
  const type = await crdType(api);
  for (const file of FIXTURES) {
    const url = new URL(`../fixtures/volsync/${file}`, import.meta.url);
    const crd = parse(await Deno.readTextFile(url)) as KubeObject;
    if (await api.get(type, undefined, crd.metadata.name)) continue;
    await api.create(type, crd);
  }
  await until(
    "VolSync CRDs served",
    async () => await served(api) === VOLSYNC_CRDS.length,
    60_000,
  );
}

/** Removes those CRDs (left by an earlier test of a shared world) and waits. */
export async function uninstallVolSync(api: ApiCluster): Promise<void> {
  const type = await crdType(api);
  for (const name of VOLSYNC_CRDS) {
    if (await api.get(type, undefined, name)) {
      await api.remove(type, undefined, name);
    }
  }
  await until(
    "VolSync CRDs gone",
    async () =>
      await served(api) === 0 &&
      (await Promise.all(
        VOLSYNC_CRDS.map((n) => api.get(type, undefined, n)),
      )).every((o) => o === undefined),
    120_000,
  );
}

type Json = Record<string, unknown>;

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

async function writeStatus(
  api: ApiCluster,
  type: ApiResource,
  o: KubeObject,
  status: Json,
): Promise<void> {
  const path =
    `/apis/${type.group}/${type.version}/namespaces/${o.metadata.namespace}/${type.resource}/${o.metadata.name}/status`;
  await api.client.requestJson(path, {
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: { status },
  });
}

/** See the module comment. */
export class FakeMover {
  #addresses = 0;
  #images = 0;
  #loop?: Promise<void>;
  #stop = new AbortController();
  /** Destinations answered (address + key published). */
  answering = true;
  /** Manual triggers served by the background loop. */
  servingManual = true;

  constructor(
    readonly source: ApiCluster,
    readonly dr: ApiCluster,
    readonly sourceNs: string,
    readonly drNs: string,
  ) {}

  /** Publishes address and key Secret of every new destination. */
  async answer(): Promise<void> {
    for (
      const rd of await this.list(this.dr, REPLICATION_DESTINATIONS, this.drNs)
    ) {
      const s = (rd.status ?? {}) as Json;
      if ((s.rsyncTLS as Json | undefined)?.address) continue;
      const key = `volsync-rsync-tls-${rd.metadata.name}`;
      await this.dr.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: key,
          namespace: this.drNs,
          ownerReferences: [{
            apiVersion: "volsync.backube/v1alpha1",
            kind: "ReplicationDestination",
            name: rd.metadata.name,
            uid: rd.metadata.uid!,
            controller: true,
          }],
        },
        data: { "psk.txt": btoa(`volsync:${crypto.randomUUID()}`) },
      });
      await writeStatus(this.dr, REPLICATION_DESTINATIONS, rd, {
        rsyncTLS: {
          address: `10.96.7.${++this.#addresses}`,
          keySecret: key,
          port: 8000,
        },
      });
    }
  }

  /**
   * One transfer for the ReplicationSource of `pvc` (all when absent):
   * returns the VolumeSnapshot names made. Paused sources do not move.
   */
  async transfer(pvc?: string, manual?: string): Promise<string[]> {
    const made: string[] = [];
    const rds = await this.list(this.dr, REPLICATION_DESTINATIONS, this.drNs);
    for (
      const rs of await this.list(
        this.source,
        REPLICATION_SOURCES,
        this.sourceNs,
      )
    ) {
      const spec = rs.spec as Json;
      if (pvc && spec.sourcePVC !== pvc) continue;
      if (spec.paused === true) continue;
      const tls = spec.rsyncTLS as Json | undefined;
      if (!tls) continue; // another mover's, not rsync-tls
      const rd = rds.find((d) =>
        ((d.status as Json | undefined)?.rsyncTLS as Json | undefined)
          ?.address === tls.address
      );
      if (!rd || !await this.keysMatch(rs, rd)) continue;
      const now = new Date();
      const image = `volsync-${rd.metadata.name}-dst-${++this.#images}`;
      await this.dr.create(VOLUME_SNAPSHOTS, {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshot",
        metadata: { name: image, namespace: this.drNs },
        spec: {
          source: {
            persistentVolumeClaimName: `volsync-${rd.metadata.name}-dst`,
          },
        },
      }).then((vs) =>
        writeStatus(this.dr, VOLUME_SNAPSHOTS, vs, {
          readyToUse: true,
          creationTime: rfc3339(now),
          restoreSize: "1Gi",
        })
      );
      const done = { lastSyncTime: rfc3339(now), lastSyncDuration: "3s" };
      await writeStatus(this.dr, REPLICATION_DESTINATIONS, rd, {
        ...done,
        latestImage: {
          apiGroup: "snapshot.storage.k8s.io",
          kind: "VolumeSnapshot",
          name: image,
        },
      });
      await writeStatus(this.source, REPLICATION_SOURCES, rs, {
        ...done,
        ...(manual ? { lastManualSync: manual } : {}),
      });
      made.push(image);
    }
    return made;
  }

  async keysMatch(rs: KubeObject, rd: KubeObject): Promise<boolean> {
    const spec = rs.spec as Json;
    const tls = spec.rsyncTLS as Json;
    const mine = await this.source.get(
      SECRETS,
      this.sourceNs,
      String(tls.keySecret),
    );
    const rdKey = ((rd.status as Json).rsyncTLS as Json).keySecret as string;
    const theirs = await this.dr.get(SECRETS, this.drNs, rdKey);
    return JSON.stringify(mine?.data) === JSON.stringify(theirs?.data) &&
      mine !== undefined;
  }

  /** Serves manual triggers (status.lastManualSync) as VolSync would. */
  async serveManual(): Promise<void> {
    for (
      const rs of await this.list(
        this.source,
        REPLICATION_SOURCES,
        this.sourceNs,
      )
    ) {
      if (!(rs.spec as Json).rsyncTLS) continue;
      const manual = ((rs.spec as Json).trigger as Json | undefined)?.manual;
      const handled = (rs.status as Json | undefined)?.lastManualSync;
      if (typeof manual === "string" && manual !== handled) {
        await this.transfer((rs.spec as Json).sourcePVC as string, manual);
      }
    }
  }

  /** Answers destinations and manual triggers until stop(). */
  start(): void {
    const signal = this.#stop.signal;
    this.#loop = (async () => {
      while (!signal.aborted) {
        try {
          if (this.answering) await this.answer();
          if (this.servingManual) await this.serveManual();
        } catch {
          // A conflict with the controller's write: the next round retries.
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async list(
    api: ApiCluster,
    type: ApiResource,
    ns: string,
  ): Promise<KubeObject[]> {
    return await api.list(type, ns);
  }
}

export function pvc(
  name: string,
  opts: { block?: boolean; labels?: Record<string, string> } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, labels: opts.labels },
    spec: {
      accessModes: ["ReadWriteOncePod"],
      storageClassName: "fast-ssd",
      resources: { requests: { storage: "1Gi" } },
      ...(opts.block ? { volumeMode: "Block" } : {}),
    },
  };
}

export const DATA_SPEC = {
  resyncInterval: "1s",
  storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
  accessModeMappings: [{ from: "ReadWriteOncePod", to: "ReadWriteOnce" }],
  dataReplication: { schedule: "*/5 * * * *", volumeSnapshotClassName: "snap" },
};

export interface VolumeView {
  namespace: string;
  pvc: string;
  phase: string;
  reason?: string;
  latestImage?: string;
  lastSyncTime?: string;
}

export async function volumesOf(e: E2e): Promise<VolumeView[]> {
  return ((await statusOf(e)).volumes ?? []) as VolumeView[];
}

export async function volume(
  e: E2e,
  name: string,
): Promise<VolumeView | undefined> {
  return (await volumesOf(e)).find((v) => v.pvc === name);
}

/** Source ns "shop" with PVCs, VolSync on both sides, the mover running. */
export async function dataSetup(
  e: E2e,
  pvcs: KubeObject[],
  volsyncOn: { source: boolean; dr: boolean } = { source: true, dr: true },
): Promise<FakeMover> {
  for (
    const [on, api] of [[volsyncOn.source, e.src], [
      volsyncOn.dr,
      e.drApi,
    ]] as const
  ) {
    await (on ? installVolSync(api) : uninstallVolSync(api));
  }
  if (e.rbac) {
    // The controller's identities need the opt-in data-replication rights.
    await installAddOn(e.source, "deploy/data-replication");
    await installAddOn(e.dr, "deploy/dr-cluster/data-replication");
  }
  await sourceNamespace(e, "shop");
  for (const p of pvcs) {
    await e.src.create(PVCS, {
      ...p,
      metadata: { ...p.metadata, namespace: "shop" },
    });
  }
  return new FakeMover(e.src, e.drApi, "shop", "shop-dr");
}
