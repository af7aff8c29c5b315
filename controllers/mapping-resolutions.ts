/**
 * Each NamespaceMapping resolved once against the source namespaces, and
 * shared by its two readers: the NamespaceMapping reconciler (status,
 * conflicts between mappings) and the replication passes (pairs, claims on
 * a DR cluster). An answer holds until the mapping or any source namespace
 * changes.
 */
import type {
  NamespaceMappingSpec,
  NamespacePair,
} from "../lib/api/v1alpha1.ts";
import type { Informer } from "../lib/informer/informer.ts";
import {
  type NamespaceResolution,
  resolveNamespaceMapping,
  withVanishedSources,
} from "../lib/sync/namespace-mapping.ts";
import type { KubeObject } from "../lib/sync/types.ts";

interface Memo {
  resourceVersion: string;
  namespacesEpoch: number;
  resolution: NamespaceResolution;
}

/** See the module comment. */
export class MappingResolutions {
  readonly #namespaces: Pick<Informer, "list" | "get">;
  readonly #controllerNamespace: string;
  readonly #memo = new Map<string, Memo>();
  readonly #unsubscribe: () => void;
  #namespacesEpoch = 0;

  constructor(
    namespaces: Pick<Informer, "list" | "get" | "addHandler">,
    controllerNamespace: string,
  ) {
    this.#namespaces = namespaces;
    this.#controllerNamespace = controllerNamespace;
    this.#unsubscribe = namespaces.addHandler(() => this.#namespacesEpoch++);
  }

  /**
   * `nm` resolved; with `previous` (its last status.namespaces), sources
   * that vanished since are missing too.
   */
  of(
    nm: KubeObject,
    previous: readonly NamespacePair[] = [],
  ): NamespaceResolution {
    const resolution = this.#resolve(nm);
    return withVanishedSources(
      resolution,
      previous,
      (name) => this.#namespaces.get(name) !== undefined,
    );
  }

  /** A deleted mapping. */
  forget(name: string): void {
    this.#memo.delete(name);
  }

  close(): void {
    this.#unsubscribe();
    this.#memo.clear();
  }

  #resolve(nm: KubeObject): NamespaceResolution {
    const { name, resourceVersion } = nm.metadata;
    const memo = this.#memo.get(name);
    if (
      resourceVersion && memo?.resourceVersion === resourceVersion &&
      memo.namespacesEpoch === this.#namespacesEpoch
    ) {
      return memo.resolution;
    }
    const resolution = resolveNamespaceMapping(
      (nm.spec ?? {}) as NamespaceMappingSpec,
      this.#namespaces.list(),
      [],
      { controllerNamespace: this.#controllerNamespace },
    );
    if (resourceVersion) {
      this.#memo.set(name, {
        resourceVersion,
        namespacesEpoch: this.#namespacesEpoch,
        resolution,
      });
    }
    return resolution;
  }
}
