/**
 * Strategic merge patch without OpenAPI: merge-patch semantics plus the
 * well-known lists merged by their key (containers, env, ports, volumes, …)
 * and the `$patch`, `$retainKeys`, `$setElementOrder` directives.
 */
type Json = unknown;
type Obj = Record<string, Json>;

function isObj(v: Json): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** List fields merged by key in strategic merge patch (no schema needed). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid",
  resourceClaims: "name",
};

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === "ports") {
    return items.some((i) => isObj(i) && "containerPort" in i)
      ? "containerPort"
      : "port";
  }
  return MERGE_KEYS[field];
}

function mergeList(field: string, target: Json, patch: Json[]): Json[] {
  const key = mergeKeyFor(field, patch);
  if (!key || !Array.isArray(target)) {
    return patch.filter((p) => !(isObj(p) && p.$patch === "delete")).map((p) =>
      strip(p)
    );
  }
  const out = [...target];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((t) => isObj(t) && t[key] === item[key]);
    if (item.$patch === "delete") {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
    else out.push(strip(item));
  }
  return out;
}

/** Drops strategic-merge directives from a value that is inserted as is. */
function strip(v: Json): Json {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (!k.startsWith("$")) out[k] = strip(x);
  }
  return out;
}

/** Strategic merge patch without OpenAPI: merge-patch plus keyed list merges. */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") return strip(patch);
  if (patch.$patch === "delete") return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys)
    ? patch.$retainKeys as string[]
    : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  if (retain) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}
