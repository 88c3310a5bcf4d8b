#!/usr/bin/env bash
# Regenerates the CRD YAML from the Java model (io.poolbridge.api.v1alpha1) and copies it to the
# two committed places: crds/ and the Helm chart's crds/. Commit the result with the model change.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl operator process-classes
cp operator/target/crds/*.yaml crds/
cp operator/target/crds/*.yaml helm/poolbridge/crds/
echo "CRDs updated under crds/ and helm/poolbridge/crds/"
