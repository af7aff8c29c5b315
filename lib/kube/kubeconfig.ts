/**
 * Validation of kubeconfig text for remote clusters (the RemoteCluster
 * Secret). Whoever can write the controller namespace chooses this text, so
 * it must not make the controller run programs (exec / auth-provider), skip
 * TLS verification, or read local files (a `token-file` pointing at the
 * controller's own service-account token would leak it to their server).
 * Problems are returned with a condition reason, never thrown.
 */
import { parse } from "yaml";
import type { RemoteClusterReason } from "../api/v1alpha1.ts";
import { withoutUrlCredentials } from "./url-credentials.ts";

/** Policy switches from RemoteCluster.spec. */
export interface KubeconfigPolicy {
  /** Context to use; empty or absent means current-context. */
  context?: string;
  allowInsecureTLS?: boolean;
  allowExecAuth?: boolean;
  /** A plain http:// server (bearer token in clear text); never implied by allowInsecureTLS. */
  allowPlainHTTP?: boolean;
}

/** The selected, validated parts of a kubeconfig. */
export interface ValidKubeconfig {
  contextName: string;
  server: string;
  namespace?: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
}

/** Result of {@link validateKubeconfig}. */
export type KubeconfigResult =
  | { ok: true; config: ValidKubeconfig }
  | {
    ok: false;
    reason: Extract<
      RemoteClusterReason,
      | "KubeconfigInvalid"
      | "InsecureTLSRefused"
      | "ExecAuthRefused"
      | "PlainHTTPRefused"
    >;
    message: string;
  };

type Named = { name?: unknown; [k: string]: unknown };

const FILE_KEYS = [
  "certificate-authority",
  "client-certificate",
  "client-key",
  "token-file",
  "tokenFile",
];

function invalid(message: string): KubeconfigResult {
  return { ok: false, reason: "KubeconfigInvalid", message };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pick(list: unknown, name: string, key: string) {
  if (!Array.isArray(list)) return undefined;
  const entry = (list as Named[]).find((e) => isRecord(e) && e.name === name);
  const inner = entry?.[key];
  return isRecord(inner) ? inner : undefined;
}

function parseYaml(text: string): Record<string, unknown> | string {
  try {
    const doc = parse(text);
    return isRecord(doc) ? doc : "kubeconfig is not a YAML mapping";
  } catch (e) {
    const firstLine = String((e as Error).message).split("\n")[0];
    return `kubeconfig is not valid YAML: ${firstLine}`;
  }
}

/** Parses, selects the context and applies the policy. */
export function validateKubeconfig(
  text: string,
  policy: KubeconfigPolicy = {},
): KubeconfigResult {
  const doc = parseYaml(text);
  if (typeof doc === "string") return invalid(doc);
  const contextName = policy.context || String(doc["current-context"] ?? "");
  if (!contextName) return invalid("kubeconfig has no current-context");
  const ctx = pick(doc.contexts, contextName, "context");
  if (!ctx) return invalid(`context "${contextName}" not found`);
  const cluster = pick(doc.clusters, String(ctx.cluster ?? ""), "cluster");
  if (!cluster) return invalid(`cluster "${ctx.cluster}" not found`);
  const user = pick(doc.users, String(ctx.user ?? ""), "user") ?? {};
  const problem = checkCluster(cluster, policy) ?? checkUser(user, policy);
  if (problem) return problem;
  return {
    ok: true,
    config: {
      contextName,
      server: String(cluster.server),
      namespace: typeof ctx.namespace === "string" ? ctx.namespace : undefined,
      cluster,
      user,
    },
  };
}

function checkCluster(
  cluster: Record<string, unknown>,
  policy: KubeconfigPolicy,
): KubeconfigResult | undefined {
  const server = cluster.server;
  if (typeof server !== "string" || !URL.canParse(server)) {
    return invalid("cluster server is missing or not a URL");
  }
  const insecure = cluster["insecure-skip-tls-verify"] === true;
  if (insecure && !policy.allowInsecureTLS) {
    return {
      ok: false,
      reason: "InsecureTLSRefused",
      message:
        "kubeconfig sets insecure-skip-tls-verify; set spec.allowInsecureTLS to accept it",
    };
  }
  const shown = withoutUrlCredentials(server);
  const protocol = new URL(server).protocol;
  if (protocol === "http:" && !policy.allowPlainHTTP) {
    return {
      ok: false,
      reason: "PlainHTTPRefused",
      message:
        `server ${shown} is plain http (credentials would travel in clear text); set spec.allowPlainHTTP to accept it`,
    };
  }
  if (protocol !== "https:" && protocol !== "http:") {
    return invalid(`server ${shown} is neither https nor http`);
  }
  return fileReference(cluster);
}

function checkUser(
  user: Record<string, unknown>,
  policy: KubeconfigPolicy,
): KubeconfigResult | undefined {
  const plugin = user.exec !== undefined
    ? "exec"
    : user["auth-provider"] !== undefined
    ? "auth-provider"
    : undefined;
  if (plugin && !policy.allowExecAuth) {
    return {
      ok: false,
      reason: "ExecAuthRefused",
      message:
        `kubeconfig user uses ${plugin}; set spec.allowExecAuth to accept it`,
    };
  }
  return fileReference(user);
}

function fileReference(
  section: Record<string, unknown>,
): KubeconfigResult | undefined {
  const key = FILE_KEYS.find((k) => section[k] !== undefined);
  return key
    ? invalid(`kubeconfig from a Secret may not reference files (${key})`)
    : undefined;
}
