"""``python -m infra.node_check``: the CDK targets need Node.js >= 22 (``make synth`` runs this first).

Node 20 went out of support in April 2026 (the CDK's jsii runtime prints an end-of-life banner on every synth
under it); the deployment runs on the supported LTS lines, 22 and 24. Prints nothing and exits 0 when the
``node`` on PATH is recent enough, else one line saying what was found and what to install, and exits 1.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

MINIMUM_MAJOR = 22
INSTALL = ("install Node.js 22 or 24 LTS (https://nodejs.org/en/download, or nvm install 22 / fnm install 22) "
           "and put it first on PATH")


def node_problem(node: str | None = None) -> str | None:
    """Why the ``node`` on PATH cannot run the CDK targets, or None."""
    node = node or shutil.which("node")
    if node is None:
        return f"the CDK targets need Node.js >= {MINIMUM_MAJOR}, and there is no 'node' on PATH: {INSTALL}"
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {node} --version ({exc}): {INSTALL}"
    match = re.match(r"^v?(\d+)\.", version)
    if not match:
        return f"{node} --version printed {version!r}, not a Node.js version: {INSTALL}"
    if int(match.group(1)) < MINIMUM_MAJOR:
        return (f"the CDK targets need Node.js >= {MINIMUM_MAJOR}; {node} is {version}, out of support "
                f"(Node 20 ended in April 2026): {INSTALL}")
    return None


def main() -> int:
    problem = node_problem()
    if problem:
        print(f"groundlink: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
