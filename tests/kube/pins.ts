// The Go binaries the real-world tests build, one row each. To add a binary: create a wrapper
// module under tests/kube/go/<dir>/ (tests/kube/gomod.ts writes its go.mod from the upstream one),
// then add a row here. Changing `version` (or the wrapper's go.mod/go.sum/main.go) rebuilds it.

export interface GoBinaryPin {
  /** Binary file name, and the cache directory's prefix (`<name>-<version>`). */
  name: string;
  /** Wrapper module directory under tests/kube/go/. */
  moduleDir: string;
  /** Package to build, relative to the wrapper module (usually "."). */
  package: string;
  /** Upstream module the wrapper pins; named in build errors. */
  upstream: string;
  version: string;
  /** `-X importpath.name=value` settings, so the binary reports its real version. */
  ldflags: string[];
  /** Printed by `<binary> --version` when the build is right. */
  versionCheck: { args: string[]; contains: string };
}

/** Kubernetes sets its version twice: component-base (servers) and client-go (clients). */
function kubernetesVersionFlags(version: string): string[] {
  const [major, minor] = version.replace(/^v/, "").split(".");
  const flags: string[] = [];
  for (
    const pkg of [
      "k8s.io/component-base/version",
      "k8s.io/client-go/pkg/version",
    ]
  ) {
    flags.push(
      `${pkg}.gitVersion=${version}`,
      `${pkg}.gitMajor=${major}`,
      `${pkg}.gitMinor=${minor}`,
      `${pkg}.gitTreeState=clean`,
    );
  }
  return flags;
}

// v1.37.2: the newest Kubernetes release the proxy serves; its go.mod says go 1.26.0, so it builds
// with the machine's Go 1.26.8 and no toolchain switch. etcd v3.7.4: newest 3.7 patch; Kubernetes
// 1.37 is built and tested against the etcd 3.7 line (its go.mod requires etcd client v3.7.0).
export const KUBERNETES_VERSION = "v1.37.2";
export const ETCD_VERSION = "v3.7.4";

export const PINS: GoBinaryPin[] = [
  {
    name: "etcd",
    moduleDir: "etcd",
    package: ".",
    upstream: "go.etcd.io/etcd/server/v3",
    version: ETCD_VERSION,
    ldflags: ["go.etcd.io/etcd/api/v3/version.GitSHA=" + ETCD_VERSION],
    versionCheck: {
      args: ["--version"],
      contains: `etcd Version: ${ETCD_VERSION.slice(1)}`,
    },
  },
  {
    name: "kube-apiserver",
    moduleDir: "kube-apiserver",
    package: ".",
    upstream: "k8s.io/kubernetes",
    version: KUBERNETES_VERSION,
    ldflags: kubernetesVersionFlags(KUBERNETES_VERSION),
    versionCheck: {
      args: ["--version"],
      contains: `Kubernetes ${KUBERNETES_VERSION}`,
    },
  },
  {
    name: "kube-controller-manager",
    moduleDir: "kube-controller-manager",
    package: ".",
    upstream: "k8s.io/kubernetes",
    version: KUBERNETES_VERSION,
    ldflags: kubernetesVersionFlags(KUBERNETES_VERSION),
    versionCheck: {
      args: ["--version"],
      contains: `Kubernetes ${KUBERNETES_VERSION}`,
    },
  },
];
