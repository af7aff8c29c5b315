/**
 * Failback's optional first step: what changed on DR while it ran goes back
 * to the source, through the same engine run in the other direction.
 *
 * Which DR objects go back: the replication's copies, and objects born on
 * DR while it was promoted (no ownership label, created at or after the
 * promote). Older objects without our label belong to the DR cluster (its
 * own Secrets, quotas) and stay there, as do the objects the cluster makes
 * in every namespace (`default` ServiceAccount, CA bundle). Creation times
 * are the DR server's, the promoted mark is the promoting machine's: their
 * clocks are assumed to agree within about a second. Only what the
 * replication copies goes back (its types, selector and ignore rules), so
 * nothing comes back that the next sync would not copy again.
 *
 * Every value mapping of the replication is undone first (lib/sync/
 * reverse.ts): DR hosts, ingress and storage classes, access modes never
 * reach the source. If any value cannot be reversed, nothing is written and
 * each one is named (object, field, why); DR keeps running.
 *
 * The source is written through SourceLens (source-lens.ts): compared like
 * copies, written without our marks; prune and immutable-field recreation
 * are off, so nothing on the source is ever deleted. Workloads arrive parked (as every copy does), with the counts they had on
 * DR in original-replicas; failback then starts them from those counts.
 *
 * Objects born on DR are source objects from now on; their DR twins get
 * the replication's marks, so demote parks them and the next sync updates
 * them as the copies they now are (never NotOwned).
 */
import {
  ANNOTATION_PROMOTED,
  ANNOTATION_SOURCE,
  LABEL_REPLICATION,
  LABEL_SOURCE_CLUSTER,
} from "../api/v1alpha1.ts";
import type { ConfigOf } from "../cli/commands.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import type { ClusterReader } from "../engine/ports.ts";
import { isClusterMade } from "../sync/cluster-made.ts";
import { copyDecision } from "../sync/filter.ts";
import { ownerLabelValue } from "../sync/names.ts";
import { type ResolvedSpec, resolveSpec } from "../sync/replication-spec.ts";
import {
  describeIrreversible,
  reverseCopy,
  type ReversibleRules,
} from "../sync/reverse.ts";
import {
  type ApiResource,
  apiVersionOf,
  type KubeObject,
} from "../sync/types.ts";
import type { OpenCluster } from "./clusters.ts";
import { done, type Step, stop, type WorkflowIo } from "./io.ts";
import { plural } from "./report.ts";
import {
  CLI_OWNER_PREFIX,
  cliSyncInput,
  replicationSpecOf,
} from "./sync-setup.ts";
import { passOrStop } from "./sync.ts";
import { SourceLens, SYNC_BACK_OWNER_PREFIX } from "./source-lens.ts";

const NO_MAPPINGS: ReversibleRules = {
  storageClassMappings: [],
  accessModeMappings: [],
  ingressHostRewrites: [],
  ingressClassMappings: [],
};

/** The DR objects going back, already reversed, by type. */
interface BackSet {
  objects: Map<ApiResource, KubeObject[]>;
  /** DR objects born while promoted, as read (to be marked as copies). */
  born: { type: ApiResource; object: KubeObject }[];
  /** Why it must not go back: values that cannot be reversed, collisions. */
  refusals: string[];
}

/** What the promoted DR namespace tells about the failover. */
interface Failover {
  drNs: KubeObject;
  /** Ownership value of the replication whose copies are there. */
  owner: string;
  promotedAt: number;
  forward: ResolvedSpec;
}

type Origin = "copy" | "born" | "dr-own";

function originOf(o: KubeObject, f: Failover): Origin {
  // Made by the DR cluster itself, whatever its age: never ours to mark.
  if (isClusterMade(o)) return "dr-own";
  const owner = o.metadata.labels?.[LABEL_REPLICATION];
  if (owner === undefined) {
    const created = Date.parse(o.metadata.creationTimestamp ?? "");
    return created >= f.promotedAt ? "born" : "dr-own";
  }
  const want = f.drNs.metadata.labels?.[LABEL_SOURCE_CLUSTER];
  const have = o.metadata.labels?.[LABEL_SOURCE_CLUSTER];
  const sameCluster = !want || !have || want === have;
  return owner === f.owner && sameCluster ? "copy" : "dr-own";
}

/** Reads and reverses every DR object that goes back; writes nothing. */
async function gatherBack(
  types: readonly ApiResource[],
  copyContext: Parameters<typeof copyDecision>[1],
  sourceNs: KubeObject | undefined,
  [source, dr]: OpenCluster[],
  pair: { source: string; destination: string },
  f: Failover,
): Promise<BackSet> {
  const out: BackSet = { objects: new Map(), born: [], refusals: [] };
  for (const type of types) {
    const [drObjects, sourceObjects] = await Promise.all([
      dr.api.list(type, pair.destination),
      source.api.list(type, pair.source),
    ]);
    const twins = new Map(sourceObjects.map((o) => [o.metadata.name, o]));
    const back: KubeObject[] = [];
    for (const listed of drObjects) {
      const o = {
        ...listed,
        apiVersion: listed.apiVersion ?? apiVersionOf(type),
        kind: listed.kind ?? type.kind,
      };
      const origin = originOf(o, f);
      if (origin === "dr-own" || !copyDecision(o, copyContext).copy) continue;
      const twin = twins.get(o.metadata.name);
      const r = reverseCopy(o, f.forward.copy, twin);
      out.refusals.push(...describeIrreversible(o, r.irreversible));
      back.push(r.object);
      if (origin !== "born") continue;
      out.born.push({ type, object: o });
      // A source object the replication leaves out (ignored, unselected)
      // is the user's own, not an older version of this one.
      const kept = twin && copyDecision(
        { ...twin, apiVersion: o.apiVersion, kind: o.kind },
        { ...copyContext, namespace: sourceNs },
      );
      if (kept && !kept.copy) {
        out.refusals.push(
          `${o.kind} ${pair.destination}/${o.metadata.name}: made on DR ` +
            `while promoted, but the source's own ${o.metadata.name} is not ` +
            `replicated (${kept.message}); it would be overwritten`,
        );
      }
    }
    out.objects.set(type, back);
  }
  return out;
}

/**
 * The spec that shaped the DR copies, found as cutover finds it: the
 * replication the DR namespace's owner value names, else the defaults of a
 * command-line sync (no mappings).
 */
async function forwardSpecOf(
  source: ApiCluster,
  owner: string,
): Promise<ResolvedSpec> {
  return (await replicationSpecOf(source, owner))?.spec ?? resolveSpec({}).spec;
}

/** Born on DR: from now on a copy of the source object it went back as. */
async function markBornTwins(
  dr: ApiCluster,
  back: BackSet,
  f: Failover,
  sourceNamespace: string,
): Promise<void> {
  const sourceCluster = f.drNs.metadata.labels?.[LABEL_SOURCE_CLUSTER];
  for (const { type, object } of back.born) {
    const labels: Record<string, string> = {
      ...object.metadata.labels,
      [LABEL_REPLICATION]: f.owner,
    };
    if (sourceCluster) labels[LABEL_SOURCE_CLUSTER] = sourceCluster;
    const annotations = {
      ...object.metadata.annotations,
      [ANNOTATION_SOURCE]: `${sourceNamespace}/${object.metadata.name}`,
    };
    await dr.replace(type, {
      ...object,
      metadata: { ...object.metadata, labels, annotations },
    });
  }
}

/** See the module comment. */
export async function syncBack(
  cfg: ConfigOf<"failback">,
  clusters: OpenCluster[],
  io: WorkflowIo,
): Promise<Step<void>> {
  const [source, dr] = clusters;
  const { source: src, destination: dst } = cfg.namespace;
  const drNs = await dr.api.getNamespace(dst);
  const promoted = drNs?.metadata.annotations?.[ANNOTATION_PROMOTED];
  if (!drNs || !promoted) {
    // DR is on standby (already failed back, or never promoted): its parked
    // copies are no news for the source, and would park it for a moment.
    io.err(`note: DR namespace ${dst} is not promoted: nothing to sync back`);
    return done(undefined);
  }
  const owner = drNs.metadata.labels?.[LABEL_REPLICATION] ??
    ownerLabelValue(CLI_OWNER_PREFIX, src);
  const failover: Failover = {
    drNs,
    owner,
    promotedAt: Date.parse(promoted),
    forward: await forwardSpecOf(source.api, owner),
  };
  const backOwner = ownerLabelValue(SYNC_BACK_OWNER_PREFIX, src);
  const { forward } = failover;
  const input = await cliSyncInput({
    source: dr.api,
    dr: new SourceLens(source.api, backOwner, dst),
    pair: { source: dst, destination: src },
    owner: backOwner,
    overrides: {
      resourceTypes: forward.resourceTypes,
      selector: forward.selector,
      // Reversed before the pass; parked, so failback starts them.
      copy: { ...forward.copy, ...NO_MAPPINGS, scaleToZero: true },
      prune: false,
      immutableFieldPolicy: "Skip",
    },
    copyNamespaceMetadata: false,
    allowMassPrune: false,
    dryRun: false,
    now: io.now(),
  });
  if (!input.ok) return input;
  const { settings } = input.value;
  const back = await gatherBack(
    settings.types,
    { ...settings.copyContext, namespace: drNs },
    await source.api.getNamespace(src),
    clusters,
    { source: src, destination: dst },
    failover,
  );
  if (back.refusals.length > 0) {
    for (const line of back.refusals) io.err(`  ${line}`);
    return stop(
      `sync back refused: ${
        plural(back.refusals.length, "problem")
      } (listed above): DR values must not reach the source; ` +
        `nothing written, failback stopped, DR still running`,
    );
  }
  const reversed: ClusterReader = {
    getNamespace: (name) => dr.api.getNamespace(name),
    list: (type) => Promise.resolve(back.objects.get(type) ?? []),
  };
  // The sync-back's marks are never stored (SourceLens), the DR cluster's
  // identity neither: comparing with it would rewrite every object.
  const backSettings = { ...settings, sourceCluster: undefined };
  const passed = await passOrStop(
    {
      ...input.value,
      settings: backSettings,
      source: reversed,
    },
    io,
    {
      command: "failback",
      step: "sync back",
      consequence: "failback stopped, DR still running",
    },
  );
  if (!passed.ok) return passed;
  await markBornTwins(dr.api, back, failover, src);
  return done(undefined);
}
