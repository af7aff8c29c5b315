/**
 * URL parsing: splits an API path into group/version/namespace/resource/
 * name/subresource and derives the RBAC verb, like the apiserver's
 * RequestInfo resolver.
 */

/** A parsed resource request. */
export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  ns?: string;
  name?: string;
  subresource?: string;
  verb: string;
}

/** Parses /api/v1/... and /apis/<g>/<v>/...; undefined for non-resource paths. */
export function parseResourcePath(
  method: string,
  path: string,
  params: URLSearchParams,
): ResourceRequest | undefined {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group = "";
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  const version = parts[0] === "api" ? parts[1] : parts[2];
  let ns: string | undefined;
  // "namespaces/<ns>/<resource>..." addresses namespaced resources, except
  // "namespaces/<name>" and "namespaces/<name>/status|finalize" themselves.
  if (
    rest[0] === "namespaces" && rest.length >= 3 && rest[2] !== "status" &&
    rest[2] !== "finalize"
  ) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return undefined;
  const watch = params.get("watch") === "true" || params.get("watch") === "1";
  return {
    group,
    version,
    resource,
    ns,
    name,
    subresource,
    verb: verbOf(method, name !== undefined, watch),
  };
}

function verbOf(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      return watch ? "watch" : named ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}
