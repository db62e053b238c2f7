"""Intake: landing files → receipts → the raw store. Depends on nothing after it.

Modules, in the order a file meets them:

- `settings` — CST, the reference folder, `IntakePaths` (a home's folders and raw store),
  `IntakeLimits` (quiet period, reader limits, store wait)
- `months` — the `YYYY-MM` parser and month arithmetic
- `forms` — the form registry (headers, types, rules by name)
- `reference` — the reference CSVs (units, catalog, calendar, campaigns)
- `wording` — how a person is told things: Chinese names with codes, Beijing times, cells
- `calendar` — who owes which form for a month, due dates, on-time judgement, and why a
  unit does not owe a form (the year's plan not accepted yet)
- `landing` — entries of the landing folder (`discover`, nothing behind a link), whole
  files (`is_quiet`), the private snapshot (`take`), uploads (`receive`)
- `safety` — checks on an untrusted file before any parser
- `sandbox` — the limited worker process that checks and reads untrusted files
- `identify` — the unit and the form of a landing file (by its name, else its header row)
- `readers` — .xlsx/.csv into text columns and Excel row numbers
- `normalize` — number/date normalisation (DuckDB macros, Python twins)
- `advice` — what to do about each problem (怎么改), by rule
- `validate/` — every rule, collecting every problem
- `receipts` — JSON and Chinese HTML receipts, the latest and every version's own: names,
  Beijing times, cells, lateness, how to resubmit
- `store` — the raw store (`open_store`, `reading`, its lock, schema, `StoreBusy`)
- `load` — one file into the store, in one transaction
- `intake` — the run (`ingest_month`, `ingest_new`, `ingest_all`, `validate_file`) and one
  file at a time (`check_file`, `ingest_file`)
- `waivers` — waivers recorded by the office (`record_waiver`, `revoke_waiver`)
- `status` — who submitted what for a month

The intake contract is described in docs/FORMS.md of the repository.
"""
