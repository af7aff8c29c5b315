/**
 * Turns a NamespaceMapping spec plus the source cluster's namespaces into
 * source -> destination pairs.
 *
 * Decisions:
 * - Exactly one of sourceNamespace / namespaceSelector; an empty string
 *   counts as unset (Kubernetes omitempty style). destinationNamespace goes
 *   only with sourceNamespace, destinationNameTemplate only with a selector.
 * - The template must contain `{name}` (a fixed name would merge every
 *   selected namespace into one) and no other `{...}` placeholder. A
 *   namespace whose destination name comes out invalid (e.g. longer than 63
 *   characters) is reported and left out; the others still map.
 * - Namespaces that exist but must not be synced now are `skipped`, with
 *   their destination when known; the reconciler leaves that DR namespace
 *   untouched (no writes, no prunes):
 *   Terminating (deletionTimestamp or phase Terminating: its objects are
 *   vanishing, and a deletion must never reach DR as a mass prune),
 *   Ignored (`drsyncer.io/ignore: "true"`, which wins over an explicit
 *   sourceNamespace), ProtectedNamespace (a selector never picks the
 *   controller's namespace or a kube-* one, and a protected destination it
 *   yields is left out unless allowProtectedNamespaces).
 * - Protected namespaces named explicitly (protected-namespaces.ts) are
 *   `refused`: the mapping is not Ready (reason ProtectedNamespace).
 * - A named source that does not exist is `missing` (condition
 *   SourceNamespaceMissing); so is a source listed in `previous` (the last
 *   status.namespaces) that no longer exists. Missing never yields a pair,
 *   so it can never lead to deletes.
 * Output is sorted by source name.
 */
import type { NamespaceMappingSpec, NamespacePair } from "../api/v1alpha1.ts";
import { NAMESPACE_MAPPING_DEFAULTS } from "../api/v1alpha1.ts";
import type { KubeObject } from "./types.ts";
import { matchesSelector } from "./label-selector.ts";
import { compareStrings, dns1123LabelProblem } from "./names.ts";
import { isIgnored } from "./filter.ts";
import {
  destinationProtection,
  sourceProtection,
} from "./protected-namespaces.ts";

import {
  isSet,
  NAME_PLACEHOLDER,
  validateNamespaceMapping,
} from "./namespace-mapping-validate.ts";

export { NAME_PLACEHOLDER, validateNamespaceMapping };
export {
  type DestinationConflict,
  detectDestinationConflicts,
  type MappingPairs,
} from "./namespace-conflicts.ts";

const TERMINATING_PHASE = "Terminating";

/** Why an existing source namespace is not synced now. */
export type NamespaceSkipReason =
  | "Terminating"
  | "Ignored"
  | "ProtectedNamespace";

/** A source namespace left alone; its DR side is not touched. */
export interface SkippedNamespace {
  source: string;
  destination?: string;
  reason: NamespaceSkipReason;
}

/** The outcome; with problems in the spec itself, nothing is paired. */
export interface NamespaceResolution {
  pairs: NamespacePair[];
  skipped: SkippedNamespace[];
  missing: string[];
  problems: string[];
  /** Explicitly named protected namespaces (reason ProtectedNamespace). */
  refused: string[];
}

/** Where the mapping is evaluated. */
export interface ResolveOptions {
  /** The controller's own namespace (never a source). */
  controllerNamespace?: string;
}

function isTerminating(ns: KubeObject): boolean {
  const status = ns.status as { phase?: string } | undefined;
  return Boolean(ns.metadata.deletionTimestamp) ||
    status?.phase === TERMINATING_PHASE;
}

function skipReason(ns: KubeObject): NamespaceSkipReason | undefined {
  if (isIgnored(ns.metadata)) return "Ignored";
  if (isTerminating(ns)) return "Terminating";
  return undefined;
}

function indexByName(
  namespaces: readonly KubeObject[],
): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const ns of Array.isArray(namespaces) ? namespaces : []) {
    const name = ns?.metadata?.name;
    if (typeof name === "string" && name !== "" && !out.has(name)) {
      out.set(name, ns);
    }
  }
  return out;
}

function resolveByName(
  spec: NamespaceMappingSpec,
  index: Map<string, KubeObject>,
  out: NamespaceResolution,
  opts: ResolveOptions,
): void {
  const source = spec.sourceNamespace!;
  const destination = isSet(spec.destinationNamespace)
    ? spec.destinationNamespace!
    : source;
  const allow = spec.allowProtectedNamespaces === true;
  const refused =
    sourceProtection(source, opts.controllerNamespace, allow, true) ??
      destinationProtection(destination, opts.controllerNamespace, allow);
  if (refused) {
    out.refused.push(refused);
    return;
  }
  const ns = index.get(source);
  if (!ns) {
    out.missing.push(source);
    return;
  }
  const reason = skipReason(ns);
  if (reason) out.skipped.push({ source, destination, reason });
  else out.pairs.push({ source, destination });
}

function resolveBySelector(
  spec: NamespaceMappingSpec,
  index: Map<string, KubeObject>,
  out: NamespaceResolution,
  opts: ResolveOptions,
): void {
  const allow = spec.allowProtectedNamespaces === true;
  const own = opts.controllerNamespace;
  const template = spec.destinationNameTemplate ??
    NAMESPACE_MAPPING_DEFAULTS.destinationNameTemplate;
  for (const [source, ns] of index) {
    if (!matchesSelector(ns.metadata.labels, spec.namespaceSelector)) continue;
    const destination = template.replaceAll(NAME_PLACEHOLDER, source);
    const problem = dns1123LabelProblem(destination);
    if (problem) {
      out.problems.push(
        `spec.destinationNameTemplate: gives "${destination}" for namespace "${source}", which ${problem}`,
      );
      continue;
    }
    const isProtected = sourceProtection(source, own, allow, false) ??
      destinationProtection(destination, own, allow);
    const reason = isProtected ? "ProtectedNamespace" : skipReason(ns);
    if (reason) out.skipped.push({ source, destination, reason });
    else out.pairs.push({ source, destination });
  }
}

/**
 * Resolves a mapping against the source namespaces (Namespace objects).
 * `previous`: the pairs last reported in status, to notice vanished sources.
 */
export function resolveNamespaceMapping(
  spec: NamespaceMappingSpec,
  namespaces: readonly KubeObject[],
  previous: readonly NamespacePair[] = [],
  opts: ResolveOptions = {},
): NamespaceResolution {
  const out: NamespaceResolution = {
    pairs: [],
    skipped: [],
    missing: [],
    problems: [],
    refused: [],
  };
  out.problems = validateNamespaceMapping(spec);
  if (out.problems.length > 0) return out;
  const index = indexByName(namespaces);
  if (isSet(spec.sourceNamespace)) resolveByName(spec, index, out, opts);
  else resolveBySelector(spec, index, out, opts);
  const bySource = (a: { source: string }, b: { source: string }) =>
    compareStrings(a.source, b.source);
  out.pairs.sort(bySource);
  out.skipped.sort(bySource);
  out.missing.sort(compareStrings);
  out.problems.sort(compareStrings);
  return withVanishedSources(out, previous, (name) => index.has(name));
}

/**
 * `resolution` with the sources of `previous` (the last status.namespaces)
 * that no longer exist added to `missing`; a spec with problems pairs
 * nothing, so nothing vanished from it.
 */
export function withVanishedSources(
  resolution: NamespaceResolution,
  previous: readonly NamespacePair[],
  exists: (namespace: string) => boolean,
): NamespaceResolution {
  if (resolution.problems.length > 0) return resolution;
  const vanished = previous.map((p) => p.source).filter((source) =>
    !exists(source) && !resolution.missing.includes(source)
  );
  if (vanished.length === 0) return resolution;
  const missing = [...new Set([...resolution.missing, ...vanished])];
  return { ...resolution, missing: missing.sort(compareStrings) };
}
