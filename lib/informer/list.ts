/**
 * Paginated LIST of one collection (limit + continue), as plain JSON. List
 * items come without kind/apiVersion from a real API server, so they are
 * filled in from the list's own.
 */
import type { ClusterClient } from "../kube/client.ts";
import type { KubeObject } from "../sync/types.ts";
import { collectionPath as resourceCollectionPath } from "../kube/paths.ts";

/** A resource type by group/version/plural. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
}

/** A collection: a type, a namespace or all, a label selector. */
export interface InformerSpec {
  type: ResourceType;
  /** Absent: all namespaces (or a cluster-scoped type). */
  namespace?: string;
  labelSelector?: string;
}

/** Items of a full list and the resourceVersion to watch from. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion?: string;
}

/** Default page size, as kubectl's. */
export const DEFAULT_PAGE_SIZE = 500;

interface ListPage {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

/** URL path of a collection. */
export function collectionPath(spec: InformerSpec): string {
  return resourceCollectionPath(spec.type, spec.namespace);
}

/** Lists every page of `spec`; an expired continue token throws 410. */
export async function listAll(
  client: ClusterClient,
  spec: InformerSpec,
  signal: AbortSignal,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<ListResult> {
  const items: KubeObject[] = [];
  let page: ListPage;
  let token: string | undefined;
  do {
    page = await client.requestJson<ListPage>(collectionPath(spec), {
      query: {
        limit: pageSize,
        continue: token,
        labelSelector: spec.labelSelector,
      },
      signal,
    });
    const kind = page.kind?.replace(/List$/, "") ?? "";
    for (const item of page.items ?? []) {
      items.push({
        ...item,
        kind: item.kind ?? kind,
        apiVersion: item.apiVersion ?? page.apiVersion ?? "",
      });
    }
    token = page.metadata?.continue || undefined;
  } while (token);
  return { items, resourceVersion: page.metadata?.resourceVersion };
}
