// The wrapper go.mod generator: its replace list comes from the upstream go.mod's local replaces.
import { assert, assertEquals } from "../assert.ts";

function assertStringIncludes(text: string, part: string): void {
  assert(text.includes(part), `missing ${JSON.stringify(part)} in:\n${text}`);
}
import {
  parseUpstreamGoMod,
  publishedVersion,
  renderWrapperGoMod,
} from "./gomod.ts";

const UPSTREAM = `// This is a generated file.
module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	github.com/kylelemons/godebug v1.1.0 // indirect
	k8s.io/api v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery // local
	github.com/example/forked v1.0.0 => github.com/example/fork v1.0.1
)

replace go.etcd.io/etcd/api/v3 => ../api
`;

Deno.test("gomod: parses go line, godebug and only the local-path replaces", () => {
  assertEquals(parseUpstreamGoMod(UPSTREAM), {
    goLine: "go 1.26.0",
    godebug: ["default=go1.26"],
    localReplaces: [
      "k8s.io/api",
      "k8s.io/apimachinery",
      "go.etcd.io/etcd/api/v3",
    ],
  });
});

Deno.test("gomod: Kubernetes staging modules map to v0.<minor>.<patch>, others to the release", () => {
  assertEquals(
    publishedVersion("k8s.io/api", "k8s.io/kubernetes", "v1.37.2"),
    "v0.37.2",
  );
  assertEquals(
    publishedVersion(
      "go.etcd.io/etcd/api/v3",
      "go.etcd.io/etcd/server/v3",
      "v3.7.4",
    ),
    "v3.7.4",
  );
});

Deno.test("gomod: the wrapper requires the upstream and replaces each local module", () => {
  const text = renderWrapperGoMod(
    "drsyncer.test/kube/x",
    "k8s.io/kubernetes",
    "v1.37.2",
    parseUpstreamGoMod(UPSTREAM),
  );
  assertStringIncludes(
    text,
    "module drsyncer.test/kube/x\n\ngo 1.26.0\n\ngodebug default=go1.26\n",
  );
  assertStringIncludes(text, "require k8s.io/kubernetes v1.37.2\n");
  assertStringIncludes(text, "\tk8s.io/api => k8s.io/api v0.37.2\n");
  assertStringIncludes(
    text,
    "\tk8s.io/apimachinery => k8s.io/apimachinery v0.37.2\n",
  );
  assertEquals(text.includes("example"), false);
});
