/**
 * Child process of tls-trust_test.ts (run with DENO_CERT, which Deno reads
 * only at start): one request and one watch through the real ClusterClient
 * against `https://127.0.0.1:<port>`, with the kubeconfig CA read from
 * `<ca file>`. Prints one line per path: "request ACCEPTED|REFUSED ...".
 */
import "../../../lib/preload.ts";
import { ClusterClient } from "../../../lib/kube/client.ts";
import { classifyError } from "../../../lib/kube/errors.ts";

const [port, caFile] = Deno.args;
const ca = btoa(Deno.readTextFileSync(caFile));
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority-data: "${ca}"}}]
users: [{name: u, user: {token: the-bearer-token}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
const client = new ClusterClient((kc) => kc.loadFromString(kubeconfig), {
  name: "probe",
  timeoutMs: 5_000,
  retry: {
    maxAttempts: 1,
    initialDelayMs: 1,
    maxDelayMs: 1,
    maxRetryAfterMs: 1,
  },
});
try {
  await client.requestJson("/version");
  console.log("request ACCEPTED");
} catch (e) {
  console.log(`request REFUSED ${classifyError(e).message}`);
}
const watched = await new Promise<string>((resolve) => {
  client.watch(5_000).watch(
    "/api/v1/namespaces",
    {},
    () => resolve("watch ACCEPTED"),
    (err) =>
      resolve(err ? `watch REFUSED ${String(err)}` : "watch ACCEPTED (ended)"),
  ).catch((err) => resolve(`watch REFUSED ${String(err)}`));
});
console.log(watched.split("\n")[0]);
await client.close();
Deno.exit(0);
