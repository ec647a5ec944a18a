#!/bin/sh
# Regenerates the test certificates of tests/unit/tls_test.ts (committed; valid until 2126).
# Every certificate is X.509 v3 with key usages: rustls (Deno's TLS) refuses v1 certificates.
set -e
cd "$(dirname "$0")"
days=36500
ext=$(mktemp)
trap 'rm -f "$ext" ./*.csr ./*.srl ca.key other-ca.key' EXIT
# sign NAME CN CA EXTENSIONS: a new key NAME.key and its certificate NAME.crt signed by CA.crt/CA.key
sign() {
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -sha256 -subj "/O=Valkyr Test/CN=$2" -key "$1.key" -out "$1.csr"
  printf '%s\n' "$4" >"$ext"
  openssl x509 -req -sha256 -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days $days \
    -extfile "$ext" -out "$1.crt" 2>/dev/null
}
authority() {
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -x509 -new -nodes -sha256 -key "$1.key" -days $days -subj "/O=Valkyr Test/CN=$2" -out "$1.crt"
}
authority ca "Certificate Authority"
sign server "Server-only" ca "keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
sign client "Client-only" ca "keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
# A second authority and a client it signed: refused by a server that trusts ca.crt only.
authority other-ca "Other CA"
sign other-client "Other client" other-ca "keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
# The server key encrypted with the passphrase "valkyr-pass" (tls-key-file-pass).
openssl pkey -in server.key -aes256 -passout pass:valkyr-pass -out server-pass.key
openssl dhparam -out dh.pem 2048 2>/dev/null
