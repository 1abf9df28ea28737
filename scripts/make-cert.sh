#!/bin/sh
# A self-signed certificate for serving the app over HTTPS to other machines
# (browsers only give camera and microphone to https:// pages or localhost).
#   npm run cert                    → certs/cert.pem, certs/key.pem for localhost
#   npm run cert -- 192.168.1.10    → also valid for that IP address
# Then: TLS_CERT=certs/cert.pem TLS_KEY=certs/key.pem npm start
# Browsers warn about a self-signed certificate; accept it once per machine.
set -e
cd "$(dirname "$0")/.."
mkdir -p certs
san="DNS:localhost,IP:127.0.0.1"
for host in "$@"; do
  case "$host" in
    *[!0-9.:a-fA-F]*) san="$san,DNS:$host" ;;
    *) san="$san,IP:$host" ;;
  esac
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
  -subj "/CN=Consomme self-signed" -addext "subjectAltName=$san" \
  -keyout certs/key.pem -out certs/cert.pem 2>/dev/null
chmod 600 certs/key.pem
echo "wrote certs/cert.pem and certs/key.pem for $san"
