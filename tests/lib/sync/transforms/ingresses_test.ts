import "../../../../lib/preload.ts";
import { assertEquals } from "../../../assert.ts";
import type { ValueMapping } from "../../../../lib/api/v1alpha1.ts";
import { rewriteHost } from "../../../../lib/sync/transforms/ingresses.ts";
import { anIngress, anObject, copy, specOf } from "./builders.ts";

const shop: ValueMapping = {
  from: "shop.example.com",
  to: "shop-dr.example.com",
};

interface HostCase {
  name: string;
  host: string;
  rewrites: ValueMapping[];
  expected: string;
}

const hostCases: HostCase[] = [
  {
    name: "exact host",
    host: "shop.example.com",
    rewrites: [shop],
    expected: "shop-dr.example.com",
  },
  {
    name: "subdomain",
    host: "api.shop.example.com",
    rewrites: [shop],
    expected: "api.shop-dr.example.com",
  },
  {
    name: "wildcard",
    host: "*.shop.example.com",
    rewrites: [shop],
    expected: "*.shop-dr.example.com",
  },
  {
    name: "no match inside a label",
    host: "myshop.example.com",
    rewrites: [shop],
    expected: "myshop.example.com",
  },
  {
    name: "no match as a prefix",
    host: "shop.example.com.evil.io",
    rewrites: [shop],
    expected: "shop.example.com.evil.io",
  },
  {
    name: "unrelated host",
    host: "blog.example.org",
    rewrites: [shop],
    expected: "blog.example.org",
  },
  {
    name: "longest from wins regardless of order",
    host: "api.shop.example.com",
    rewrites: [{ from: "example.com", to: "example.net" }, shop],
    expected: "api.shop-dr.example.com",
  },
  {
    name: "shorter from applies when the longer does not match",
    host: "blog.example.com",
    rewrites: [shop, { from: "example.com", to: "example.net" }],
    expected: "blog.example.net",
  },
  {
    name: "case-insensitive match keeps the prefix",
    host: "API.Shop.Example.com",
    rewrites: [shop],
    expected: "API.shop-dr.example.com",
  },
  {
    name: "already rewritten host under a nested target is left alone",
    host: "api.dr.example.com",
    rewrites: [{ from: "example.com", to: "dr.example.com" }],
    expected: "api.dr.example.com",
  },
  {
    name: "empty from is ignored",
    host: "a.b",
    rewrites: [{ from: "", to: "x" }],
    expected: "a.b",
  },
];

for (const c of hostCases) {
  Deno.test(`rewriteHost: ${c.name}`, () => {
    assertEquals(rewriteHost(c.host, c.rewrites), c.expected);
  });
}

const opts = {
  ingressHostRewrites: [shop],
  ingressClassMappings: [{ from: "nginx", to: "nginx-dr" }],
};

Deno.test("ingress: rules and tls hosts rewritten, class mapped", () => {
  const src = anIngress({
    ingressClassName: "nginx",
    rules: [
      { host: "shop.example.com", http: { paths: [] } },
      { host: "api.shop.example.com" },
      { http: { paths: [] } },
    ],
    tls: [{
      hosts: ["shop.example.com", "*.shop.example.com"],
      secretName: "tls",
    }],
  });
  assertEquals(specOf(copy(src, opts).object), {
    ingressClassName: "nginx-dr",
    rules: [
      { host: "shop-dr.example.com", http: { paths: [] } },
      { host: "api.shop-dr.example.com" },
      { http: { paths: [] } },
    ],
    tls: [{
      hosts: ["shop-dr.example.com", "*.shop-dr.example.com"],
      secretName: "tls",
    }],
  });
});

Deno.test("ingress: legacy class annotation mapped", () => {
  const src = anIngress({}, { "kubernetes.io/ingress.class": "nginx" });
  const annotations = copy(src, opts).object.metadata.annotations;
  assertEquals(annotations?.["kubernetes.io/ingress.class"], "nginx-dr");
});

Deno.test("ingress: unmapped class kept, no rewrites without mappings", () => {
  const spec = {
    ingressClassName: "traefik",
    rules: [{ host: "shop.example.com" }],
  };
  assertEquals(specOf(copy(anIngress(spec)).object), spec);
});

Deno.test("ingress: malformed rules and tls entries are skipped", () => {
  const spec = { rules: "x", tls: [null, { hosts: [3, "shop.example.com"] }] };
  const { object, warnings } = copy(anIngress(spec), opts);
  assertEquals(specOf(object), {
    rules: "x",
    tls: [null, { hosts: [3, "shop-dr.example.com"] }],
  });
  assertEquals(warnings, []);
});

Deno.test("ingress: legacy extensions/v1beta1 Ingress is transformed too", () => {
  const src = anObject("extensions/v1beta1", "Ingress", {
    spec: { rules: [{ host: "shop.example.com" }] },
  });
  assertEquals(
    specOf(copy(src, opts).object).rules[0].host,
    "shop-dr.example.com",
  );
});
