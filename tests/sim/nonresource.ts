/**
 * Routing of non-resource paths: discovery (/api, /apis, /api/v1,
 * /apis/<g>, /apis/<g>/<v>) in the form the Accept header asks for, and the
 * OpenAPI v3 documents, whose hash changes whenever the served types do.
 */
import {
  aggregated,
  AGGREGATED_CONTENT_TYPE,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openapiGroupVersion,
  openapiRoot,
  wantsAggregated,
} from "./discovery.ts";
import { failure, type SimError } from "./errors.ts";
import type { Registry } from "./registry.ts";
import { json } from "./respond.ts";

/** The apiserver's 404 for a path it does not serve. */
export function notFoundPath(): SimError {
  return failure(
    404,
    "NotFound",
    "the server could not find the requested resource",
    {},
  );
}

function discovery(
  reg: Registry,
  req: Request,
  parts: string[],
  address: string,
): Response | undefined {
  if (parts.length === 1 && (parts[0] === "api" || parts[0] === "apis")) {
    const core = parts[0] === "api";
    if (wantsAggregated(req.headers.get("accept"))) {
      return json(JSON.stringify(aggregated(reg, core)), 200, {
        "content-type": AGGREGATED_CONTENT_TYPE,
      });
    }
    return json(
      JSON.stringify(core ? apiVersions(address) : apiGroupList(reg)),
    );
  }
  const list = parts[0] === "api" && parts.length === 2
    ? apiResourceList(reg, "", parts[1])
    : parts[0] === "apis" && parts.length === 3
    ? apiResourceList(reg, parts[1], parts[2])
    : undefined;
  if (list) return json(JSON.stringify(list));
  if (parts[0] === "apis" && parts.length === 2) {
    const g = (apiGroupList(reg).groups as { name: string }[]).find((x) =>
      x.name === parts[1]
    );
    if (g) {
      return json(JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...g }));
    }
  }
  return undefined;
}

/** Builds the non-resource handler of one cluster. */
export function makeNonResourceHandler(
  reg: Registry,
  address: () => string,
): (req: Request, path: string) => Response {
  let openapiHash = "";
  reg.onChange(() => openapiHash = "");
  const hash = () =>
    openapiHash ||= crypto.randomUUID().replaceAll("-", "").toUpperCase();
  return (req, path) => {
    const parts = path.split("/").filter(Boolean);
    const found = discovery(reg, req, parts, address());
    if (found) return found;
    if (path === "/openapi/v3") {
      return json(JSON.stringify(openapiRoot(reg, hash())));
    }
    if (parts[0] === "openapi" && parts[1] === "v3") {
      const doc = openapiGroupVersion(reg, parts.slice(3).join("/"));
      if (doc) return json(JSON.stringify(doc));
    }
    throw notFoundPath();
  };
}
