/**
 * Namespaces DR Syncer must not read from or write into (contract §3).
 * The controller's own namespace holds the kubeconfig Secrets of every DR
 * cluster: copying it would hand the DR writer's credentials to whoever can
 * read the destination, so it is never a source, opt-in or not. kube-*
 * namespaces belong to the cluster; `default` receives stray objects. As
 * destinations, all three need the mapping's explicit opt-in.
 */

/** Why a namespace is refused; undefined when it is fine. */
export type Protection = string | undefined;

/** kube-system, kube-public, kube-node-lease and any other kube-*. */
export function isKubeNamespace(name: string): boolean {
  return name.startsWith("kube-");
}

/**
 * Whether `name` may be read as a source. `explicit`: named in
 * sourceNamespace (a selector never picks a protected namespace, so
 * `namespaceSelector: {}` cannot reach them even with the opt-in).
 */
export function sourceProtection(
  name: string,
  controllerNamespace: string | undefined,
  allowProtected: boolean,
  explicit: boolean,
): Protection {
  if (controllerNamespace !== undefined && name === controllerNamespace) {
    return `source namespace "${name}" is the controller's own namespace and is never replicated`;
  }
  if (isKubeNamespace(name) && !(allowProtected && explicit)) {
    return `source namespace "${name}" is a system namespace; ` +
      (explicit
        ? "set spec.allowProtectedNamespaces to replicate it"
        : "a namespaceSelector never picks it");
  }
  return undefined;
}

/** Whether `name` may be written as a destination. */
export function destinationProtection(
  name: string,
  controllerNamespace: string | undefined,
  allowProtected: boolean,
): Protection {
  if (allowProtected) return undefined;
  const own = controllerNamespace !== undefined && name === controllerNamespace;
  if (own || isKubeNamespace(name) || name === "default") {
    return `destination namespace "${name}" is protected; set spec.allowProtectedNamespaces to write into it`;
  }
  return undefined;
}
