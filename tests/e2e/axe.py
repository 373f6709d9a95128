"""axe-core, the accessibility engine, fetched from the npm registry at test time.

The script is not kept in the repository: ``npm pack`` downloads the pinned
version once into pytest's cache folder (``.pytest_cache/``, ignored by git),
its SHA-512 is checked against the one pinned here, and later runs read it from
there. Without npm or the registry the accessibility tests are skipped with the
reason.
"""

import base64
import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZ"
    "e37OgudVGtQ=="
)
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}


def _integrity(path):
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def axe_source(cache_dir):
    """The text of axe.min.js, from the cache or the npm registry."""
    cache_dir = Path(cache_dir)
    script = cache_dir / f"axe-{VERSION}.min.js"
    if script.exists():
        return script.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "npm no está instalado: no se puede traer axe-core del registro npm. / "
            "npm is missing: axe-core cannot be fetched."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(
            [npm, "pack", f"axe-core@{VERSION}", "--pack-destination", str(cache_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        result = None
    if result is None or result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1:] if result else ["timeout"]
        pytest.skip(
            f"No se pudo descargar axe-core {VERSION} del registro npm ({detail}). "
            "/ axe-core could not be fetched from the npm registry."
        )
    tarball = cache_dir / f"axe-core-{VERSION}.tgz"
    if _integrity(tarball) != INTEGRITY:
        tarball.unlink()
        raise AssertionError(f"axe-core {VERSION}: the download's SHA-512 differs")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        script.write_bytes(member.read())
    tarball.unlink()
    return script.read_text(encoding="utf-8")


def audit(page):
    """The serious and critical violations on the page, as readable lines."""
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            problems.append(
                f"{violation['id']} ({violation['impact']}): "
                f"{' '.join(node['target'])} — {node['failureSummary'].strip()}"
            )
    return problems
