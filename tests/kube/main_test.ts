// `deno task kube` as a user runs it: a child process that prints `kube ready`, whose kubeconfigs
// work with kubectl, and that leaves nothing running after SIGTERM. Two clusters, started once.
import { assert, assertEquals } from "../assert.ts";
import { GO_PRESENT, kubectl, processesMentioning, sleep } from "./harness.ts";

const REPO = `${import.meta.dirname}/../..`;

Deno.test({
  name:
    "kube: deno task kube serves two clusters and stops them all on SIGTERM",
  ignore: !GO_PRESENT,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "drs-kube-main-test-" });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "--quiet",
        "kube",
        "--dir",
        dir,
        "--clusters",
        "source,dr",
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "inherit",
      env: { NO_COLOR: "1" },
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    try {
      const first = await reader.read();
      assertEquals(first.value, "kube ready\n");

      await t.step(
        "each kubeconfig works with kubectl and the clusters are distinct",
        async () => {
          const uids = [];
          for (const name of ["source", "dr"]) {
            const out = await kubectl(
              `${dir}/${name}.kubeconfig`,
              "get",
              "ns",
              "kube-system",
              "-o",
              "jsonpath={.metadata.uid}",
            );
            assert(out.length > 0);
            uids.push(out);
          }
          assert(uids[0] !== uids[1], "source and dr are separate clusters");
        },
      );

      await t.step(
        "kubectl create token issues a ServiceAccount token",
        async () => {
          const token = (await kubectl(
            `${dir}/source.kubeconfig`,
            "create",
            "token",
            "default",
            "-n",
            "default",
          )).trim();
          assertEquals(token.split(".").length, 3);
          const claims = JSON.parse(
            atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
          );
          assertEquals(claims.sub, "system:serviceaccount:default:default");
        },
      );

      await t.step("SIGTERM stops every process it started", async () => {
        const running = processesMentioning(dir);
        assert(
          running.length >= 5,
          `etcd + 2×(apiserver, controller-manager) run: ${running}`,
        );
        child.kill("SIGTERM");
        const rest = await reader.read();
        assert(rest.done, "nothing more on stdout");
        const status = await child.status;
        assertEquals(status.code, 0);
        // The children were reaped by `deno task kube` before it exited; allow /proc to settle.
        for (let i = 0; i < 20 && processesMentioning(dir).length; i++) {
          await sleep(100);
        }
        assertEquals(processesMentioning(dir), []);
        const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
          n.startsWith(".kube-state")
        );
        assertEquals(left, [], "state removed");
      });
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      await reader.cancel().catch(() => {});
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
