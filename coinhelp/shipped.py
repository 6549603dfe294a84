"""Where the files that ship with coinhelp are: its templates and the curated FAQ.

In a checkout they are the repository's top-level `templates/` and `faq/`,
where people edit them. A built wheel carries them inside this package, as
`coinhelp/_shipped/templates` and `coinhelp/_shipped/faq` (setup.py maps the
folders there), so an installed coinhelp needs no checkout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_IN_WHEEL = PACKAGE_DIR / "_shipped"
_ROOT = _IN_WHEEL if _IN_WHEEL.is_dir() else PACKAGE_DIR.parent

TEMPLATES_DIR = _ROOT / "templates"
CURATED_FAQ_DIR = _ROOT / "faq"
