/**
 * The sync engine set up for a one-shot command: the same syncNamespace the
 * controller runs, with the resolved settings a NamespaceReplication with
 * default spec would get, and two choices a run without a controller has to make.
 *
 * Ownership (the drsyncer.io/replication value; prune and updates touch
 * only copies carrying it): `--owner` when given; else the value already on
 * the DR namespace, so a CLI sync of a namespace a controller replicates
 * acts as that replication (no conflicts, same prune set); else
 * `cli.<source namespace>`. All three are stable across runs, so re-running
 * is idempotent.
 *
 * Prune: a one-shot run has no memory for pruneSafety.delay, so orphans are
 * deleted at once; the mass-deletion guard still applies, and
 * `--allow-mass-prune` lets the blocked prunes of this run through.
 */
import {
  GROUP,
  LABEL_REPLICATION,
  type NamespacePair,
  type NamespaceReplication,
  VERSION,
} from "../api/v1alpha1.ts";
import type { ApiCluster } from "../engine/api-ports.ts";
import { discover } from "../engine/api-ports.ts";
import type { NamespaceSyncInput } from "../engine/namespace-sync.ts";
import type { ClusterReader, ClusterWriter } from "../engine/ports.ts";
import { resolveSettings, typeLookup } from "../engine/settings.ts";
import { ownerLabelValue } from "../sync/names.ts";
import {
  type ResolvedSpec,
  resolveSpec,
  type SpecResolution,
} from "../sync/replication-spec.ts";
import { done, EXIT_USAGE, type Step, stop } from "./io.ts";

/** Owner prefix of copies made by a plain `dr-syncer sync`. */
export const CLI_OWNER_PREFIX = "cli";
/** Allow token of a run with --allow-mass-prune (never "handled" before). */
const CLI_ALLOW_TOKEN = "cli";
/** API calls in flight per namespace pass. */
export const CLI_CONCURRENCY = 8;

/** What one command-line sync is asked to do. */
export interface CliSyncRequest {
  /** Read from; its discovery decides the types. */
  source: ApiCluster;
  /** Written to (the DR cluster, or the source seen by failback). */
  dr: ClusterReader & ClusterWriter;
  pair: NamespacePair;
  types?: string[];
  owner?: string;
  allowMassPrune: boolean;
  dryRun: boolean;
  now: Date;
  onProgress?: (done: number, total: number) => void;
  /** Settings other than the defaults (failback's sync-back). */
  overrides?: Partial<ResolvedSpec>;
  /** Default true, as for a NamespaceMapping. */
  copyNamespaceMetadata?: boolean;
}

async function resolveOwner(req: CliSyncRequest): Promise<string> {
  if (req.owner) return req.owner;
  const drNs = await req.dr.getNamespace(req.pair.destination);
  return drNs?.metadata.labels?.[LABEL_REPLICATION] ??
    ownerLabelValue(CLI_OWNER_PREFIX, req.pair.source);
}

/** Spec problems of settings a one-shot run replaces or does not use. */
const NOT_USED_BY_CLI = ["spec.resyncInterval:", "spec.pruneSafety.delay:"];

/**
 * The resolved spec of the NamespaceReplication an owner value names
 * (`<namespace>.<name>`), read from the source cluster; undefined when it
 * cannot be read (not a controller's copy, CRDs not installed, no rights).
 * A CLI sync of a namespace a controller replicates must shape copies the
 * way that replication does (storage-class mappings, host rewrites,
 * selector...), or it would fight the controller, and a storage-class
 * difference would even recreate PVCs.
 */
export async function replicationSpecOf(
  source: ApiCluster,
  ownerValue: string,
): Promise<SpecResolution | undefined> {
  const dot = ownerValue.indexOf(".");
  if (dot <= 0 || ownerValue.startsWith(`${CLI_OWNER_PREFIX}.`)) {
    return undefined;
  }
  const [namespace, name] = [
    ownerValue.slice(0, dot),
    ownerValue.slice(dot + 1),
  ];
  try {
    const nr = await source.client.requestJson<
      Partial<NamespaceReplication>
    >(
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/namespacereplications/${name}`,
    );
    return nr?.spec ? resolveSpec(nr.spec) : undefined;
  } catch {
    return undefined;
  }
}

/** The engine input of one CLI sync, or a usage problem (unknown type). */
export async function cliSyncInput(
  req: CliSyncRequest,
): Promise<Step<NamespaceSyncInput>> {
  const discovery = await discover(req.source.client);
  const ownerValue = await resolveOwner(req);
  const base =
    (req.overrides || req.owner
      ? undefined
      : await replicationSpecOf(req.source, ownerValue)) ?? resolveSpec({});
  const spec: ResolvedSpec = {
    ...base.spec,
    resourceTypes: req.types ? { include: req.types } : base.spec.resourceTypes,
    pruneSafety: { ...base.spec.pruneSafety, delayMs: 0 },
    ...req.overrides,
  };
  // The source cluster's identity, as the controller labels copies with it.
  const kubeSystem = await req.source.getNamespace("kube-system")
    .catch(() => undefined);
  const resolved = resolveSettings(
    { namespace: "", name: "", spec, sourceCluster: kubeSystem?.metadata.uid },
    discovery,
  );
  const problems = [
    ...resolved.problems,
    ...base.problems.filter((p) =>
      !NOT_USED_BY_CLI.some((field) => p.startsWith(field))
    ),
  ];
  if (problems.length > 0) {
    const first = problems[0].replace(
      /^spec\.resourceTypes(\.include\[\d+\])?/,
      "--types",
    );
    return stop(first, EXIT_USAGE);
  }
  const settings = {
    ...resolved.settings,
    ownerValue,
    copyContext: { ...resolved.settings.copyContext, ownerValue },
  };
  return done({
    pair: req.pair,
    copyNamespaceMetadata: req.copyNamespaceMetadata ?? true,
    settings,
    source: req.source,
    dr: req.dr,
    writer: req.dr,
    drTypeOf: typeLookup(settings.types),
    prune: {
      pendingSince: new Map(),
      allowToken: req.allowMassPrune ? { current: CLI_ALLOW_TOKEN } : {},
    },
    now: req.now,
    concurrency: CLI_CONCURRENCY,
    dryRun: req.dryRun,
    onProgress: req.onProgress,
  });
}
