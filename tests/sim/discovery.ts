/**
 * Discovery documents built from the registry on each request, so CRD types
 * appear and disappear at once: /version, /api, /apis in aggregated (v2) and
 * legacy forms, /api/v1 and /apis/<g>/<v> APIResourceLists, and the minimal
 * /openapi/v3 that lets `kubectl create -f` validate server-side and `kubectl explain`
 * describe custom resources.
 */
import {
  groupVersion,
  type Registry,
  RESOURCE_VERBS,
  type ResourceType,
} from "./registry.ts";
/** ObjectMeta and the schemas it references, as kube-apiserver v1.37.2 publishes them. */
import META_SCHEMAS from "./openapi_meta.json" with { type: "json" };

/** Content type of aggregated discovery (kubectl requires exactly this). */
export const AGGREGATED_CONTENT_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** The /version document. */
export const VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-kube-sim",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.23.0",
  compiler: "gc",
  platform: "linux/amd64",
};

const SUB_VERBS = ["get", "patch", "update"];
const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" };

/** Whether the Accept header asks for aggregated v2 discovery. */
export function wantsAggregated(accept: string | null): boolean {
  return !!accept && /as=APIGroupDiscoveryList/.test(accept) &&
    /v=v2(;|,|$)/.test(accept.replace(/v=v2beta1/g, ""));
}

function groupsOf(
  reg: Registry,
  core: boolean,
): Map<string, Map<string, ResourceType[]>> {
  const out = new Map<string, Map<string, ResourceType[]>>();
  for (const t of reg.all()) {
    if ((t.group === "") !== core) continue;
    let versions = out.get(t.group);
    if (!versions) out.set(t.group, versions = new Map());
    const list = versions.get(t.version) ?? [];
    list.push(t);
    versions.set(t.version, list);
  }
  return out;
}

function aggregatedResource(t: ResourceType): Record<string, unknown> {
  const subresources: Record<string, unknown>[] = [];
  if (t.status) {
    subresources.push({
      subresource: "status",
      responseKind: { group: t.group, version: t.version, kind: t.kind },
      verbs: SUB_VERBS,
    });
  }
  if (t.scale) {
    subresources.push({
      subresource: "scale",
      responseKind: SCALE_KIND,
      verbs: SUB_VERBS,
    });
  }
  const r: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? "Namespaced" : "Cluster",
    singularResource: t.singular,
    verbs: t.verbs ?? RESOURCE_VERBS,
  };
  if (t.shortNames.length) r.shortNames = t.shortNames;
  if (t.categories) r.categories = t.categories;
  if (subresources.length) r.subresources = subresources;
  return r;
}

/** The aggregated APIGroupDiscoveryList for /api (core) or /apis. */
export function aggregated(
  reg: Registry,
  core: boolean,
): Record<string, unknown> {
  const items = [...groupsOf(reg, core)].map(([group, versions]) => ({
    metadata: core
      ? { creationTimestamp: null }
      : { name: group, creationTimestamp: null },
    versions: [...versions].map(([version, types]) => ({
      version,
      resources: types.map(aggregatedResource),
      freshness: "Current",
    })),
  }));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items,
  };
}

/** Legacy /api. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** Legacy /apis. */
export function apiGroupList(reg: Registry): Record<string, unknown> {
  const groups = [...groupsOf(reg, false)].map(([name, versions]) => {
    const vs = [...versions.keys()].map((v) => ({
      groupVersion: `${name}/${v}`,
      version: v,
    }));
    return { name, versions: vs, preferredVersion: vs[0] };
  });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** The APIResourceList entries of one type: main resource and subresources. */
function legacyResources(t: ResourceType): Record<string, unknown>[] {
  const base = {
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
  };
  const main: Record<string, unknown> = {
    name: t.resource,
    ...base,
    verbs: t.verbs ?? RESOURCE_VERBS,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories) main.categories = t.categories;
  const out = [main];
  if (t.status) {
    out.push({
      name: `${t.resource}/status`,
      ...base,
      singularName: "",
      verbs: SUB_VERBS,
    });
  }
  if (t.scale) {
    out.push({
      name: `${t.resource}/scale`,
      singularName: "",
      namespaced: t.namespaced,
      ...SCALE_KIND,
      verbs: SUB_VERBS,
    });
  }
  return out;
}

/** /api/v1 or /apis/<g>/<v>; undefined if nothing is served there. */
export function apiResourceList(
  reg: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = reg.all().filter((t) =>
    t.group === group && t.version === version
  );
  if (types.length === 0) return undefined;
  const resources = types.flatMap(legacyResources);
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

function gvPath(gv: string): string {
  return gv.includes("/") ? `apis/${gv}` : `api/${gv}`;
}

/** /openapi/v3: one entry per served group/version. */
export function openapiRoot(
  reg: Registry,
  hash: string,
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const t of reg.all()) {
    const p = gvPath(groupVersion(t));
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const CONVENTIONS =
  "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md";

/** The fields kube-apiserver adds to every published CRD schema. */
const CR_COMMON_PROPERTIES = {
  apiVersion: {
    description:
      `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${CONVENTIONS}#resources`,
    type: "string",
  },
  kind: {
    description:
      `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${CONVENTIONS}#types-kinds`,
    type: "string",
  },
  metadata: {
    description:
      `Standard object's metadata. More info: ${CONVENTIONS}#metadata`,
    allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }],
  },
};

/**
 * components.schemas for the CRD types of one group/version (what `kubectl explain` reads),
 * named and shaped as kube-apiserver publishes them, with ObjectMeta's schemas. Built-in
 * types have no schemas here (README "Known differences").
 */
function crdSchemas(types: ResourceType[]): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    if (!t.crd || !t.schema) continue;
    const group = t.group.split(".").reverse().join(".");
    schemas[`${group}.${t.version}.${t.kind}`] = {
      ...t.schema,
      properties: { ...t.schema.properties, ...CR_COMMON_PROPERTIES },
      "x-kubernetes-group-version-kind": [{
        group: t.group,
        kind: t.kind,
        version: t.version,
      }],
    };
  }
  if (Object.keys(schemas).length > 0) Object.assign(schemas, META_SCHEMAS);
  return schemas;
}

/** /openapi/v3/<api|apis>/...: paths carrying GVKs and the fieldValidation parameter. */
export function openapiGroupVersion(
  reg: Registry,
  gv: string,
): Record<string, unknown> | undefined {
  const types = reg.all().filter((t) => groupVersion(t) === gv);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const prefix = `/${gvPath(gv)}${
      t.namespaced ? "/namespaces/{namespace}" : ""
    }/${t.resource}`;
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const op = {
      "x-kubernetes-group-version-kind": gvk,
      parameters: [{
        name: "fieldValidation",
        in: "query",
        schema: { type: "string" },
      }],
      responses: {},
    };
    paths[prefix] = { post: op };
    paths[`${prefix}/{name}`] = { put: op, patch: op };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: VERSION.gitVersion },
    paths,
    components: { schemas: crdSchemas(types) },
  };
}
