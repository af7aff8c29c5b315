/**
 * ClusterReader/ClusterWriter straight on the API (no caches): the `sync`,
 * `promote` and other commands, and fresh reads after a 409.
 */
import type { ClusterClient } from "../kube/client.ts";
import { isNotFound } from "../kube/errors.ts";
import { listAll } from "../informer/list.ts";
import { collectionPath, objectPath } from "../kube/paths.ts";
import { discoverResources } from "../kube/discovery.ts";
import type { DiscoveredResource } from "../sync/resource-types.ts";
import {
  type ApiResource,
  apiVersionOf,
  type KubeObject,
} from "../sync/types.ts";
import {
  type ClusterReader,
  type ClusterWriter,
  type DeletePrecondition,
  NAMESPACES,
} from "./ports.ts";

/** Name under which our writes appear in managedFields. */
export const FIELD_MANAGER = "dr-syncer";

/** See the module comment. */
export class ApiCluster implements ClusterReader, ClusterWriter {
  constructor(readonly client: ClusterClient) {}

  getNamespace(name: string): Promise<KubeObject | undefined> {
    return this.get(NAMESPACES, undefined, name);
  }

  async list(type: ApiResource, namespace: string): Promise<KubeObject[]> {
    const never = new AbortController().signal;
    const { items } = await listAll(this.client, { type, namespace }, never);
    // Items of a list may lack apiVersion/kind; the type knows them.
    return items.map((o) => ({
      ...o,
      apiVersion: apiVersionOf(type),
      kind: type.kind,
    }));
  }

  async get(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    try {
      return await this.client.requestJson<KubeObject>(
        objectPath(type, namespace, name),
      );
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  create(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.client.requestJson<KubeObject>(
      collectionPath(
        type,
        type.namespaced ? object.metadata.namespace : undefined,
      ),
      { method: "POST", body: object, query: { fieldManager: FIELD_MANAGER } },
    );
  }

  replace(type: ApiResource, object: KubeObject): Promise<KubeObject> {
    return this.client.requestJson<KubeObject>(
      objectPath(type, object.metadata.namespace, object.metadata.name),
      { method: "PUT", body: object, query: { fieldManager: FIELD_MANAGER } },
    );
  }

  async remove(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    precondition?: DeletePrecondition,
  ): Promise<void> {
    await this.client.requestJson(objectPath(type, namespace, name), {
      method: "DELETE",
      body: {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Background",
        ...(precondition?.uid
          ? { preconditions: { uid: precondition.uid } }
          : {}),
      },
    });
  }
}

/** Discovery of `client`'s cluster (aggregated form when served). */
export function discover(client: ClusterClient): Promise<DiscoveredResource[]> {
  return discoverResources((path, accept) =>
    client.requestJson(path, { accept })
  );
}
