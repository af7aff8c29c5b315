/** URL paths of the Kubernetes REST API. */
import type { ApiResource } from "../sync/types.ts";

/** Collection path: in a namespace, or across all namespaces when absent. */
export function collectionPath(
  type: Pick<ApiResource, "group" | "version" | "resource">,
  namespace?: string,
): string {
  const base = type.group === ""
    ? `/api/${type.version}`
    : `/apis/${type.group}/${type.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${type.resource}`;
}

/** Path of one object (namespace ignored for cluster-scoped types). */
export function objectPath(
  type: Pick<ApiResource, "group" | "version" | "resource" | "namespaced">,
  namespace: string | undefined,
  name: string,
): string {
  const ns = type.namespaced ? namespace : undefined;
  return `${collectionPath(type, ns)}/${encodeURIComponent(name)}`;
}
