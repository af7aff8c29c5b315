import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import type {
  NamespaceMappingSpec,
  NamespacePair,
} from "../../../lib/api/v1alpha1.ts";
import {
  type NamespaceResolution,
  resolveNamespaceMapping,
  validateNamespaceMapping,
} from "../../../lib/sync/namespace-mapping.ts";
import type { KubeObject } from "../../../lib/sync/types.ts";

function aNamespace(
  name: string,
  labels: Record<string, string> = {},
  extra: { terminating?: boolean; phase?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels,
      ...(extra.terminating
        ? { deletionTimestamp: "2026-11-26T08:00:00Z" }
        : {}),
    },
    ...(extra.phase ? { status: { phase: extra.phase } } : {}),
  };
}

const dr = { dr: "enabled" };
/** Valid as a namespace, one character too long once "-dr" is added. */
const long = "a".repeat(61);
const cluster: KubeObject[] = [
  aNamespace("shop-prod", dr),
  aNamespace("blog", dr),
  aNamespace("default"),
  aNamespace("kube-system", dr),
  aNamespace("quiet", { ...dr, "drsyncer.io/ignore": "true" }),
  aNamespace("leaving", dr, { terminating: true }),
  aNamespace("leaving-phase", dr, { phase: "Terminating" }),
  aNamespace(long, dr),
];

const nothing: NamespaceResolution = {
  pairs: [],
  skipped: [],
  missing: [],
  problems: [],
  refused: [],
};

const resolveCases: {
  name: string;
  spec: NamespaceMappingSpec;
  namespaces?: KubeObject[];
  previous?: NamespacePair[];
  want: Partial<NamespaceResolution>;
}[] = [
  {
    name: "by name, destination defaults to the source name",
    spec: { sourceNamespace: "shop-prod" },
    want: { pairs: [{ source: "shop-prod", destination: "shop-prod" }] },
  },
  {
    name: "by name with a destination",
    spec: { sourceNamespace: "shop-prod", destinationNamespace: "shop-dr" },
    want: { pairs: [{ source: "shop-prod", destination: "shop-dr" }] },
  },
  {
    name: "empty destination counts as unset",
    spec: { sourceNamespace: "blog", destinationNamespace: "" },
    want: { pairs: [{ source: "blog", destination: "blog" }] },
  },
  {
    name: "a missing named source is reported, never paired",
    spec: { sourceNamespace: "gone", destinationNamespace: "gone-dr" },
    want: { missing: ["gone"] },
  },
  {
    name: "a named system namespace is refused as a source",
    spec: {
      sourceNamespace: "kube-system",
      destinationNamespace: "kube-system-dr",
    },
    want: {
      refused: [
        'source namespace "kube-system" is a system namespace; set spec.allowProtectedNamespaces to replicate it',
      ],
    },
  },
  {
    name: "a named system namespace is honoured with the opt-in",
    spec: {
      sourceNamespace: "kube-system",
      destinationNamespace: "kube-system-dr",
      allowProtectedNamespaces: true,
    },
    want: { pairs: [{ source: "kube-system", destination: "kube-system-dr" }] },
  },
  {
    name: "the controller's namespace is never a source, opt-in or not",
    spec: {
      sourceNamespace: "dr-syncer-system",
      destinationNamespace: "anything",
      allowProtectedNamespaces: true,
    },
    namespaces: [aNamespace("dr-syncer-system")],
    want: {
      refused: [
        `source namespace "dr-syncer-system" is the controller's own namespace and is never replicated`,
      ],
    },
  },
  ...["kube-system", "kube-anything", "default", "dr-syncer-system"].map(
    (destination) => ({
      name: `destination ${destination} is refused without the opt-in`,
      spec: { sourceNamespace: "blog", destinationNamespace: destination },
      want: {
        refused: [
          `destination namespace "${destination}" is protected; set spec.allowProtectedNamespaces to write into it`,
        ],
      },
    }),
  ),
  {
    name: "a protected destination is accepted with the opt-in",
    spec: {
      sourceNamespace: "blog",
      destinationNamespace: "default",
      allowProtectedNamespaces: true,
    },
    want: { pairs: [{ source: "blog", destination: "default" }] },
  },
  {
    name: "ignore on a named namespace wins",
    spec: { sourceNamespace: "quiet" },
    want: {
      skipped: [{ source: "quiet", destination: "quiet", reason: "Ignored" }],
    },
  },
  {
    name: "a terminating named namespace is held (deletionTimestamp)",
    spec: { sourceNamespace: "leaving", destinationNamespace: "l-dr" },
    want: {
      skipped: [{
        source: "leaving",
        destination: "l-dr",
        reason: "Terminating",
      }],
    },
  },
  {
    name: "a terminating named namespace is held (phase)",
    spec: { sourceNamespace: "leaving-phase" },
    want: {
      skipped: [{
        source: "leaving-phase",
        destination: "leaving-phase",
        reason: "Terminating",
      }],
    },
  },
  {
    name: "by selector with the default template, sorted by source",
    spec: { namespaceSelector: { matchLabels: dr } },
    namespaces: [
      aNamespace("shop-prod", dr),
      aNamespace("blog", dr),
      aNamespace("x"),
    ],
    want: {
      pairs: [
        { source: "blog", destination: "blog" },
        { source: "shop-prod", destination: "shop-prod" },
      ],
    },
  },
  {
    name:
      "by selector: template, system, ignored, terminating and too-long names",
    spec: {
      namespaceSelector: { matchLabels: dr },
      destinationNameTemplate: "{name}-dr",
    },
    want: {
      pairs: [
        { source: "blog", destination: "blog-dr" },
        { source: "shop-prod", destination: "shop-prod-dr" },
      ],
      skipped: [
        {
          source: "kube-system",
          destination: "kube-system-dr",
          reason: "ProtectedNamespace",
        },
        { source: "leaving", destination: "leaving-dr", reason: "Terminating" },
        {
          source: "leaving-phase",
          destination: "leaving-phase-dr",
          reason: "Terminating",
        },
        { source: "quiet", destination: "quiet-dr", reason: "Ignored" },
      ],
      problems: [
        `spec.destinationNameTemplate: gives "${long}-dr" for namespace "${long}", ` +
        "which must be at most 63 characters (is 64)",
      ],
    },
  },
  {
    name:
      "an empty selector never picks kube-*, the controller's namespace or a protected destination",
    spec: { namespaceSelector: {}, destinationNameTemplate: "{name}" },
    namespaces: [
      aNamespace("kube-public"),
      aNamespace("kube-node-lease"),
      aNamespace("kube-extra"),
      aNamespace("default"),
      aNamespace("dr-syncer-system"),
      aNamespace("shop"),
    ],
    want: {
      pairs: [{ source: "shop", destination: "shop" }],
      skipped: [
        "default",
        "dr-syncer-system",
        "kube-extra",
        "kube-node-lease",
        "kube-public",
      ].map((n) => ({
        source: n,
        destination: n,
        reason: "ProtectedNamespace" as const,
      })),
    },
  },
  {
    name:
      "an empty selector with the opt-in still skips kube-* and the controller's namespace as sources",
    spec: {
      namespaceSelector: {},
      destinationNameTemplate: "{name}",
      allowProtectedNamespaces: true,
    },
    namespaces: [
      aNamespace("kube-system"),
      aNamespace("default"),
      aNamespace("dr-syncer-system"),
    ],
    want: {
      pairs: [{ source: "default", destination: "default" }],
      skipped: ["dr-syncer-system", "kube-system"].map((n) => ({
        source: n,
        destination: n,
        reason: "ProtectedNamespace" as const,
      })),
    },
  },
  {
    name: "template may use {name} twice",
    spec: {
      namespaceSelector: {},
      destinationNameTemplate: "dr-{name}-{name}",
    },
    namespaces: [aNamespace("a")],
    want: { pairs: [{ source: "a", destination: "dr-a-a" }] },
  },
  {
    name: "duplicate and nameless namespace entries are tolerated",
    spec: { namespaceSelector: {} },
    namespaces: [
      aNamespace("a"),
      aNamespace("a"),
      { apiVersion: "v1", kind: "Namespace", metadata: {} } as KubeObject,
    ],
    want: { pairs: [{ source: "a", destination: "a" }] },
  },
  {
    name: "a previously mapped source that vanished is missing",
    spec: { namespaceSelector: { matchLabels: dr } },
    namespaces: [aNamespace("blog", dr)],
    previous: [{ source: "shop-prod", destination: "shop-prod" }, {
      source: "blog",
      destination: "blog",
    }],
    want: {
      pairs: [{ source: "blog", destination: "blog" }],
      missing: ["shop-prod"],
    },
  },
  {
    name: "an invalid spec pairs nothing",
    spec: { sourceNamespace: "Shop_Prod" },
    want: {
      problems: [
        "spec.sourceNamespace: must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character",
      ],
    },
  },
];

for (const c of resolveCases) {
  Deno.test(`resolveNamespaceMapping: ${c.name}`, () => {
    const got = resolveNamespaceMapping(
      c.spec,
      c.namespaces ?? cluster,
      c.previous,
      { controllerNamespace: "dr-syncer-system" },
    );
    assertEquals(got, { ...nothing, ...c.want });
  });
}

const validateCases: { name: string; spec: unknown; want: string[] }[] = [
  { name: "name only is valid", spec: { sourceNamespace: "a" }, want: [] },
  {
    name: "selector with template is valid",
    spec: {
      namespaceSelector: { matchLabels: dr },
      destinationNameTemplate: "{name}-dr",
    },
    want: [],
  },
  {
    name: "both set",
    spec: { sourceNamespace: "a", namespaceSelector: {} },
    want: [
      "spec: exactly one of sourceNamespace and namespaceSelector must be set (both are)",
    ],
  },
  {
    name: "neither set",
    spec: { sourceNamespace: "", destinationNamespace: "b" },
    want: [
      "spec: exactly one of sourceNamespace and namespaceSelector must be set (neither is)",
    ],
  },
  { name: "not an object", spec: null, want: ["spec: must be an object"] },
  {
    name: "invalid destination name",
    spec: { sourceNamespace: "a", destinationNamespace: "b".repeat(64) },
    want: ["spec.destinationNamespace: must be at most 63 characters (is 64)"],
  },
  {
    name: "template with a name mapping",
    spec: { sourceNamespace: "a", destinationNameTemplate: "{name}-dr" },
    want: ["spec.destinationNameTemplate: only allowed with namespaceSelector"],
  },
  {
    name: "destinationNamespace with a selector",
    spec: { namespaceSelector: {}, destinationNamespace: "x" },
    want: [
      "spec.destinationNamespace: only allowed with sourceNamespace; use destinationNameTemplate",
    ],
  },
  {
    name: "template without {name}",
    spec: { namespaceSelector: {}, destinationNameTemplate: "dr" },
    want: ["spec.destinationNameTemplate: must contain {name}"],
  },
  {
    name: "template with an unknown placeholder",
    spec: { namespaceSelector: {}, destinationNameTemplate: "{namespace}-dr" },
    want: [
      "spec.destinationNameTemplate: unknown placeholder {namespace}; only {name}",
    ],
  },
  {
    name: "template with characters a namespace cannot have",
    spec: { namespaceSelector: {}, destinationNameTemplate: "{name}_DR" },
    want: [
      "spec.destinationNameTemplate: results must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character",
    ],
  },
  {
    name: "template ending in a dash",
    spec: { namespaceSelector: {}, destinationNameTemplate: "{name}-" },
    want: [
      "spec.destinationNameTemplate: results must consist of lower case alphanumeric characters or '-', and start and end with an alphanumeric character",
    ],
  },
  {
    name: "empty template",
    spec: { namespaceSelector: {}, destinationNameTemplate: "" },
    want: ["spec.destinationNameTemplate: must contain {name}"],
  },
  {
    name: "template whose fixed part is already too long",
    spec: {
      namespaceSelector: {},
      destinationNameTemplate: `{name}-${"x".repeat(62)}`,
    },
    want: [
      "spec.destinationNameTemplate: results must be at most 63 characters (is 64)",
    ],
  },
  {
    name: "invalid selector problems carry the field path",
    spec: {
      namespaceSelector: {
        matchExpressions: [{ key: "dr", operator: "Equals" }],
      },
    },
    want: [
      'spec.namespaceSelector.matchExpressions[0].operator: unsupported value "Equals": must be one of In, NotIn, Exists, DoesNotExist',
    ],
  },
];

for (const c of validateCases) {
  Deno.test(`validateNamespaceMapping: ${c.name}`, () => {
    assertEquals(
      validateNamespaceMapping(c.spec as NamespaceMappingSpec),
      c.want,
    );
  });
}
