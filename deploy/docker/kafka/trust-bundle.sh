#!/usr/bin/env bash
# trust-bundle.sh BUNDLE: print the Java options of a trust store holding the JDK's own CAs plus
# every certificate of the PEM bundle it lacks (none if the bundle is absent). Build stages only.
set -euo pipefail
bundle=$1 store=/tmp/trust/cacerts
mkdir -p /tmp/trust/new
cp /etc/ssl/certs/java/cacerts "$store"
if [[ -s "$bundle" ]]; then
  # One file per certificate of the bundle that the image's own bundle does not hold.
  awk -v known=/etc/ssl/certs/ca-certificates.crt '
    BEGIN { while ((getline line < known) > 0) { block = block line "\n"; if (line ~ /END CERT/) { seen[block] = 1; block = "" } } }
    { cert = cert $0 "\n" }
    /END CERT/ { if (!(cert in seen)) { n++; printf "%s", cert > ("/tmp/trust/new/" n ".pem") } cert = "" }
  ' "$bundle"
  for pem in /tmp/trust/new/*.pem; do
    [[ -e "$pem" ]] || continue
    keytool -importcert -noprompt -storepass changeit -keystore "$store" -alias "build-$(basename "$pem" .pem)" \
      -file "$pem" >/dev/null 2>&1
  done
fi
echo "-Djavax.net.ssl.trustStore=$store -Djavax.net.ssl.trustStorePassword=changeit"
