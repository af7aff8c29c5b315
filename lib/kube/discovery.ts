/**
 * API discovery: which resource types a cluster serves. Aggregated discovery
 * (apidiscovery.k8s.io/v2) answers in two requests; servers that only speak
 * the legacy form get one request per group version. Preferred versions are
 * flagged so CRs are read at their preferred version.
 */
import type { DiscoveredResource } from "../sync/resource-types.ts";

export const AGGREGATED_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

interface AggregatedResource {
  resource: string;
  responseKind?: { kind?: string };
  scope?: string;
  verbs?: string[];
}

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: { version: string; resources?: AggregatedResource[] }[];
  }[];
}

/** Flattens an APIGroupDiscoveryList; the first version of a group is preferred. */
export function parseAggregated(list: AggregatedList): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  for (const group of list.items ?? []) {
    const name = group.metadata?.name ?? "";
    (group.versions ?? []).forEach((v, index) => {
      for (const r of v.resources ?? []) {
        out.push({
          group: name,
          version: v.version,
          resource: r.resource,
          kind: r.responseKind?.kind ?? "",
          namespaced: r.scope === "Namespaced",
          verbs: r.verbs ?? [],
          preferred: index === 0,
        });
      }
    });
  }
  return out;
}

interface ApiResourceList {
  resources?: {
    name: string;
    kind: string;
    namespaced: boolean;
    verbs?: string[];
  }[];
}

/** Entries of one legacy APIResourceList (subresources included; filtered later). */
export function parseResourceList(
  group: string,
  version: string,
  list: ApiResourceList,
  preferred: boolean,
): DiscoveredResource[] {
  return (list.resources ?? []).map((r) => ({
    group,
    version,
    resource: r.name,
    kind: r.kind,
    namespaced: r.namespaced,
    verbs: r.verbs ?? [],
    preferred,
  }));
}

/** GET a path as JSON with an Accept header. */
export type GetJson = (path: string, accept?: string) => Promise<unknown>;

interface GroupList {
  groups?: {
    name: string;
    versions?: { groupVersion: string; version: string }[];
    preferredVersion?: { version: string };
  }[];
}

async function legacyDiscovery(get: GetJson): Promise<DiscoveredResource[]> {
  const core = await get("/api/v1") as ApiResourceList;
  const out = parseResourceList("", "v1", core, true);
  const groups = (await get("/apis") as GroupList).groups ?? [];
  const lists = await Promise.all(
    groups.flatMap((g) =>
      (g.versions ?? []).map(async (v) => {
        const list = await get(`/apis/${v.groupVersion}`) as ApiResourceList;
        const preferred =
          (g.preferredVersion?.version ?? g.versions?.[0]?.version) ===
            v.version;
        return parseResourceList(g.name, v.version, list, preferred);
      })
    ),
  );
  return out.concat(...lists);
}

function isAggregated(doc: unknown): doc is AggregatedList {
  return (doc as AggregatedList)?.kind === "APIGroupDiscoveryList";
}

/** Every resource the server lists, aggregated form first. */
export async function discoverResources(
  get: GetJson,
): Promise<DiscoveredResource[]> {
  const [core, groups] = await Promise.all([
    get("/api", AGGREGATED_ACCEPT),
    get("/apis", AGGREGATED_ACCEPT),
  ]);
  if (isAggregated(core) && isAggregated(groups)) {
    return [...parseAggregated(core), ...parseAggregated(groups)];
  }
  return await legacyDiscovery(get);
}
