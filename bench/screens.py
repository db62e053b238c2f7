"""Pictures of what people read in a home: the month's bulletin (HTML, and the PDF's pages
when `pdftoppm` is installed), its gate reports, the receipts of a unit and the Data Docs,
each at a desk (1280 px) and a phone (390 px) width, in Debian's Chromium with every request
that would leave the machine refused.

Not a benchmark: a way to look at a change. Point it at the homes of two checkouts' demos
to put the before and the after side by side:

    .venv/bin/python bench/screens.py --home .zonewh --month 2014-05 --unit lce --out /tmp/after

It reads only the files a home already holds (any version of this project), so an older
checkout's home works as well. Prints each picture's path; exit 1 when the home holds none of
the month's pages.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (1280, 390)


def pages(home: Path, month: str, unit: str | None) -> list[tuple[str, Path]]:
    """(name, file) of every page of `month` the home holds."""
    reports = home / "reports" / month
    found = [("bulletin", reports / "bulletin.html")]
    found += [(f"gate-{p.stem}", p) for p in sorted((reports / "gate").glob("*.html"))]
    receipts = home / "receipts" / month
    for folder in sorted(receipts.glob(unit or "*")):
        found += [(f"receipt-{folder.name}-{p.stem}", p) for p in sorted(folder.glob("*.html"))]
    docs = home / "gx" / "data_docs" / "local_site" / "index.html"
    found.append(("data-docs", docs))
    return [(name, path) for name, path in found if path.is_file()]


def shoot(found: list[tuple[str, Path]], out: Path) -> list[Path]:
    """Screenshots of each page at each width; returns their paths."""
    from playwright.sync_api import sync_playwright

    shots: list[Path] = []
    outside: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.route("**/*", route)
                page = context.new_page()
                for name, path in found:
                    page.goto(path.resolve().as_uri(), wait_until="load")
                    shot = out / f"{name}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    shots.append(shot)
                context.close()
        finally:
            browser.close()
    for url in sorted(set(outside)):
        print(f"refused a request that would leave the machine: {url}")
    return shots


def pdf_pages(pdf: Path, out: Path) -> list[Path]:
    """Each page of the PDF as a PNG (`pdftoppm`, 60 dpi); none when it is not installed."""
    if not pdf.is_file() or shutil.which("pdftoppm") is None:
        return []
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "bulletin-pdf")], check=True
    )
    return sorted(out.glob("bulletin-pdf-*.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(".zonewh"))
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--unit", help="only this unit's receipts (default: every unit's)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("error: Debian's chromium is not installed (make setup installs it as root)")
        return 2
    found = pages(args.home, args.month, args.unit)
    if not found:
        print(f"error: {args.home} holds no pages of {args.month}")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for shot in shoot(found, args.out) + pdf_pages(
        args.home / "reports" / args.month / "bulletin.pdf", args.out
    ):
        print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
