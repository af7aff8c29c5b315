/**
 * Requests (not watches) over Deno's own fetch and HTTP client instead of
 * undici on Deno's node:net layer. Measured in the benchmark (docs/
 * benchmarks.md): undici's fetch, node stream adapters and per-request
 * socket writes were most of the controller's CPU per DR write, which
 * capped the initial sync well below what the API server takes.
 *
 * Used only when Deno's client can reproduce the kubeconfig's TLS exactly:
 * no CA of its own (default roots, as kubectl), a client certificate as
 * PEM. A kubeconfig CA keeps the undici path: Deno's `caCerts` is added to
 * the default roots, so a server with a certificate from any publicly
 * trusted CA would be accepted and handed the credentials, where kubectl
 * (and node's `ca`, which replaces the roots) trust only the named CA.
 * A proxy, a PFX bundle, a TLS server name override or
 * insecure-skip-tls-verify keep the undici path too.
 */
import {
  type PromiseHttpLibrary,
  type RequestContext,
  ResponseContext,
} from "@kubernetes/client-node/dist/gen/http/http.js";
import { Buffer } from "node:buffer";
import type https from "node:https";

/** TLS settings of a kubeconfig cluster and user, as client-node gives them. */
export type TlsSettings = Pick<
  https.RequestOptions,
  | "ca"
  | "cert"
  | "key"
  | "pfx"
  | "passphrase"
  | "rejectUnauthorized"
  | "servername"
>;

function pem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return undefined;
}

/** A Deno HTTP client for `tls`, or undefined when it cannot express it. */
export function nativeClient(
  tls: TlsSettings,
  proxied: boolean,
): Deno.HttpClient | undefined {
  if (
    proxied || tls.pfx || tls.servername || tls.rejectUnauthorized === false
  ) {
    return undefined;
  }
  if (tls.ca !== undefined || Array.isArray(tls.cert)) return undefined;
  const cert = pem(tls.cert);
  const key = pem(tls.key);
  if ((tls.cert && !cert) || (tls.key && !key)) return undefined;
  return Deno.createHttpClient(cert && key ? { cert, key } : {});
}

/** Error codes classifyError and the retry policy know, from Deno's messages. */
const CODES: [RegExp, string][] = [
  [/refused/i, "ECONNREFUSED"],
  [/dns|lookup|resolve|name or service/i, "ENOTFOUND"],
  [/reset|closed|broken pipe|incomplete|eof/i, "ECONNRESET"],
];

/** Deno's fetch TypeError in undici's shape: TypeError with `cause.code`. */
function transportError(e: unknown): unknown {
  if (!(e instanceof TypeError)) return e;
  // Deno puts the reason ("…Connection refused (os error 111)") in cause.
  const detail = e.cause instanceof Error ? e.cause.message : e.message;
  const code = CODES.find(([re]) => re.test(detail))?.[1] ?? "UND_ERR_SOCKET";
  return new TypeError("fetch failed", { cause: { code, message: detail } });
}

/** A client-node HTTP library sending through `client`. */
export function nativeLibrary(client: Deno.HttpClient): PromiseHttpLibrary {
  return {
    send: async (req: RequestContext) => {
      let res: Response;
      try {
        res = await fetch(req.getUrl(), {
          method: req.getHttpMethod(),
          headers: req.getHeaders(),
          body: req.getBody() as BodyInit | undefined,
          signal: req.getSignal(),
          client,
        });
      } catch (e) {
        throw transportError(e);
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => headers[k] = v);
      return new ResponseContext(res.status, headers, {
        text: () => res.text(),
        binary: async () => Buffer.from(await res.arrayBuffer()),
        stream: () => res.body,
      });
    },
  };
}
