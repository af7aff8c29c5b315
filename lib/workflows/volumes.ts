/**
 * Replicated volumes in promote, cutover, demote and failback (contract §5).
 *
 * promote: every DR volume must have a usable image (the destination's
 *   status.latestImage VolumeSnapshot), else nothing is changed unless
 *   --force; each image and its age is printed (also with --dry-run). After
 *   the namespace is marked and before the workloads start, each
 *   ReplicationDestination is paused and its DR PVC recreated with
 *   dataSourceRef to the image.
 * cutover: with the source parked, one last transfer per volume through
 *   VolSync's manual trigger, waited for on both sides.
 * demote: the ReplicationDestinations are resumed. failback: the manual
 *   trigger a cutover left is removed, so the schedule applies again.
 * Namespaces without our VolSync objects (or clusters without VolSync) are
 * untouched: the commands behave as before.
 */
import { LABEL_REPLICATION } from "../api/v1alpha1.ts";
import { isConflict, isNotFound } from "../kube/errors.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import {
  ANNOTATION_PVC,
  PVCS,
  REPLICATION_DESTINATIONS,
  REPLICATION_SOURCES,
  VOLUME_SNAPSHOTS,
} from "../volsync/objects.ts";
import {
  describeImage,
  isRestoredFrom,
  judgeImage,
  refusal,
  restoredPvc,
  type VolumeImage,
} from "../volsync/restore.ts";
import { lastSyncOf, latestImageOf } from "../volsync/status.ts";
import { promoteNamespace, type StandbyResult } from "./standby.ts";
import { done, type Step, stop, type WorkflowIo } from "./io.ts";

type Json = Record<string, unknown>;

/** Our VolSync objects of one type in a namespace; none without VolSync. */
async function ours(
  api: ApiCluster,
  type: ApiResource,
  namespace: string,
): Promise<KubeObject[]> {
  try {
    const all = await api.list(type, namespace);
    return all.filter((o) =>
      o.metadata.labels?.[LABEL_REPLICATION] !== undefined &&
      o.metadata.annotations?.[ANNOTATION_PVC]
    );
  } catch (e) {
    if (isNotFound(e)) return []; // VolSync not installed
    throw e;
  }
}

/** Each replicated volume of a DR namespace and the image it has. */
export async function volumeImages(
  api: ApiCluster,
  namespace: string,
  now: Date,
): Promise<VolumeImage[]> {
  const out: VolumeImage[] = [];
  for (const rd of await ours(api, REPLICATION_DESTINATIONS, namespace)) {
    const image = latestImageOf(rd);
    const snapshot = image
      ? await api.get(VOLUME_SNAPSHOTS, namespace, image).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      })
      : undefined;
    const pvc = rd.metadata.annotations![ANNOTATION_PVC];
    out.push(judgeImage(pvc, rd, image, snapshot, now));
  }
  return out.sort((a, b) => a.pvc < b.pvc ? -1 : 1);
}

/** Attempts of a read-modify-write that keeps meeting concurrent writes. */
const CONFLICT_ATTEMPTS = 8;

/**
 * Replaces `o`'s spec with `change(spec)` (undefined: nothing to change),
 * reading it again on a 409: the controller (pause/resume of sources) and
 * VolSync (status) write these objects too. False when unchanged or gone.
 */
export async function modifySpec(
  api: ApiCluster,
  type: ApiResource,
  o: KubeObject,
  change: (spec: Json) => Json | undefined,
): Promise<boolean> {
  let current: KubeObject | undefined = o;
  for (let attempt = 1;; attempt++) {
    const spec = change({ ...(current.spec as Json) });
    if (!spec) return false;
    try {
      await api.replace(type, { ...current, spec });
      return true;
    } catch (e) {
      if (!isConflict(e) || attempt >= CONFLICT_ATTEMPTS) throw e;
    }
    current = await api.get(type, o.metadata.namespace, o.metadata.name);
    if (!current) return false;
  }
}

function setPaused(
  api: ApiCluster,
  rd: KubeObject,
  paused: boolean,
): Promise<boolean> {
  return modifySpec(api, REPLICATION_DESTINATIONS, rd, (spec) => {
    if ((spec.paused === true) === paused) return undefined;
    if (paused) spec.paused = true;
    else delete spec.paused;
    return spec;
  });
}

async function waitGone(
  api: ApiCluster,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await api.get(PVCS, namespace, name)) {
    if (Date.now() > deadline) {
      throw new Error(
        `PVC ${namespace}/${name} is still being deleted (a pod still uses it?)`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pauses each destination and recreates its DR PVC from the image. */
async function restoreVolumes(
  api: ApiCluster,
  namespace: string,
  images: readonly VolumeImage[],
  io: WorkflowIo,
): Promise<void> {
  for (const v of images) {
    const rd = await api.get(
      REPLICATION_DESTINATIONS,
      namespace,
      v.destination,
    );
    if (rd) await setPaused(api, rd, true);
    if (v.problem || !v.image) {
      io.out(`  volume ${v.pvc}: kept as it is (forced: ${v.problem})`);
      continue;
    }
    const pvc = await api.get(PVCS, namespace, v.pvc);
    if (pvc && isRestoredFrom(pvc, v.image)) {
      io.out(`  volume ${v.pvc}: already restored from ${v.image}`);
      continue;
    }
    if (pvc && pvc.metadata.labels?.[LABEL_REPLICATION] === undefined) {
      io.out(`  volume ${v.pvc}: left alone: PVC is not a DR copy`);
      continue;
    }
    const template = pvc ?? {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: v.pvc, namespace },
      spec: {},
    };
    if (pvc) {
      await api.remove(PVCS, namespace, v.pvc, { uid: pvc.metadata.uid });
      await waitGone(api, namespace, v.pvc, 60_000);
    }
    await api.create(PVCS, restoredPvc(template, v.image));
    io.out(`  volume ${v.pvc}: restored from ${v.image}`);
  }
}

/**
 * promote with replicated volumes: check and print the images, refuse
 * without a usable one (unless forced), restore before scaling up.
 */
export async function promoteWithVolumes(
  api: ApiCluster,
  namespace: string,
  opts: { dryRun: boolean; force: boolean; now: Date },
  io: WorkflowIo,
): Promise<Step<StandbyResult>> {
  const images = await volumeImages(api, namespace, opts.now);
  for (const v of images) io.out(describeImage(v));
  const refused = refusal(images, opts.force);
  if (refused) return stop(refused);
  return await promoteNamespace(api, namespace, {
    dryRun: opts.dryRun,
    now: opts.now,
    beforeScale: images.length
      ? () => restoreVolumes(api, namespace, images, io)
      : undefined,
  });
}

/** demote: the destinations receive again. */
export async function resumeVolumes(
  api: ApiCluster,
  namespace: string,
  dryRun: boolean,
): Promise<number> {
  let n = 0;
  for (const rd of await ours(api, REPLICATION_DESTINATIONS, namespace)) {
    if (dryRun) n += (rd.spec as Json)?.paused === true ? 1 : 0;
    else if (await setPaused(api, rd, false)) n++;
  }
  return n;
}

/** failback: no manual trigger left behind by a cutover. */
export async function clearManualTriggers(
  api: ApiCluster,
  namespace: string,
): Promise<void> {
  for (const rs of await ours(api, REPLICATION_SOURCES, namespace)) {
    await modifySpec(api, REPLICATION_SOURCES, rs, (spec) => {
      const trigger = { ...(spec.trigger as Json) };
      if (trigger.manual === undefined) return undefined;
      delete trigger.manual;
      return { ...spec, trigger };
    });
  }
}

/** How long the final volume sync may take (VolSync transfers the delta). */
export const FINAL_VOLUME_SYNC_TIMEOUT_MS = 30 * 60_000;

/**
 * cutover: one last transfer per volume, the source being parked. Done when
 * each ReplicationSource reports the trigger handled (status.lastManualSync)
 * and each destination a transfer finished after the trigger. A rehearsal
 * (--dry-run) sets the triggers in memory and does not wait.
 */
export async function finalVolumeSync(
  source: ApiCluster,
  sourceNs: string,
  dr: ApiCluster,
  drNs: string,
  io: WorkflowIo,
  opts: { rehearsal: boolean; timeoutMs?: number },
): Promise<Step<void>> {
  const sources = await ours(source, REPLICATION_SOURCES, sourceNs);
  if (sources.length === 0) return done(undefined);
  const started = io.now();
  const token = `cutover-${started.getTime()}`;
  for (const rs of sources) {
    await modifySpec(source, REPLICATION_SOURCES, rs, (spec) => ({
      ...spec,
      paused: undefined,
      trigger: { manual: token },
    }));
  }
  io.out(`final volume sync: ${sources.length} volume(s), trigger ${token}`);
  if (opts.rehearsal) {
    // stdout is the plan; what the restore will start from is a note.
    for (const v of await volumeImages(dr, drNs, io.now())) {
      io.err(
        `note: ${describeImage(v)}; promote restores from the newer image ` +
          `the final volume sync makes`,
      );
    }
    return done(undefined);
  }
  const timeoutMs = opts.timeoutMs ?? FINAL_VOLUME_SYNC_TIMEOUT_MS;
  const since = Math.floor(started.getTime() / 1000) * 1000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await pendingTransfers(
      source,
      sourceNs,
      dr,
      drNs,
      token,
      since,
    );
    if (left.length === 0) break;
    if (Date.now() > deadline) {
      return stop(
        `final volume sync did not finish for ${left.join(", ")}; ` +
          `source stays parked, DR not promoted; re-run to finish`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  io.out("final volume sync: done");
  return done(undefined);
}

async function pendingTransfers(
  source: ApiCluster,
  sourceNs: string,
  dr: ApiCluster,
  drNs: string,
  token: string,
  since: number,
): Promise<string[]> {
  const left: string[] = [];
  const rds = new Map(
    (await ours(dr, REPLICATION_DESTINATIONS, drNs)).map((
      rd,
    ) => [rd.metadata.annotations![ANNOTATION_PVC], rd]),
  );
  for (const rs of await ours(source, REPLICATION_SOURCES, sourceNs)) {
    const pvc = rs.metadata.annotations![ANNOTATION_PVC];
    const handled = (rs.status as Json | undefined)?.lastManualSync === token;
    const last = Date.parse(lastSyncOf(rds.get(pvc)) ?? "");
    if (!handled || !(last >= since)) left.push(pvc);
  }
  return left;
}
