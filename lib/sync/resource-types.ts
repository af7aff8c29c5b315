/**
 * Resolves `spec.resourceTypes {include, exclude}` against the source
 * cluster's API discovery.
 *
 * Rules (see tests/lib/sync/resource-types_test.ts):
 * - Entries are a plural (`deployments`) or plural.group
 *   (`deployments.apps`, `widgets.example.com`); the core group has no
 *   suffix. Entries are trimmed and lower-cased first: API resource and
 *   group names are always lower case, so `Deployments` can only mean
 *   `deployments` (kubectl does the same). Kinds are not accepted, but an
 *   unknown entry that names a kind gets a "did you mean" problem.
 * - `"*"` = every namespaced type whose verbs include list, watch and create
 *   (we must list, watch and later write it), minus the never-copy list.
 * - A bare plural served by several groups means the core group if it is
 *   one of them, else the only match; otherwise it is ambiguous: in include
 *   nothing is selected for it, in exclude every match is excluded (the safe
 *   side of an exclude). Both are reported as problems.
 * - An explicit include of a never-copy type is reported in
 *   ignoredNeverCopy and not honoured; one that is cluster-scoped or lacks
 *   the verbs is reported in problems. `"*"` skips all of those silently.
 * - Exclude wins over include. Unknown names are reported, never thrown: a
 *   CRD may simply not be installed yet. In exclude, a name that is not
 *   served and resembles nothing served is only a warning (nothing to
 *   exclude); one that looks like a typo of a served type is a problem.
 * - Subresources (`pods/log`) are ignored. A type listed at several
 *   versions is taken once, at the version flagged `preferred`, else the
 *   first listed.
 * Output lists are sorted (code-point order) so results are deterministic.
 */
import type { ApiResource } from "./types.ts";
import { compareStrings } from "./names.ts";
import { isNeverCopy } from "./never-copy.ts";
import {
  buildCatalog,
  type Catalog,
  type DiscoveredResource,
  kindHint,
  lookup,
} from "./resource-catalog.ts";

export type { DiscoveredResource } from "./resource-catalog.ts";

/** `spec.resourceTypes` of a NamespaceReplication. */
export interface ResourceTypesSpec {
  include?: string[];
  exclude?: string[];
}

/** The outcome; `problems` never stop the result from being usable. */
export interface ResourceTypeResolution {
  selected: ApiResource[];
  unknown: string[];
  ignoredNeverCopy: string[];
  problems: string[];
  /**
   * Exclude entries naming a type the source does not serve (a CRD not
   * installed): nothing to exclude, so not a problem, but worth a Warning.
   */
  warnings: string[];
}

/** Verbs a type needs on the source for us to copy it. */
export const REQUIRED_VERBS = ["list", "watch", "create"] as const;
/** Include entry meaning "every copyable type". */
export const WILDCARD = "*";
const SPEC_PATH = "spec.resourceTypes";

/** Whether discovery says we can list, watch and create the type. */
export function hasRequiredVerbs(r: Pick<ApiResource, "verbs">): boolean {
  const verbs = Array.isArray(r.verbs) ? r.verbs : [];
  return REQUIRED_VERBS.every((v) => verbs.includes(v));
}

interface Entries {
  wildcard: boolean;
  /** groupResource -> the entry as written */
  named: Map<string, string>;
}

interface Accumulator {
  catalog: Catalog;
  unknown: Set<string>;
  problems: string[];
  warnings: string[];
}

type Field = "include" | "exclude";

function resolveEntry(
  entry: unknown,
  at: string,
  field: Field,
  acc: Accumulator,
): string[] | typeof WILDCARD {
  if (typeof entry !== "string" || entry.trim() === "") {
    acc.problems.push(`${at}: must be a non-empty string`);
    return [];
  }
  const written = entry.trim();
  const name = written.toLowerCase();
  if (name === WILDCARD) return WILDCARD;
  const found = lookup(acc.catalog, name);
  if (found.kind === "unknown") {
    const hint = kindHint(acc.catalog, name);
    // Excluding an absent type is a no-op; a near miss of a served type
    // (a kind, a singular) stays a problem: its objects would be copied.
    if (field === "exclude" && hint === "") {
      acc.warnings.push(
        `${at}: "${written}" is not served by the source cluster; nothing to exclude`,
      );
      return [];
    }
    acc.unknown.add(written);
    acc.problems.push(`${at}: unknown resource type "${written}"${hint}`);
    return [];
  }
  if (found.kind === "ambiguous") {
    const all = found.groupResources.join(", ");
    const what = field === "include" ? "nothing selected" : "all excluded";
    acc.problems.push(
      `${at}: "${written}" is ambiguous (${all}): ${what}; write plural.group`,
    );
    if (field === "include") return [];
  }
  return found.groupResources;
}

function resolveEntries(
  list: unknown,
  field: Field,
  acc: Accumulator,
): Entries {
  const out: Entries = { wildcard: false, named: new Map() };
  const path = `${SPEC_PATH}.${field}`;
  if (!Array.isArray(list)) {
    acc.problems.push(`${path}: must be a list of strings`);
    return out;
  }
  list.forEach((entry, i) => {
    const found = resolveEntry(entry, `${path}[${i}]`, field, acc);
    if (found === WILDCARD) {
      out.wildcard = true;
      return;
    }
    for (const gr of found) {
      if (!out.named.has(gr)) out.named.set(gr, String(entry).trim());
    }
  });
  return out;
}

function wildcardSelection(catalog: Catalog): string[] {
  return [...catalog.byGroupResource.entries()]
    .filter(([, r]) => r.namespaced && hasRequiredVerbs(r) && !isNeverCopy(r))
    .map(([gr]) => gr);
}

function explicitSelection(
  catalog: Catalog,
  named: Map<string, string>,
  ignored: Set<string>,
  problems: string[],
): string[] {
  const out: string[] = [];
  for (const [gr, written] of named) {
    const r = catalog.byGroupResource.get(gr)!;
    if (isNeverCopy(r)) {
      ignored.add(written);
    } else if (!r.namespaced) {
      problems.push(
        `${SPEC_PATH}.include: "${written}" is cluster-scoped; only namespaced types are copied`,
      );
    } else if (!hasRequiredVerbs(r)) {
      problems.push(
        `${SPEC_PATH}.include: "${written}" does not support ${
          REQUIRED_VERBS.join(", ")
        }`,
      );
    } else {
      out.push(gr);
    }
  }
  return out;
}

/** Resolves include/exclude against discovery (rules in the module doc). */
export function resolveResourceTypes(
  spec: ResourceTypesSpec | undefined,
  discovery: readonly DiscoveredResource[],
): ResourceTypeResolution {
  const catalog = buildCatalog(Array.isArray(discovery) ? discovery : []);
  const acc: Accumulator = {
    catalog,
    unknown: new Set(),
    problems: [],
    warnings: [],
  };
  const include = resolveEntries(spec?.include ?? [WILDCARD], "include", acc);
  const exclude = resolveEntries(spec?.exclude ?? [], "exclude", acc);
  const ignored = new Set<string>();
  const candidates = new Set([
    ...(include.wildcard ? wildcardSelection(catalog) : []),
    ...explicitSelection(catalog, include.named, ignored, acc.problems),
  ]);
  const selected = exclude.wildcard ? [] : [...candidates]
    .filter((gr) => !exclude.named.has(gr))
    .sort(compareStrings)
    .map((gr) => catalog.byGroupResource.get(gr)!);
  if (selected.length === 0) {
    acc.problems.push(`${SPEC_PATH}: no resource type is selected`);
  }
  return {
    selected,
    unknown: [...acc.unknown].sort(compareStrings),
    ignoredNeverCopy: [...ignored].sort(compareStrings),
    problems: acc.problems.sort(compareStrings),
    warnings: acc.warnings.sort(compareStrings),
  };
}
