#!/usr/bin/env bash
# Regenerates the kube-sim test CA and server certificate (committed; run only
# if they must change). Valid ~20 years so tests never break on expiry.
# The CA key is deleted afterwards: nothing else may be signed with it.
set -euo pipefail
cd "$(dirname "$0")"
DAYS=7300
openssl req -x509 -newkey rsa:2048 -nodes -days "$DAYS" \
  -keyout ca.key -out ca.crt -subj "/CN=kube-sim test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
  -subj "/CN=kube-sim"
cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
  -days "$DAYS" -extfile server.ext -out server.crt
rm -f ca.key ca.srl server.csr server.ext
