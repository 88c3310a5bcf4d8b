#!/usr/bin/env bash
# Rewrites the output blocks that follow the README's `bin/poolbridge simulate` examples with what
# those commands print now (ReadmeTest fails when they differ). Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import re, subprocess
readme = open('README.md').read()
pattern = re.compile(r"(```sh\n(bin/poolbridge simulate [^\n]*)\n```\n(?:\n(?:[^`\n][^\n]*)?)*\n```\n)(.*?)(```)", re.S)
def run(m):
    out = subprocess.run(m.group(2).split(), capture_output=True, text=True, check=True).stdout
    return m.group(1) + out + m.group(4)
open('README.md', 'w').write(pattern.sub(run, readme))
PY
