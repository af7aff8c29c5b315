/** The kubeconfig a simulated cluster hands out (token auth, CA data inline). */

/** What one kubeconfig names. */
export interface KubeconfigParts {
  cluster: string;
  server: string;
  caPem: string;
  user: string;
  token: string;
}

/** A single-context kubeconfig as YAML (what kubectl and client-node load). */
export function kubeconfigYaml(p: KubeconfigParts): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${p.cluster}`,
    "  cluster:",
    `    server: ${p.server}`,
    `    certificate-authority-data: ${btoa(p.caPem)}`,
    "users:",
    `- name: ${p.user}`,
    "  user:",
    `    token: ${p.token}`,
    "contexts:",
    `- name: ${p.cluster}`,
    "  context:",
    `    cluster: ${p.cluster}`,
    `    user: ${p.user}`,
    `current-context: ${p.cluster}`,
    "",
  ].join("\n");
}
