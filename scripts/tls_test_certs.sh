#!/usr/bin/env bash
# Writes the certificates of the https tests (run by hand; the output is committed, so the tests need
# neither openssl's command nor a network): a test CA, a server certificate for localhost, 127.0.0.1 and
# ::1 signed by it, and one for another name (other.invalid) signed by it too. Valid for 100 years.
#
#   scripts/tls_test_certs.sh            writes Tests/MLWatchExportTests/Fixtures/tls/
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/MLWatchExportTests/Fixtures/tls
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
days=36500
openssl ecparam -name prime256v1 -genkey -noout -out "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days $days -subj "/CN=mlwatch test CA" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/ca.pem"
issue() {  # name, subjectAltName
  openssl ecparam -name prime256v1 -genkey -noout -out "$out/$1.key"
  openssl req -new -key "$out/$1.key" -subj "/CN=$1" -out "$tmp/$1.csr"
  printf 'subjectAltName=%s\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$2" > "$tmp/$1.ext"
  openssl x509 -req -in "$tmp/$1.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" \
    -days $days -sha256 -extfile "$tmp/$1.ext" -out "$out/$1.pem"
}
issue server "DNS:localhost,IP:127.0.0.1,IP:::1"
issue wrongname "DNS:other.invalid"
rm -f "$out/ca.key"   # nothing else is ever signed with it
ls -l "$out"
