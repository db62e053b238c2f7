"""Intake: landing files → receipts → the raw store. Depends on nothing after it.

Modules, in the order a file meets them:

- `settings` — CST, the reference folder, `IntakePaths` (a home's folders and raw store)
- `months` — the `YYYY-MM` parser and month arithmetic
- `forms` — the form registry (headers, types, rules by name)
- `reference` — the reference CSVs (units, catalog, calendar, campaigns)
- `calendar` — who owes which form for a month, due dates, on-time judgement
- `landing` — files in the landing folder (`discover`, `landing_months`)
- `safety` — checks on an untrusted file before any parser
- `identify` — the unit and the form of a landing file
- `readers` — .xlsx/.csv into text columns and Excel row numbers
- `normalize` — number/date normalisation (DuckDB macros, Python twins)
- `validate/` — every rule, collecting every problem
- `receipts` — JSON and Chinese HTML receipts
- `store` — the raw store (`open_store`, schema, `StoreBusy`)
- `load` — one file into the store, in one transaction
- `intake` — the run (`ingest_month`, `ingest_all`, `validate_file`)
- `status` — who submitted what for a month

The intake contract is described in docs/FORMS.md of the repository.
"""
