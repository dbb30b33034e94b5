"""Locations of the built frontend files shipped in the wheel (``npm run build`` writes them).

Each widget class has one ES module (``_esm``, ``bundle(name)``) and one stylesheet (``_css``,
``bundle(name, "css")``): anywidget loads a class's stylesheet once per page, not per view.
"""

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def bundle(name: str, kind: str = "js") -> Path:
    """Path of ``static/<name>.<kind>``; a clear error when the frontend was never built."""
    path = STATIC / f"{name}.{kind}"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the frontend was not built. From a source checkout run "
            "`npm install && npm run build` (pip install . does this for you)."
        )
    return path
