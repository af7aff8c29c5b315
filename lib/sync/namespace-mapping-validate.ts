/**
 * Validation of a NamespaceMapping spec. Every problem names its field
 * path; nothing throws. Rules are documented in namespace-mapping.ts.
 */
import type { NamespaceMappingSpec } from "../api/v1alpha1.ts";
import { validateSelector } from "./label-selector.ts";
import { dns1123LabelProblem } from "./names.ts";

/** Placeholder replaced by the source namespace name. */
export const NAME_PLACEHOLDER = "{name}";
const PLACEHOLDER_PATTERN = /\{[^}]*\}/g;
// Validating the template with the shortest possible source name finds
// bad characters and a fixed part that is too long on its own.
const SHORTEST_NAME = "a";

/** Whether a spec field is set; "" counts as unset (omitempty style). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

function templateProblems(template: unknown, path: string): string[] {
  if (typeof template !== "string") return [`${path}: must be a string`];
  const placeholders = template.match(PLACEHOLDER_PATTERN) ?? [];
  const unknown = placeholders.filter((p) => p !== NAME_PLACEHOLDER);
  if (unknown.length > 0) {
    return [
      `${path}: unknown placeholder ${unknown[0]}; only ${NAME_PLACEHOLDER}`,
    ];
  }
  if (!template.includes(NAME_PLACEHOLDER)) {
    return [`${path}: must contain ${NAME_PLACEHOLDER}`];
  }
  const problem = dns1123LabelProblem(
    template.replaceAll(NAME_PLACEHOLDER, SHORTEST_NAME),
  );
  return problem ? [`${path}: results ${problem}`] : [];
}

function nameProblem(path: string, value: unknown): string[] {
  const p = dns1123LabelProblem(value);
  return p ? [`${path}: ${p}`] : [];
}

function byNameProblems(spec: NamespaceMappingSpec, path: string): string[] {
  const out = nameProblem(`${path}.sourceNamespace`, spec.sourceNamespace);
  if (isSet(spec.destinationNamespace)) {
    out.push(
      ...nameProblem(
        `${path}.destinationNamespace`,
        spec.destinationNamespace,
      ),
    );
  }
  if (isSet(spec.destinationNameTemplate)) {
    out.push(
      `${path}.destinationNameTemplate: only allowed with namespaceSelector`,
    );
  }
  return out;
}

function bySelectorProblems(
  spec: NamespaceMappingSpec,
  path: string,
): string[] {
  const out = validateSelector(
    spec.namespaceSelector,
    `${path}.namespaceSelector`,
  );
  if (isSet(spec.destinationNamespace)) {
    out.push(
      `${path}.destinationNamespace: only allowed with sourceNamespace; ` +
        "use destinationNameTemplate",
    );
  }
  if (spec.destinationNameTemplate !== undefined) {
    out.push(
      ...templateProblems(
        spec.destinationNameTemplate,
        `${path}.destinationNameTemplate`,
      ),
    );
  }
  return out;
}

/** Problems of a NamespaceMapping spec, with field paths; [] if valid. */
export function validateNamespaceMapping(
  spec: NamespaceMappingSpec | undefined,
  path = "spec",
): string[] {
  if (typeof spec !== "object" || spec === null) {
    return [`${path}: must be an object`];
  }
  const hasName = isSet(spec.sourceNamespace);
  if (hasName === isSet(spec.namespaceSelector)) {
    return [
      `${path}: exactly one of sourceNamespace and namespaceSelector must ` +
      `be set (${hasName ? "both are" : "neither is"})`,
    ];
  }
  return hasName ? byNameProblems(spec, path) : bySelectorProblems(spec, path);
}
