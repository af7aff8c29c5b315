// Certificates and keys one real control plane needs, made with Debian's openssl at start:
// a CA, an API server serving certificate signed by it (SANs 127.0.0.1 and localhost, plus the
// in-cluster names), and the ServiceAccount token signing key pair.

export interface ControlPlaneCerts {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    throw new Error(
      `openssl ${args[0]} failed: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

/** Writes the files into `dir` and returns their paths. */
export async function makeControlPlaneCerts(
  dir: string,
  clusterName: string,
): Promise<ControlPlaneCerts> {
  const p = (f: string) => `${dir}/${f}`;
  await Deno.mkdir(dir, { recursive: true });
  const sans = [
    "IP:127.0.0.1",
    "DNS:localhost",
    "IP:10.96.0.1",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
  ].join(",");
  await Promise.all([
    openssl([
      "req",
      "-x509",
      ...EC,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      `/CN=drs-kube-ca-${clusterName}`,
    ], dir),
    openssl([
      "ecparam",
      "-name",
      "prime256v1",
      "-genkey",
      "-noout",
      "-out",
      "sa.key",
    ], dir),
  ]);
  await Promise.all([
    openssl([
      "req",
      "-x509",
      ...EC,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-keyout",
      "serving.key",
      "-out",
      "serving.crt",
      "-days",
      "3650",
      "-subj",
      "/CN=kube-apiserver",
      "-addext",
      `subjectAltName=${sans}`,
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ], dir),
    openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir),
  ]);
  return {
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    servingCert: p("serving.crt"),
    servingKey: p("serving.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
  };
}
