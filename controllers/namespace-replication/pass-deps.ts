/**
 * What a NamespaceReplication pass needs from its controller, apart from
 * the pass module so the readers can name it without an import cycle.
 */
import type { ClusterClient } from "../../lib/kube/client.ts";
import type { ControllerContext } from "../context.ts";
import type { DiscoveryCache } from "./discovery-cache.ts";
import type { SourceEventHandler } from "./live.ts";
import type { RemoteCaches } from "./remote-caches.ts";

export interface PassDeps {
  ctx: ControllerContext;
  discovery: DiscoveryCache;
  /** Discovery of a remote cluster (cached per client). */
  drDiscovery(client: ClusterClient): DiscoveryCache;
  remoteCaches: RemoteCaches;
  onSourceEvent: SourceEventHandler;
  /** How long a pass waits for its watch caches. */
  cacheSyncTimeoutMs?: number;
  /** An object was written or checked: a long pass is moving (liveness). */
  onProgress?: () => void;
}
