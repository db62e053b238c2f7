"""Read a submitted .xlsx or .csv into an Arrow table of text columns plus `_row`.

The header row is found by its column names among the first rows (templates carry
a title, a 填报单位 row and notes above it); blank rows and 填表人/审核人 footer rows
are dropped. Every cell is kept as text (leading zeros survive, and so do line breaks
inside a quoted CSV cell, as Excel writes them); `_row` is the row number the submitter
sees (Excel row, or the CSV line where the record starts). A sheet or CSV wider than
`safety.MAX_COLUMNS` is refused before its columns are built.

These parsers see untrusted bytes: intake runs them in the sandbox (`ingest.sandbox`),
a separate process with memory and time limits.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .errors import FileRejected, Problem
from .forms import Form
from .safety import check_column_count, check_row_count

HEADER_SEARCH_ROWS = 30
"""How many rows from the top may hold the header row."""

FOOTER_RE = (
    r"^\s*(填表人|填报人|审核人|审核|制表人|制表|负责人|单位负责人|统计负责人|分管领导|联系人"
    r"|联系电话|填报日期|报送日期|注[:：]|说明[:：])"
)
"""A row whose first non-empty cell matches this is a footer, not data."""


BLANK_RE = r"^[\s\x{3000}\x{a0}]*$"
"""A cell holding only whitespace (RE2 syntax)."""


@dataclass
class SheetData:
    """What a reader found: the sheet, its header row, and the data as text."""

    sheet: str
    header_row: int
    """The row number of the header (as the submitter sees it)."""
    headers: list[str]
    """The non-empty header cells as found, left to right."""
    table: pa.Table
    """One string column per form field (by field code; null when the column is absent)
    plus `_row` (int64)."""
    extra_headers: list[str] = field(default_factory=list)
    """Headers the form does not know (ignored)."""
    missing_optional: list[str] = field(default_factory=list)
    """Optional headers the file lacks (their columns are null)."""
    columns: dict[str, int] = field(default_factory=dict)
    """The form's headers found, by the header text the form gives them → their column
    position (0 = column A), so a problem can name its Excel cell."""

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


def _int_array(values: np.ndarray) -> pa.Array:
    """An int64 Arrow array over a numpy buffer (no pandas import, unlike `pa.array`)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def int_range(start: int, n: int) -> pa.Array:
    """start, start + 1, … (n values) as int64."""
    return _int_array(np.arange(start, start + n, dtype=np.int64))


def clean_header(text: object) -> str:
    """A header cell as compared with the registry: whitespace removed, full-width brackets
    made half-width."""
    if text is None:
        return ""
    s = re.sub(r"\s+", "", str(text))
    return s.replace("（", "(").replace("）", ")")


def read_submission(
    path: Path, form: Form, con: duckdb.DuckDBPyConnection | None = None
) -> SheetData:
    """Read a landing file as `form`; raise `FileRejected` when it cannot be read as one.

    `con`, when given, is the DuckDB connection CSV files are read with (the sandbox keeps
    one, with its own limits); otherwise one is opened for the call."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, form)
    if suffix == ".csv":
        if con is not None:
            return _read_csv(path, form, con)
        own = duckdb.connect()
        try:
            return _read_csv(path, form, own)
        finally:
            own.close()
    raise FileRejected.reason(
        "file_type",
        f"不支持的文件类型“{path.suffix}”，请报送 .xlsx 或 .csv 文件",
        f"unsupported file type {path.suffix!r}; submit .xlsx or .csv",
        value=path.name,
    )


# ---------------------------------------------------------------- header


def _find_header(rows: list[list[object]], form: Form, sheet: str, first_row: int) -> int:
    """The index (in `rows`) of the header row: the row matching most form headers."""
    wanted = {clean_header(h) for h in form.headers}
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({clean_header(c) for c in row} & wanted)
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0 or best_hits < min(2, len(form.required_headers) or 1):
        raise FileRejected.reason(
            "header_not_found",
            f"前 {HEADER_SEARCH_ROWS} 行中未找到“{form.title}”的表头行；"
            f"表头应包含：{'、'.join(form.required_headers)}",
            f"no header row of form {form.code} in the first {HEADER_SEARCH_ROWS} rows; "
            f"expected headers: {', '.join(form.required_headers)}",
            sheet=sheet,
        )
    return best


def header_columns(positions: dict[str, int], form: Form) -> dict[str, int]:
    """Field code → position, as the form's header text → position."""
    return {f.header: positions[f.code] for f in form.fields if f.code in positions}


def column_letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the Excel name of a column."""
    name = ""
    n = position + 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _map_columns(
    header_cells: list[object], form: Form, sheet: str, header_row: int
) -> tuple[dict[str, int], list[str], list[str], list[str]]:
    """Field code → column position; headers found; extra headers; missing optional headers."""
    positions: dict[str, int] = {}
    found: list[str] = []
    extra: list[str] = []
    by_clean = {clean_header(f.header): f for f in form.fields}
    for j, cell in enumerate(header_cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        found.append(text)
        f = by_clean.get(clean_header(text))
        if f is None:
            extra.append(text)
        elif f.code not in positions:
            positions[f.code] = j
    missing = [f for f in form.fields if f.code not in positions]
    missing_required = [f.header for f in missing if f.required]
    if missing_required:
        raise FileRejected(
            [
                Problem(
                    "error",
                    "header_missing",
                    sheet,
                    header_row,
                    h,
                    None,
                    f"缺少必填列“{h}”（第 {header_row} 行表头）",
                    f"required column {h!r} is missing from the header (row {header_row})",
                )
                for h in missing_required
            ]
        )
    return positions, found, extra, [f.header for f in missing]


def _shape(
    data: pa.Table,
    rows: pa.Array,
    positions: dict[str, int],
    form: Form,
    keep: pa.ChunkedArray | pa.Array | None = None,
) -> pa.Table:
    """Columns by field code (null where absent) plus `_row`; blank and footer rows dropped
    (`keep`, when given, already says which rows are data)."""
    n = data.num_rows
    names = data.column_names
    cols: dict[str, pa.Array] = {}
    for f in form.fields:
        j = positions.get(f.code)
        if j is None or j >= len(names):
            cols[f.code] = pa.nulls(n, pa.string())
        else:
            col = data.column(j)
            cols[f.code] = col if col.type == pa.string() else pc.cast(col, pa.string())
    cols["_row"] = rows
    table = pa.table(cols)
    if n == 0:
        return table
    if keep is not None:
        return table if pc.all(keep).as_py() else table.filter(keep)
    texts = [data.column(j) for j in range(len(names))]
    texts = [t if t.type == pa.string() else pc.cast(t, pa.string()) for t in texts]
    first = pc.coalesce(*texts) if texts else pa.nulls(n, pa.string())
    if pc.any(pc.match_substring_regex(first, BLANK_RE)).as_py():
        nulls = pa.nulls(n, pa.string())
        trimmed = [pc.if_else(pc.match_substring_regex(t, BLANK_RE), nulls, t) for t in texts]
        first = pc.coalesce(*trimmed)
    # kleene logic: a null first cell gives false, never null (no Python scalars: pandas-free)
    keep = pc.and_not_kleene(pc.is_valid(first), pc.match_substring_regex(first, FOOTER_RE))
    return table.filter(keep)


# ---------------------------------------------------------------- xlsx


def _sheet_xml_name(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding the worksheet called `sheet_name`."""
    try:
        workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return None
    rid = None
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rel = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', attrs)
        if name and rel and _xml_unescape(name.group(1)) == sheet_name:
            rid = rel.group(1) or rel.group(2)
            break
    if rid is None:
        return None
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = m.group(1)
        if re.search(rf'\bId="{re.escape(rid)}"', attrs):
            target = re.search(r'\bTarget="([^"]*)"', attrs)
            if target:
                t = target.group(1)
                return t.lstrip("/") if t.startswith("/") else "xl/" + t
    return None


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    ).replace("&amp;", "&")


def _first_data_row(path: Path, sheet_name: str) -> int:
    """The Excel row number of the first cell holding a value (where the reader's range
    starts)."""
    with zipfile.ZipFile(path) as zf:
        member = _sheet_xml_name(zf, sheet_name)
        if member is None:
            return 1
        with zf.open(member) as handle:
            buf = ""
            while True:
                chunk = handle.read(1 << 16)
                if not chunk and not buf:
                    return 1
                buf += chunk.decode("utf-8", "ignore")
                for m in re.finditer(r"<c\b[^>]*/>|<c\b([^>]*)>(.*?)</c>", buf, re.DOTALL):
                    if m.group(1) is None:
                        continue
                    body = m.group(2)
                    if "<v" in body or "<is" in body:
                        ref = re.search(r'\br="[A-Z]+(\d+)"', m.group(1))
                        return int(ref.group(1)) if ref else 1
                if not chunk:
                    return 1
                cut = buf.rfind("</c>")
                buf = buf[cut + 4 :] if cut >= 0 else buf[-4096:]


def _pick_sheet(reader: fastexcel.ExcelReader, form: Form) -> str:
    names = reader.sheet_names
    for name in names:
        if name.strip() in (form.code, form.title):
            return name
    return names[0]


def _read_xlsx(path: Path, form: Form) -> SheetData:
    reader = fastexcel.read_excel(str(path))
    sheet_name = _pick_sheet(reader, form)
    sheet = reader.load_sheet(sheet_name, header_row=None, dtypes="string")
    check_column_count(sheet.width, path, sheet_name)
    check_row_count(max(sheet.height - 1, 0), path, sheet_name)
    data = sheet.to_arrow()
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    offset = _first_data_row(path, sheet_name)
    head = data.slice(0, HEADER_SEARCH_ROWS).to_pylist()
    head_rows = [list(r.values()) for r in head]
    h = _find_header(head_rows, form, sheet_name, offset)
    header_row = offset + h
    positions, found, extra, missing = _map_columns(head_rows[h], form, sheet_name, header_row)
    body = data.slice(h + 1)
    check_row_count(body.num_rows, path, sheet_name)
    rows = int_range(header_row + 1, body.num_rows)
    table = _shape(body, rows, positions, form)
    return SheetData(
        sheet_name, header_row, found, table, extra, missing, header_columns(positions, form)
    )


# ---------------------------------------------------------------- csv


def decode_csv(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV and its encoding (utf-8, utf-8-sig or gb18030); rejects others."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return str(memoryview(data)[3:], "utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise FileRejected.reason(
            "encoding",
            "无法识别文件编码：CSV 文件须为 UTF-8（可带 BOM）或 GB18030/GBK 编码",
            "cannot decode the CSV: it must be UTF-8 (with or without BOM) or GB18030/GBK",
            value=path.name,
        ) from None


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: Path, form: Form, con: duckdb.DuckDBPyConnection) -> SheetData:
    raw = path.read_bytes()
    text, encoding = decode_csv(raw, path)
    sheet_name = path.stem
    head_lines: list[str] = []
    pos = 0
    for _ in range(HEADER_SEARCH_ROWS):
        nl = text.find("\n", pos)
        if nl < 0:
            head_lines.append(text[pos:])
            break
        head_lines.append(text[pos : nl + 1])
        pos = nl + 1
    delim = _sniff_delimiter(max(head_lines, key=lambda s: s.count(","), default=""))
    head_rows: list[list[object]] = []
    line_of: list[int] = []
    reader = csv.reader(io.StringIO("".join(head_lines)), delimiter=delim)
    start = 1
    try:
        for rec in reader:
            head_rows.append(list(rec))
            line_of.append(start)
            start = reader.line_num + 1
    except csv.Error:
        pass
    check_column_count(max((len(r) for r in head_rows), default=0), path, sheet_name)
    h = _find_header(head_rows, form, sheet_name, 1)
    header_line = line_of[h]
    positions, found, extra, missing = _map_columns(head_rows[h], form, sheet_name, header_line)
    width = max(len(head_rows[h]), 1)
    header_end = _record_end_line(head_rows, line_of, h, reader.line_num)
    with tempfile.TemporaryDirectory(prefix="zonewh-csv-") as tmp:
        source = path
        if encoding == "gb18030":
            source = Path(tmp) / "utf8.csv"
            source.write_text(text, encoding="utf-8")
        data = _scan_csv(con, source, width, header_end, delim)
    keep = data.column("_keep")
    data = data.drop_columns(["_keep"])
    check_row_count(data.num_rows, path, sheet_name)
    rows = _csv_line_numbers(raw, header_end, data.num_rows, text, delim)
    table = _shape(data, rows, positions, form, keep)
    return SheetData(
        sheet_name, header_line, found, table, extra, missing, header_columns(positions, form)
    )


def _record_end_line(rows: list[list[object]], starts: list[int], h: int, last_line: int) -> int:
    """The last physical line of record `h` (a quoted cell may hold line breaks)."""
    return starts[h + 1] - 1 if h + 1 < len(starts) else last_line


QUOTED_NEWLINES = "quoted new lines"
"""Words of DuckDB's error when its parallel CSV scanner meets a line break inside quotes."""


def _scan_csv(
    con: duckdb.DuckDBPyConnection, source: Path, width: int, skip: int, delim: str
) -> pa.Table:
    """The records after line `skip` as text columns `c0..`, plus `_keep` (not blank, not a
    footer). The parallel scanner is tried first; a file with line breaks inside quoted
    cells (Excel's Alt+Enter) is read again by the serial one, which supports them."""
    columns = "{" + ", ".join(f"'c{j}': 'varchar'" for j in range(width)) + "}"
    for parallel in ("true", "false"):
        try:
            return con.sql(
                f"""
                with cells as (
                    select * from read_csv(?, header = false, auto_detect = false,
                        columns = {columns}, skip = ?, delim = ?, quote = '"', escape = '"',
                        null_padding = true, strict_mode = false, all_varchar = true,
                        parallel = {parallel})
                ),
                final as (
                    select *, {_first_cell_sql(width)} as _first from cells
                )
                select * exclude (_first),
                    coalesce(_first is not null and not regexp_matches(_first, ?), false)
                        as _keep,
                from final
                """,
                params=[str(source), skip, delim, FOOTER_RE],
            ).to_arrow_table()
        except duckdb.Error as exc:
            if parallel == "false" or QUOTED_NEWLINES not in str(exc):
                raise
    raise AssertionError("unreachable")


def _first_cell_sql(width: int) -> str:
    """SQL for a CSV record's first cell holding more than whitespace (null when none)."""
    return (
        "coalesce("
        + ", ".join(
            f"case when regexp_matches(c{j}, '{BLANK_RE}') then null else c{j} end"
            for j in range(width)
        )
        + ")"
    )


_EMPTY_LINE = re.compile(rb"\n\r?\n")


def _csv_line_numbers(raw: bytes, header_end: int, n: int, text: str, delim: str) -> pa.Array:
    """The line number where each data record starts (empty lines are not records).

    `raw` is the file's bytes and `text` its decoded text: a line feed byte is a line
    feed in UTF-8 and in GB18030 alike, so lines are looked for in the bytes. When the
    records are exactly the non-empty lines (no line break inside a quoted cell), the
    numbers come from the bytes alone; otherwise the body is parsed as CSV."""
    body_start = 0
    for _ in range(header_end):
        nl = raw.find(b"\n", body_start)
        body_start = len(raw) if nl < 0 else nl + 1
    blank = _EMPTY_LINE.search(raw, body_start) is not None or raw.startswith(
        (b"\n", b"\r\n"), body_start
    )
    lines = raw.count(b"\n", body_start) + (0 if raw.endswith(b"\n") else 1)
    if body_start >= len(raw):
        lines = 0
    if not blank and lines == n:
        return int_range(header_end + 1, n)
    body_start = 0
    for _ in range(header_end):
        nl = text.find("\n", body_start)
        body_start = len(text) if nl < 0 else nl + 1
    body = text[body_start:]
    if lines == n or '"' not in body:
        starts = [header_end + 1 + i for i, line in enumerate(body.split("\n")) if line.strip("\r")]
    else:
        starts = _record_starts(body, header_end, delim)
    numbers = starts[:n] + list(range(len(starts), n))
    return _int_array(np.array(numbers[:n], dtype=np.int64))


def _record_starts(body: str, header_end: int, delim: str) -> list[int]:
    """The line each non-empty CSV record of `body` starts on (records may span lines)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delim)
    starts: list[int] = []
    first = 1
    try:
        for rec in reader:
            if rec:
                starts.append(header_end + first)
            first = reader.line_num + 1
    except csv.Error:
        pass
    return starts
