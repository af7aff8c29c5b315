import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { findOne, loadManifests, ROOT } from "./manifests.ts";

/** One Containerfile instruction, continuation lines joined. */
interface Instruction {
  op: string;
  args: string;
}

/** A build stage: its FROM line and the instructions after it. */
interface Stage {
  image: string;
  name?: string;
  body: Instruction[];
}

function parseContainerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, " ");
  const stages: Stage[] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [op, ...rest] = line.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(" ") };
    if (ins.op === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      assert(m, `bad FROM: ${ins.args}`);
      stages.push({ image: m[1], name: m[2], body: [] });
    } else {
      assert(stages.length > 0, `${ins.op} before FROM`);
      stages.at(-1)!.body.push(ins);
    }
  }
  return stages;
}

function ciDenoVersion(): string {
  const m = /^DENO_VERSION=(\S+)$/m.exec(
    Deno.readTextFileSync(`${ROOT}.ci/run`),
  );
  assert(m, ".ci/run pins no DENO_VERSION");
  return m[1];
}

function args(stage: Stage, op: string): string[] {
  return stage.body.filter((i) => i.op === op).map((i) => i.args);
}

const stages = parseContainerfile(
  Deno.readTextFileSync(`${ROOT}Containerfile`),
);
const [build, final] = [stages[0], stages.at(-1)!];

Deno.test("two stages: a Deno build stage and a distroless final stage", () => {
  assertEquals(stages.length, 2);
  assertEquals(final.image, "gcr.io/distroless/cc-debian12:nonroot");
});

Deno.test("the build image is pinned to the Deno version CI runs", () => {
  assertEquals(
    build.image,
    `docker.io/denoland/deno:debian-${ciDenoVersion()}`,
  );
  for (const s of stages) {
    const tag = s.image.split(":")[1];
    assert(tag && !/latest/.test(tag), `${s.image} is not pinned`);
  }
});

Deno.test("the build stage installs the frozen lockfile and compiles", () => {
  const runs = args(build, "RUN");
  assertEquals(runs, ["deno install --frozen", "deno task compile"]);
  assertEquals(args(build, "COPY")[0], "deno.json deno.lock ./");
});

Deno.test("the final stage copies only the binary, runs no shell", () => {
  assertEquals(args(final, "RUN"), [], "distroless has no shell to RUN");
  assertEquals(args(final, "COPY"), [
    `--from=${build.name} /src/dist/dr-syncer /dr-syncer`,
  ]);
  assertEquals(args(final, "ENTRYPOINT"), ['["/dr-syncer", "run"]']);
  assertEquals(args(final, "CMD"), []);
});

Deno.test("the final stage runs as the distroless nonroot user", () => {
  const users = args(final, "USER");
  assertEquals(users.length, 1);
  assertMatch(users[0], /^(65532(:65532)?|nonroot(:nonroot)?)$/);
  const pod = findOne(loadManifests(), "Deployment", "dr-syncer").doc.spec
    .template.spec;
  assertEquals(`${pod.securityContext.runAsUser}`, users[0].split(":")[0]);
});

Deno.test("TLS trusts the image's CA bundle and Deno's Mozilla roots", () => {
  assert(args(final, "ENV").includes("DENO_TLS_CA_STORE=system,mozilla"));
});

Deno.test("exposed ports are the Deployment's container ports", () => {
  const container = findOne(loadManifests(), "Deployment", "dr-syncer").doc
    .spec.template.spec.containers[0];
  const ports = container.ports.map((p: { containerPort: number }) =>
    String(p.containerPort)
  );
  assertEquals(args(final, "EXPOSE").join(" ").split(" ").sort(), ports.sort());
});

Deno.test("OCI labels name and version the image", () => {
  const labels = args(final, "LABEL").join(" ");
  for (const key of ["title", "description", "version"]) {
    assertMatch(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
  }
});

Deno.test(".dockerignore and .containerignore are the same file", () => {
  assertEquals(
    Deno.readTextFileSync(`${ROOT}.dockerignore`),
    Deno.readTextFileSync(`${ROOT}.containerignore`),
  );
});
