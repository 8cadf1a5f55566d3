#!/usr/bin/env bash
# Writes fixtures/k8s/: Kubernetes Secret manifests (YAML and JSON, as `kubectl get secret
# -o yaml|json` prints them) and a kubeconfig, made from existing fixtures so that their
# items are known ones. Deterministic: rerunning it gives the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/k8s
mkdir -p "$out"
b64() { base64 -w0 "$1"; }
leaf=fixtures/certs/leaf.pem
ca=fixtures/certs/intermediate-ca.pem
key=fixtures/keys/p256.pem
for f in "$leaf" "$ca" "$key"; do [ -e "$f" ] || { echo "missing $f" >&2; exit 1; }; done

cat > "$out/tls-secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: example-tls
  namespace: default
type: kubernetes.io/tls
data:
  ca.crt: $(b64 "$ca")
  tls.crt: $(b64 "$leaf")
  tls.key: $(b64 "$key")
YAML

cat > "$out/tls-secret.json" <<JSON
{
    "apiVersion": "v1",
    "data": {
        "ca.crt": "$(b64 "$ca")",
        "password": "$(printf 'hunter2' | base64 -w0)",
        "tls.crt": "$(b64 "$leaf")"
    },
    "kind": "Secret",
    "metadata": {
        "name": "example-tls",
        "namespace": "default"
    },
    "type": "kubernetes.io/tls"
}
JSON

# stringData holds the PEM text itself (a block scalar), as in a Helm chart's template.
{
  printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: example-ca\nstringData:\n  ca.crt: |\n'
  sed 's/^/    /' "$ca"
} > "$out/string-data-secret.yaml"

cat > "$out/kubeconfig.yaml" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: example
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $(b64 "$ca")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$leaf")
    client-key-data: $(b64 "$key")
contexts:
- name: example
  context:
    cluster: example
    user: admin
current-context: example
YAML

# Secret fields that hold no certificate material, and one that is not base64.
cat > "$out/opaque-secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: opaque
type: Opaque
data:
  password: $(printf 'hunter2' | base64 -w0)
  tls.crt: not*base64
YAML
echo "wrote $out"
