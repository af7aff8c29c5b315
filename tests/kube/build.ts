// Builds the pinned Go binaries (tests/kube/pins.ts) into a cache outside git:
// `${DRS_KUBE_CACHE:-$HOME/.cache/dr-syncer/kube}/<name>-<version>/<name>`. A binary is rebuilt only
// when its pin changes (version, ldflags, or the wrapper's go.mod/go.sum/main.go). A failed build
// throws one KubeBuildError naming the step, the binary and the upstream module.
//
//   deno run -A tests/kube/build.ts [--if-go] [name...]     (deno task kube:build)

import { type GoBinaryPin, PINS } from "./pins.ts";

const GO_DIR = `${import.meta.dirname}/go`;

export class KubeBuildError extends Error {
  constructor(
    readonly step: string,
    readonly pin: GoBinaryPin,
    detail: string,
  ) {
    super(
      `kube build failed at step "${step}" for ${pin.name} ` +
        `(module ${pin.upstream}@${pin.version}, wrapper tests/kube/go/${pin.moduleDir}): ${detail}`,
    );
    this.name = "KubeBuildError";
  }
}

export function kubeCacheDir(): string {
  const fromEnv = Deno.env.get("DRS_KUBE_CACHE");
  if (fromEnv) return fromEnv;
  const home = Deno.env.get("HOME");
  if (!home) {
    throw new Error(
      "neither DRS_KUBE_CACHE nor HOME is set: nowhere to cache binaries",
    );
  }
  return `${home}/.cache/dr-syncer/kube`;
}

/** True when a Go toolchain is on PATH: then real-world tests must run (and fail if they cannot). */
export async function goAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("go", {
      args: ["version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Why the real-world suites do not run here, or undefined when they must run. */
export async function kubeSkipReason(): Promise<string | undefined> {
  if (Deno.env.get("DRS_SKIP_KUBE") === "1") return "DRS_SKIP_KUBE=1 is set";
  if (!(await goAvailable())) {
    return "no `go` on PATH (install Go 1.26 to run them against kube-apiserver + etcd " +
      "built from Go modules)";
  }
  return undefined;
}

export function pinNamed(name: string): GoBinaryPin {
  const pin = PINS.find((p) => p.name === name);
  if (!pin) throw new Error(`no pin named ${name} in tests/kube/pins.ts`);
  return pin;
}

/** Fingerprint of everything that decides the binary's content. */
async function pinStamp(pin: GoBinaryPin): Promise<string> {
  const parts = [JSON.stringify(pin)];
  for (const file of ["go.mod", "go.sum", "main.go"]) {
    try {
      parts.push(await Deno.readTextFile(`${GO_DIR}/${pin.moduleDir}/${file}`));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(parts.join("\0")),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

export function binaryPath(pin: GoBinaryPin): string {
  return `${kubeCacheDir()}/${pin.name}-${pin.version}/${pin.name}`;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

function lastLines(text: string, n = 25): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

async function run(
  step: string,
  pin: GoBinaryPin,
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, {
      args,
      cwd,
      env,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (e) {
    throw new KubeBuildError(
      step,
      pin,
      `cannot run ${cmd}: ${(e as Error).message}`,
    );
  }
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new KubeBuildError(
      step,
      pin,
      `${cmd} ${args.join(" ")}\n${lastLines(stderr || stdout)}`,
    );
  }
  return stdout;
}

/** One build at a time per cache dir, across processes (parallel test files). */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}/.lock`;
  for (;;) {
    try {
      await Deno.writeTextFile(lock, String(Deno.pid), { createNew: true });
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      const holder = Number(await readOrEmpty(lock));
      if (!holder || !processAlive(holder)) {
        await Deno.remove(lock).catch(() => {});
        continue;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

export interface BuildResult {
  path: string;
  built: boolean;
  seconds: number;
}

/** Returns the cached binary for the pin, building it first when missing or stale. */
export async function ensureBinary(
  pin: GoBinaryPin,
  log: (line: string) => void = () => {},
): Promise<BuildResult> {
  const path = binaryPath(pin);
  const dir = path.slice(0, path.lastIndexOf("/"));
  const stamp = await pinStamp(pin);
  if (await readOrEmpty(`${dir}/stamp`) === stamp) {
    return { path, built: false, seconds: 0 };
  }
  await Deno.mkdir(dir, { recursive: true });
  return await withLock(dir, async () => {
    if (await readOrEmpty(`${dir}/stamp`) === stamp) {
      return { path, built: false, seconds: 0 };
    }
    const started = performance.now();
    const moduleDir = `${GO_DIR}/${pin.moduleDir}`;
    const env = {
      CGO_ENABLED: "0",
      GOTOOLCHAIN: "local",
      GOFLAGS: "-mod=readonly",
    };
    if (!(await goAvailable())) {
      throw new KubeBuildError(
        "find go",
        pin,
        "no `go` on PATH (Go 1.26 is needed to build)",
      );
    }
    log(`kube build: ${pin.name} ${pin.version}: downloading modules`);
    await run(
      "go mod download",
      pin,
      "go",
      ["mod", "download"],
      moduleDir,
      env,
    );
    log(`kube build: ${pin.name} ${pin.version}: go build (minutes when cold)`);
    const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID()}`;
    const ldflags = ["-s", "-w", ...pin.ldflags.map((flag) => `-X=${flag}`)]
      .join(" ");
    await run(
      "go build",
      pin,
      "go",
      ["build", "-trimpath", "-ldflags", ldflags, "-o", tmp, pin.package],
      moduleDir,
      env,
    );
    const version = await run(
      "version check",
      pin,
      tmp,
      pin.versionCheck.args,
      dir,
    );
    if (!version.includes(pin.versionCheck.contains)) {
      await Deno.remove(tmp).catch(() => {});
      throw new KubeBuildError(
        "version check",
        pin,
        `expected "${pin.versionCheck.contains}" in: ${version.trim()}`,
      );
    }
    await Deno.rename(tmp, path);
    await Deno.writeTextFile(`${dir}/stamp`, stamp);
    const seconds = (performance.now() - started) / 1000;
    log(
      `kube build: ${pin.name} ${pin.version}: built in ${
        seconds.toFixed(0)
      } s`,
    );
    return { path, built: true, seconds };
  });
}

/** Ensures every named binary (default: all pins), one at a time (2 cores; builds are large). */
export async function ensureBinaries(
  names: string[] = PINS.map((p) => p.name),
  log?: (line: string) => void,
): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const name of names) {
    paths[name] = (await ensureBinary(pinNamed(name), log)).path;
  }
  return paths;
}

if (import.meta.main) {
  // --if-go: the test command's build step; without Go it says the real-world suites will skip.
  const ifGo = Deno.args.includes("--if-go");
  const names = Deno.args.filter((a) => a !== "--if-go");
  if (ifGo && !(await goAvailable())) {
    console.error(
      "kube build: no `go` on PATH; real-world (kube) test suites will be SKIPPED",
    );
    Deno.exit(0);
  }
  try {
    const paths = await ensureBinaries(
      names.length ? names : undefined,
      (line) => console.error(line),
    );
    for (const [name, path] of Object.entries(paths)) {
      console.log(`${name}: ${path}`);
    }
  } catch (e) {
    console.error(e instanceof KubeBuildError ? e.message : e);
    Deno.exit(1);
  }
}
