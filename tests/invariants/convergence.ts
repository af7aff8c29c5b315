/**
 * Invariant (c), pure: after quiescence every owned DR copy equals the
 * transform of its source (lib/sync's desiredCopy, compared as the engine
 * compares: desired ⊆ live, labels/annotations exact) and nothing is
 * missing. Judged over snapshots of both clusters and the harness's model
 * of the mappings in force now.
 */
import type { NamespaceReplicationSpec } from "../../lib/api/v1alpha1.ts";
import { compareObjects } from "../../lib/sync/compare.ts";
import { desiredCopy } from "../../lib/sync/desired-copy.ts";
import { groupKindsOf } from "../../lib/sync/filter.ts";
import { ownerLabelValue } from "../../lib/sync/names.ts";
import { resolveSpec } from "../../lib/sync/replication-spec.ts";
import {
  type ApiResource,
  type KubeObject,
  objectKey,
} from "../../lib/sync/types.ts";
import { isOurs, LABEL_ADOPTED, type Violation } from "./checks.ts";

/** A source namespace and the DR namespace it is mapped to now. */
export interface Pair {
  source: string;
  destination: string;
}

/** Both clusters as they are now, and what is configured. */
export interface ConvergenceInput {
  replication: { namespace: string; name: string };
  spec: Partial<NamespaceReplicationSpec>;
  types: readonly ApiResource[];
  sourceCluster?: string;
  /** Valid pairs in force (protected ones already left out). */
  pairs: readonly Pair[];
  /** Source namespaces that exist, by name. */
  sourceNamespaces: ReadonlyMap<string, KubeObject>;
  /** Source objects of the selected types, by namespace. */
  source: ReadonlyMap<string, readonly KubeObject[]>;
  /** DR objects of the selected types, by namespace. */
  dr: ReadonlyMap<string, readonly KubeObject[]>;
  /** DR namespaces carrying the promoted mark (nothing is written there). */
  promoted: ReadonlySet<string>;
  /** The replication reports PruneBlocked: orphans may stay. */
  pruneBlocked: boolean;
}

function isDefaultSa(o: KubeObject): boolean {
  return o.kind === "ServiceAccount" && o.metadata.name === "default";
}

function pullSecretNames(o: KubeObject | undefined): string[] {
  const list = (o?.imagePullSecrets ?? []) as { name?: string }[];
  return list.map((s) => s.name ?? "");
}

/** Every way the DR side differs from what the sources ask for. */
export function checkConverged(input: ConvergenceInput): Violation[] {
  const out: Violation[] = [];
  const spec = resolveSpec(input.spec).spec;
  const ownerValue = ownerLabelValue(
    input.replication.namespace,
    input.replication.name,
  );
  const settings = {
    ownerValue,
    sourceCluster: input.sourceCluster,
    spec,
    copyContext: {
      selector: spec.selector,
      copiedGroupKinds: groupKindsOf(input.types),
      ownerValue,
    },
  };
  const owners = [ownerValue];
  const fail = (message: string) => out.push({ invariant: "c", message });
  for (const pair of input.pairs) {
    const sourceNs = input.sourceNamespaces.get(pair.source);
    if (!sourceNs || input.promoted.has(pair.destination)) continue;
    const live = new Map(
      (input.dr.get(pair.destination) ?? []).map((o) => [objectKey(o), o]),
    );
    const wanted = new Set<string>();
    for (const src of input.source.get(pair.source) ?? []) {
      const want = desiredCopy(src, settings, {
        sourceNamespace: sourceNs,
        destination: pair.destination,
      });
      if (want.kind === "drop") continue;
      wanted.add(want.key);
      if (want.kind === "keep") continue;
      const at = `${pair.destination}/${want.object.kind}/${src.metadata.name}`;
      const current = live.get(want.key);
      if (isDefaultSa(src)) {
        // Cluster-made: only the pull secrets are merged in, never labelled.
        const missing = pullSecretNames(src).filter((n) =>
          !pullSecretNames(current).includes(n)
        );
        if (missing.length > 0) fail(`${at}: pull secrets ${missing} missing`);
        if (current && isOurs(current, owners)) fail(`${at}: labelled as ours`);
        continue;
      }
      if (!current) {
        fail(`${at}: missing`);
        continue;
      }
      if (!isOurs(current, owners)) {
        // Another's object of the same name: left alone under Abort.
        if (spec.conflictPolicy === "Adopt") fail(`${at}: not adopted`);
        continue;
      }
      // Adopt's mark stays on the copy for good (it keeps prune away).
      const adoptedMark = current.metadata.labels?.[LABEL_ADOPTED] === "true";
      const expected = adoptedMark ? withAdoptedMark(want.object) : want.object;
      const cmp = compareObjects(expected, current);
      if (!cmp.equal) fail(`${at}: differs at ${cmp.paths.join(", ")}`);
    }
    if (!spec.prune || input.pruneBlocked) continue;
    for (const [key, o] of live) {
      const adopted = o.metadata.labels?.[LABEL_ADOPTED] === "true";
      if (isOurs(o, owners) && !adopted && !wanted.has(key)) {
        fail(
          `${pair.destination}/${o.kind}/${o.metadata.name}: orphan not pruned`,
        );
      }
    }
  }
  return out;
}

function withAdoptedMark(o: KubeObject): KubeObject {
  const labels = { ...o.metadata.labels, [LABEL_ADOPTED]: "true" };
  return { ...o, metadata: { ...o.metadata, labels } };
}
