/**
 * The DR Namespace object itself (contract §2 NamespaceMapping, §3: the DR
 * namespace carries the ownership label too). Callers pass the source
 * Namespace when `copyNamespaceMetadata` is on, or a bare one otherwise.
 */
import { ANNOTATION_SOURCE } from "../../api/v1alpha1.ts";
import type { KubeObject } from "../types.ts";
import { annotationsOf, type TransformContext } from "./common.ts";

/** Set by the API server to the namespace's own name (immutable there). */
export const LABEL_NAMESPACE_NAME = "kubernetes.io/metadata.name";

/**
 * Renames the copy to the destination and makes it cluster-scoped. Its
 * source annotation is the bare source name (a namespace has no namespace).
 * `spec.finalizers` is managed by the API server, so the spec is dropped.
 */
export function transformNamespace(
  copy: KubeObject,
  ctx: TransformContext,
): void {
  copy.metadata.name = ctx.opts.destinationNamespace;
  delete copy.metadata.namespace;
  if (copy.metadata.labels) delete copy.metadata.labels[LABEL_NAMESPACE_NAME];
  const source = ctx.source.metadata;
  annotationsOf(copy)[ANNOTATION_SOURCE] = typeof source?.name === "string"
    ? source.name
    : "";
  delete copy.spec;
}
