/** Request-body parsing and JSON response helpers shared by the handlers. */
import { badRequest, failure, type SimError } from "./errors.ts";
import { groupVersion, type ResourceType } from "./registry.ts";
import { decodeProtobuf, isProtobuf } from "./protobuf.ts";
import type { Stored } from "./store.ts";

/** Content type of every JSON answer. */
export const JSON_TYPE = "application/json";

/** A JSON response with the given status. */
export function json(
  body: string,
  status = 200,
  headers: HeadersInit = {},
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
  });
}

/** The object's JSON as seen through the requested version of its type. */
export function objectJson(t: ResourceType, s: Stored): string {
  const gv = groupVersion(t);
  return s.obj.apiVersion === gv
    ? s.json
    : JSON.stringify({ ...s.obj, apiVersion: gv });
}

/** A `<Kind>List` document built from already-serialized items. */
export function listJson(
  t: ResourceType,
  items: string[],
  meta: Record<string, unknown>,
): string {
  const head = `{"kind":"${t.kind}List","apiVersion":"${
    groupVersion(t)
  }","metadata":${JSON.stringify(meta)}`;
  return `${head},"items":[${items.join(",")}]}`;
}

/** 405 for a verb the resource does not serve. */
export function methodNotAllowed(): SimError {
  return failure(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

/** The request body as JSON (k8s protobuf bodies decoded); undefined if empty. */
export async function body(req: Request): Promise<unknown> {
  if (isProtobuf(req.headers.get("content-type"))) {
    return decodeProtobuf(new Uint8Array(await req.arrayBuffer()));
  }
  const text = await req.text();
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}
