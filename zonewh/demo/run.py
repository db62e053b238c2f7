"""`zonewh demo`: write the demo submissions and run every demo month, in order, through the
same steps as `zonewh run`; print a table of the outcomes and the portal's demo accounts."""

from __future__ import annotations

from typing import Any

from ..config import Paths
from ..config import paths as default_paths


def run_demo(console: Any, paths: Paths | None = None) -> int:
    """Write the demo submissions and run every demo month in order; 0 if all published."""
    from rich.table import Table

    from ..console import print_run_result
    from ..gate.suites import build_data_docs
    from ..progress import progress_bar
    from ..steps import RunResult, run_month
    from . import write_demo

    p = (paths or default_paths()).ensure()
    months = write_demo(p.landing)
    console.print(f"demo: {len(months)} months written under {p.landing}")
    results: list[RunResult] = []
    with progress_bar(console) as progress:
        overall = progress.add_task("demo months", total=len(months))
        for month in months:
            results.append(run_month(month, p, label=f"zonewh demo ({month})"))
            progress.advance(overall)
    table = Table(title="zonewh demo")
    for column in ("month", "published", "failures", "warnings", "seconds"):
        table.add_column(column, justify="right" if column != "month" else "left")
    for r in results:
        gate = r.gate
        table.add_row(
            r.month,
            "[green]yes[/]" if r.published else f"[red]{r.outcome}[/]",
            ", ".join(gate.failing_codes) if gate else "?",
            ", ".join(c.code for c in gate.warnings) if gate else "",
            f"{r.seconds:.1f}",
        )
    console.print(table)
    for r in results:
        if not r.published:
            print_run_result(console, r)
    try:
        console.print(f"Data Docs: {build_data_docs(p)}")
    except Exception as exc:  # noqa: BLE001 - the publications stand without the docs
        console.print(f"[yellow]Data Docs not built: {exc}[/]")
    console.print(f"published file: {p.published}")
    print_demo_accounts(console, p, months)
    return 0 if all(r.published for r in results) else 1


def print_demo_accounts(console: Any, p: Paths, months: list[str]) -> None:
    """Create the portal's demo accounts (office, analyst, one submitter per unit that owes
    forms) and print their passwords, once: they are random and kept nowhere else."""
    from rich.table import Table

    from ..portal.accounts import demo_accounts

    accounts = demo_accounts(p, months)
    table = Table(title="portal accounts (zonewh serve): passwords shown once")
    for column in ("account", "role", "unit", "password"):
        table.add_column(column)
    for a in accounts:
        table.add_row(a.name, a.role, a.unit_code, a.password or "(exists, unchanged)")
    console.print(table)
