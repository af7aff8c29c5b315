/**
 * Loads the kustomize manifests under deploy/ for the deploy tests: every YAML
 * document with the file it came from, plus small finders.
 */
import { parseAllDocuments } from "yaml";

/** Repository root, resolved from this file so tests run from any cwd. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** The kustomize tree, relative to ROOT. */
export const DEPLOY_DIR = "deploy";

/** One parsed YAML document. */
export interface Manifest {
  /** Path relative to ROOT, e.g. "deploy/role.yaml". */
  file: string;
  // deno-lint-ignore no-explicit-any
  doc: any;
}

/** Every *.yaml / *.yml path under `dir` (relative to ROOT), sorted. */
export function yamlFiles(dir = DEPLOY_DIR): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(ROOT + dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Parses a file's documents; throws with the file name on a YAML error. */
export function parseFile(file: string): Manifest[] {
  const docs = parseAllDocuments(Deno.readTextFileSync(ROOT + file));
  return docs.map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
    return { file, doc: d.toJS() };
  }).filter((m) => m.doc !== null);
}

/** All documents under deploy/ except kustomize's own files. */
export function loadManifests(): Manifest[] {
  return yamlFiles().flatMap(parseFile).filter((m) =>
    !String(m.doc.apiVersion).startsWith("kustomize.config.k8s.io/")
  );
}

/** The single object of a kind and name; throws when missing or repeated. */
export function findOne(
  manifests: Manifest[],
  kind: string,
  name: string,
): Manifest {
  const hits = manifests.filter((m) =>
    m.doc.kind === kind && m.doc.metadata?.name === name
  );
  if (hits.length !== 1) {
    throw new Error(`expected one ${kind}/${name}, found ${hits.length}`);
  }
  return hits[0];
}
