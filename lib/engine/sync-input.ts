/**
 * The input of one namespace pass (syncNamespace), in a file of its own so
 * the engine's parts (gather, namespace-object) can name it without an
 * import cycle through namespace-sync.ts.
 */
import type { NamespacePair } from "../api/v1alpha1.ts";
import type { CopyContext } from "../sync/filter.ts";
import type { ResolvedSpec } from "../sync/replication-spec.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import type { ClusterReader, ClusterWriter } from "./ports.ts";
import type { WriteFence } from "./write-fence.ts";
import type { WritePool } from "./write-pool.ts";

/** A replication's settings, resolved once per pass. */
export interface ReplicationSettings {
  ownerValue: string;
  /**
   * drsyncer.io/source-cluster of our copies: another source cluster's
   * copies in the same DR namespace are never updated, pruned or scaled.
   */
  sourceCluster?: string;
  spec: ResolvedSpec;
  /** Selected resource types (discovery on the source). */
  types: readonly ApiResource[];
  copyContext: Omit<CopyContext, "namespace">;
}

/** State the caller keeps between passes for one namespace. */
export interface PruneState {
  pendingSince: ReadonlyMap<string, Date>;
  allowToken: { current?: string; lastHandled?: string };
}

export interface NamespaceSyncInput {
  pair: NamespacePair;
  /** NamespaceMapping spec.copyNamespaceMetadata of the pair's mapping. */
  copyNamespaceMetadata: boolean;
  settings: ReplicationSettings;
  source: ClusterReader;
  dr: ClusterReader;
  /** Unguarded: syncNamespace sends every write through `fence`. */
  writer: ClusterWriter;
  /** Default: only the promoted question, read through `writer`. */
  fence?: WriteFence;
  /** The DR type of a planned object (kind → resource). */
  drTypeOf(o: Pick<KubeObject, "apiVersion" | "kind">): ApiResource;
  /** Whether the DR cluster serves a type (absent: assume it does). */
  drServes?(type: ApiResource): boolean;
  /** The DR cluster's write pool, shared with every namespace written there. */
  writePool?: WritePool;
  prune: PruneState;
  now: Date;
  concurrency: number;
  dryRun: boolean;
  /** Objects written or checked so far, of the total planned (progress). */
  onProgress?: (done: number, total: number) => void;
}
