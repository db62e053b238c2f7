"""The portal's routes by audience: `public` (login, health), `units` (a unit's forms, uploads
and receipts: its submitters and the office), `office` (the supervision office's desk),
`reading` (published data and bulletins: analysts and the office), `api` (JSON, Bearer)."""
