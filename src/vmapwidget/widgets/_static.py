"""Locations of the bundled frontend modules shipped in the wheel."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def bundle(name: str) -> Path:
    """Path of ``static/<name>.js``; a clear error when the JS was never built."""
    path = STATIC / f"{name}.js"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the frontend was not built. From a source checkout run "
            "`npm install && npm run build` (pip install . does this for you)."
        )
    return path
