"""`python -m zonewh.orchestration setup [--no-manifest] | pool | manifest`."""

from __future__ import annotations

from .setup import main

raise SystemExit(main())
