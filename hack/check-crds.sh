#!/usr/bin/env bash
# Fails when the committed CRD YAML (crds/, helm/poolbridge/crds/) differs from what the Java model
# generates. Needs a build that ran at least the process-classes phase of the operator module.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=operator/target/crds
if [ ! -d "$generated" ]; then
  echo "no generated CRDs under $generated: build the operator module first" >&2
  exit 2
fi
status=0
for dir in crds helm/poolbridge/crds; do
  if ! diff -ru "$generated" "$dir"; then
    echo "CRD drift: $dir differs from the CRDs generated from the Java model." >&2
    echo "Run hack/update-crds.sh and commit the result." >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "CRD drift check: crds/ and helm/poolbridge/crds/ match the Java model"
exit $status
