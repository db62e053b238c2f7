"""The submission portal and the office's desk (`zonewh serve`).

Units upload their monthly returns and get a receipt in seconds, checked by intake's own code;
the supervision office follows the month (who has submitted, who to chase), records waivers
and skips, starts the month's run and reads its gate reports; analysts read the published
data and the bulletins. Server-rendered Chinese pages (FastAPI + Jinja2, no scripts), a JSON
API with Bearer tokens, accounts and an append-only audit log in
`<home>/portal/portal.sqlite3`.

- `app.py` — `create_app(settings, paths)`; `settings.py` — `PortalSettings` from the
  environment (the secret key is checked); `security.py` — headers, body limit, CSRF;
- `auth.py` — passwords, login limits; `storage.py` — the SQLite records; `deps.py` — who asks;
- `uploads.py` — an upload into the landing tree, its check, the `Loader`;
- `desk.py` — what the pages show; `runs.py` — the month's run; `remind.py` — reminders;
- `routes/` — `public`, `units`, `office`, `reading`, `api`; `templates/`, `static/`.
"""

from __future__ import annotations

from .app import create_app
from .settings import PortalSettings, SecretKeyError

__all__ = ["PortalSettings", "SecretKeyError", "create_app"]
