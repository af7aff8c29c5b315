/**
 * An index over API discovery: one entry per group+resource (at its
 * preferred version) and name lookup by plural or plural.group.
 */
import { type ApiResource, groupResource } from "./types.ts";
import { compareStrings } from "./names.ts";

/** A discovery entry; `preferred` marks the preferred version of a group. */
export type DiscoveredResource = ApiResource & { preferred?: boolean };

/** Discovery indexed by groupResource and by bare plural. */
export interface Catalog {
  byGroupResource: Map<string, ApiResource>;
  byPlural: Map<string, string[]>;
}

/** Result of looking a name up in the catalog. */
export type Lookup =
  | { kind: "found"; groupResources: string[] }
  | { kind: "unknown" }
  | { kind: "ambiguous"; groupResources: string[] };

function stripPreferred(r: DiscoveredResource): ApiResource {
  const { group, version, resource, kind, namespaced, verbs } = r;
  return { group, version, resource, kind, namespaced, verbs };
}

function isTopLevel(r: DiscoveredResource): boolean {
  // Subresources ("pods/log") are not types of their own.
  return typeof r?.resource === "string" && r.resource !== "" &&
    !r.resource.includes("/") && typeof r.group === "string";
}

/**
 * Builds the catalog. A type listed at several versions is kept once: the
 * entry flagged preferred, else the first listed (discovery lists a group's
 * preferred version first).
 */
export function buildCatalog(
  discovery: readonly DiscoveredResource[],
): Catalog {
  const chosen = new Map<string, DiscoveredResource>();
  for (const r of discovery) {
    if (!isTopLevel(r)) continue;
    const gr = groupResource(r);
    const current = chosen.get(gr);
    if (!current || (r.preferred && !current.preferred)) chosen.set(gr, r);
  }
  const byGroupResource = new Map<string, ApiResource>();
  const byPlural = new Map<string, string[]>();
  for (const [gr, r] of chosen) {
    byGroupResource.set(gr, stripPreferred(r));
    byPlural.set(r.resource, [...(byPlural.get(r.resource) ?? []), gr]);
  }
  return { byGroupResource, byPlural };
}

/**
 * Finds a lower-case name: plural.group exactly; a bare plural means the
 * core group if it serves one, else the only group serving it, else it is
 * ambiguous.
 */
export function lookup(catalog: Catalog, name: string): Lookup {
  if (name.includes(".")) {
    return catalog.byGroupResource.has(name)
      ? { kind: "found", groupResources: [name] }
      : { kind: "unknown" };
  }
  const matches = [...(catalog.byPlural.get(name) ?? [])].sort(compareStrings);
  if (matches.length === 0) return { kind: "unknown" };
  // A core type's groupResource is its bare plural.
  if (matches.includes(name)) return { kind: "found", groupResources: [name] };
  if (matches.length === 1) return { kind: "found", groupResources: matches };
  return { kind: "ambiguous", groupResources: matches };
}

/** " (did you mean x?)" when the name is a kind, else "". */
export function kindHint(catalog: Catalog, name: string): string {
  const hits = [...catalog.byGroupResource.entries()]
    .filter(([, r]) => String(r.kind).toLowerCase() === name)
    .map(([gr]) => gr)
    .sort(compareStrings);
  return hits.length > 0 ? ` (did you mean ${hits.join(" or ")}?)` : "";
}
