/**
 * The CRD manifests, embedded in the binary: `deno compile` follows these
 * text imports, so `dr-syncer crds` needs no files next to it.
 */
import { parse } from "yaml";
import remoteClustersYaml from "./remoteclusters.yaml" with { type: "text" };
import namespaceMappingsYaml from "./namespacemappings.yaml" with {
  type: "text",
};
import namespaceReplicationsYaml from "./namespacereplications.yaml" with {
  type: "text",
};

/** The three manifests as YAML text, in apply order. */
export const CRD_YAML: readonly string[] = [
  remoteClustersYaml,
  namespaceMappingsYaml,
  namespaceReplicationsYaml,
];

/** The parts of a CustomResourceDefinition that code and tests read. */
export interface CrdManifest {
  apiVersion: string;
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: CrdVersion[];
  };
}

/** One served version of a CRD. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: { status?: Record<string, never> };
  additionalPrinterColumns?: {
    name: string;
    type: string;
    jsonPath: string;
    priority?: number;
  }[];
  schema: { openAPIV3Schema: Record<string, unknown> };
}

/** The three manifests parsed, in the same order as CRD_YAML. */
export const CRDS: readonly CrdManifest[] = CRD_YAML.map((text) =>
  parse(text) as CrdManifest
);

/** All manifests as one `---` separated stream, for `kubectl apply -f -`. */
export function crdYamlStream(): string {
  return CRD_YAML.map((text) => `---\n${text.trimEnd()}\n`).join("");
}
