#!/usr/bin/env bash
# Regenerates the "rogue" CA and server certificate of tls-trust_test.ts
# (committed; run only if they must change). The test adds rogue-ca.crt to
# Deno's default roots (DENO_CERT) while the kubeconfig names the kube-sim CA:
# a client that trusts only the kubeconfig CA must refuse this server.
# The CA key is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=7300
openssl req -x509 -newkey rsa:2048 -nodes -days "$DAYS" \
  -keyout rogue-ca.key -out rogue-ca.crt -subj "/CN=rogue publicly-trusted CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -keyout rogue-server.key \
  -out rogue-server.csr -subj "/CN=rogue"
cat > rogue-server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in rogue-server.csr -CA rogue-ca.crt -CAkey rogue-ca.key \
  -CAcreateserial -days "$DAYS" -extfile rogue-server.ext -out rogue-server.crt
rm -f rogue-ca.key rogue-ca.srl rogue-server.csr rogue-server.ext
