/**
 * The Helm CLI for the chart tests, built from the Go module pinned in
 * tests/kube/go/helm (helm.sh/helm/v4) into a cache outside git:
 * `${DRS_KUBE_CACHE:-$HOME/.cache/dr-syncer/kube}/helm-<version>/helm`.
 * Built on first use, rebuilt when the wrapper's go.mod/go.sum change.
 * (tests/kube/build.ts builds the cluster binaries in the same layout; the
 * two may become one builder.)
 */

/** The pinned Helm version: keep equal to tests/kube/go/helm/go.mod. */
export const HELM_VERSION = "v4.3.2";
const MODULE_DIR = new URL("./go/helm/", import.meta.url).pathname;
const PACKAGE = "helm.sh/helm/v4/cmd/helm";
/** Upstream sets only "v4.3" in source; the release build stamps the patch. */
const VERSION_FLAG =
  `-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`;

/** A failed build: the step and Go's own message. */
export class HelmBuildError extends Error {
  constructor(step: string, detail: string) {
    super(`building helm ${HELM_VERSION} failed at ${step}: ${detail}`);
    this.name = "HelmBuildError";
  }
}

function cacheRoot(): string {
  const fromEnv = Deno.env.get("DRS_KUBE_CACHE");
  if (fromEnv) return fromEnv;
  const home = Deno.env.get("HOME");
  if (!home) {
    throw new HelmBuildError("cache", "neither DRS_KUBE_CACHE nor HOME is set");
  }
  return `${home}/.cache/dr-syncer/kube`;
}

/** True when `go` runs: then the chart tests must run, and fail if the build does. */
export async function goAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("go", {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function stampOf(): Promise<string> {
  const text = HELM_VERSION + VERSION_FLAG +
    await Deno.readTextFile(`${MODULE_DIR}go.mod`) +
    await Deno.readTextFile(`${MODULE_DIR}go.sum`);
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

let building: Promise<string> | undefined;

/**
 * Path of the pinned helm binary, building it first when needed. Callers in
 * one process share one build: on a clean machine two test modules asked at
 * once, built into the same temporary file, and one found it already renamed.
 */
export function helmBinary(): Promise<string> {
  building ??= ensureHelm().catch((e) => {
    building = undefined;
    throw e;
  });
  return building;
}

async function ensureHelm(): Promise<string> {
  const dir = `${cacheRoot()}/helm-${HELM_VERSION}`;
  const binary = `${dir}/helm`;
  const stampFile = `${dir}/.stamp`;
  const stamp = await stampOf();
  if (await readOrUndefined(stampFile) === stamp) {
    try {
      await Deno.stat(binary);
      return binary;
    } catch {
      // Stamp without binary: build again.
    }
  }
  await Deno.mkdir(dir, { recursive: true });
  // Unique per build: other processes may be building beside this one.
  const partial = `${binary}.build-${Deno.pid}-${crypto.randomUUID()}`;
  const out = await new Deno.Command("go", {
    args: [
      "build",
      "-trimpath",
      "-ldflags",
      VERSION_FLAG,
      "-o",
      partial,
      PACKAGE,
    ],
    cwd: MODULE_DIR,
    env: { CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const detail = new TextDecoder().decode(out.stderr).trim().split("\n")
      .slice(-5).join("\n");
    throw new HelmBuildError(`go build ${PACKAGE}`, detail);
  }
  const version = await new Deno.Command(partial, {
    args: ["version", "--short"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const reported = new TextDecoder().decode(version.stdout);
  if (!reported.startsWith(HELM_VERSION)) {
    throw new HelmBuildError("version check", `helm reports ${reported}`);
  }
  await Deno.rename(partial, binary);
  await Deno.writeTextFile(stampFile, stamp);
  return binary;
}
