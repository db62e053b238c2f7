"""Builders of the bad-file corpus (and of the good files it is tested next to).

Every builder writes one real file at the path it is given. The good files are
investment_signings returns of ist (a form that needs no plan): `signing_rows`
yields rows that pass every rule for the month, so the same builders serve the
benchmark.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter

from ingest.forms import FORMS, INVESTMENT_SIGNINGS

MONTH = "2021-03"
"""The month every corpus file is submitted for."""

INDUSTRIES = ("先进装备制造", "新材料", "电子信息", "食品", "生物医药")
INVESTORS = ("河南某某实业有限公司", "焦作市某某投资集团", "深圳某某科技股份有限公司")


def signing_rows(n: int, month: str = MONTH, start: int = 1) -> Iterator[list[str]]:
    """`n` valid investment_signings rows for `month`, codes numbered from `start`."""
    year, mon = (int(x) for x in month.split("-"))
    for i in range(start, start + n):
        day = 1 + i % 28
        yield [
            f"QY{year}{mon:02d}-{i:07d}",
            f"招商项目{i}号",
            INVESTORS[i % len(INVESTORS)],
            date(year, mon, day).isoformat(),
            f"{1 + (i % 97) / 10:.1f}",
            INDUSTRIES[i % len(INDUSTRIES)],
            "",
        ]


def write_signings_csv(
    path: Path, n: int, month: str = MONTH, start: int = 1, encoding: str = "utf-8-sig"
) -> Path:
    """A valid investment_signings CSV with `n` rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(INVESTMENT_SIGNINGS.headers)
        writer.writerows(signing_rows(n, month, start))
    return path


def write_signings_xlsx(path: Path, n: int, month: str = MONTH, start: int = 1) -> Path:
    """A valid investment_signings workbook with `n` rows (constant-memory writer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("investment_signings")
    ws.write_row(0, 0, INVESTMENT_SIGNINGS.headers)
    for r, row in enumerate(signing_rows(n, month, start), start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def write_csv_rows(path: Path, header: list[str], rows: list[list[str]], encoding="utf-8") -> Path:
    """A CSV with the given header and rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _good_xlsx_bytes(rows: int = 20) -> bytes:
    """The bytes of a small valid signings workbook."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("investment_signings")
    ws.write_row(0, 0, INVESTMENT_SIGNINGS.headers)
    for r, row in enumerate(signing_rows(rows), start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


def _rewrite_zip(src: bytes, path: Path, replace: dict[str, bytes]) -> Path:
    """Copy a zip's members to `path`, replacing some members' content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info))
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


# ---------- the bad files


def write_truncated_xlsx(path: Path) -> Path:
    """A workbook cut in half (an interrupted upload): no central directory."""
    data = _good_xlsx_bytes(200)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: len(data) // 2])
    return path


def write_encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE2/CFB container."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + bytes.fromhex("3e000300feff0900")
    body = header + b"\x06\x00" + b"\x00" * 470
    body += b"EncryptionInfo\x00EncryptedPackage\x00" + bytes(range(256)) * 24
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def write_png_as_xlsx(path: Path) -> Path:
    """A PNG image renamed to .xlsx."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG_BYTES)
    return path


def write_csv_as_xlsx(path: Path) -> Path:
    """A CSV text file renamed to .xlsx."""
    return write_signings_csv(path, 5)


CHART_ONLY_PARTS: dict[str, str] = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="图表1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>'
    ),
    "xl/chartsheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>'
    ),
}


def write_chart_only_xlsx(path: Path) -> Path:
    """A workbook whose only sheet is a chart sheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in CHART_ONLY_PARTS.items():
            zf.writestr(name, text.encode())
    return path


def write_zip_bomb_xlsx(path: Path, expanded_mb: int = 400) -> Path:
    """A real workbook whose sheet part expands to `expanded_mb` MB of padding.

    Streamed with zipfile, so the file on disk stays well under 1 MB.
    """
    src = _good_xlsx_bytes(5)
    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info), zipfile.ZIP_DEFLATED)
                continue
            sheet = zin.read(info)
            cut = sheet.index(b"<sheetData>")
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(target, "w", force_zip64=True) as part:
                part.write(sheet[:cut])
                for _ in range(expanded_mb):
                    part.write(chunk)
                part.write(sheet[cut:])
    return path


def write_lying_zip_bomb_xlsx(
    path: Path, inflated: int = 3 * 2**30 + 2**20, declared: int = 200_000
) -> Path:
    """A real workbook whose sheet part declares `declared` bytes and inflates to more than
    `inflated` (3 GiB by default): a zip directory that lies about the size.

    zipfile writes the part as a stored member holding a hand-made deflate stream (the sheet's
    head, then one 1 MiB block of spaces, compressed once and repeated, then the sheet's
    tail; each segment ends with a full flush, so the repetition is a valid stream of a
    few MB); then the part's headers, local and central, are patched: deflated, the CRC of
    what it really inflates to, and the declared size.
    """
    src = _good_xlsx_bytes(5)
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(src)) as zin:
        sheet = zin.read(name)
        others = [(i, zin.read(i)) for i in zin.infolist() if i.filename != name]
    cut = sheet.index(b"<sheetData>")
    pad = b" " * 2**20
    repeats = -(-inflated // len(pad))
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = co.compress(sheet[:cut]) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(pad) + co.flush(zlib.Z_FULL_FLUSH)
    tail = co.compress(sheet[cut:]) + co.flush(zlib.Z_FINISH)
    crc = zlib.crc32(sheet[:cut])
    for _ in range(repeats):
        crc = zlib.crc32(pad, crc)
    crc = zlib.crc32(sheet[cut:], crc)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zout:
        for info, data in others:
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        with zout.open(zipfile.ZipInfo(name), "w") as part:
            part.write(head)
            for _ in range(repeats):
                part.write(block)
            part.write(tail)
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, at_method in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(encoded)] == encoded:
                struct.pack_into("<H", data, at + at_method, zipfile.ZIP_DEFLATED)
                struct.pack_into("<I", data, at + at_method + 6, crc)
                struct.pack_into("<I", data, at + at_method + 14, declared)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def write_wide_csv(path: Path, columns: int = 10_000, rows: int = 5) -> Path:
    """A CSV of `columns` columns (about 240 KB at the defaults): the form's headers, then
    thousands more."""
    header = [*INVESTMENT_SIGNINGS.headers] + [f"列{j}" for j in range(columns - 7)]
    body = [[f"{i}" for i in range(columns)] for _ in range(rows)]
    return write_csv_rows(path, header, body)


BILLION_LAUGHS_DTD = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def write_billion_laughs_xlsx(path: Path) -> Path:
    """A workbook whose shared strings declare nested entities (billion laughs)."""
    src = _good_xlsx_bytes(5)
    with zipfile.ZipFile(io.BytesIO(src)) as zin:
        sst = zin.read("xl/sharedStrings.xml")
    decl_end = sst.index(b"?>") + 2
    first_t = sst.index(b"<t>") + 3
    bomb = sst[:decl_end] + b"\n" + BILLION_LAUGHS_DTD + sst[decl_end:first_t] + b"&lol9;"
    bomb += sst[sst.index(b"</t>", first_t) :]
    return _rewrite_zip(src, path, {"xl/sharedStrings.xml": bomb})


def write_utf16_csv(path: Path) -> Path:
    """A valid-looking signings CSV saved as UTF-16 (Excel's "Unicode text")."""
    return write_signings_csv(path, 5, encoding="utf-16")


def write_mojibake_csv(path: Path) -> Path:
    """A signings CSV in Big5: the bytes decode as GB18030, but into no known header."""
    header = list(INVESTMENT_SIGNINGS.headers)
    rows = [r for r in signing_rows(5)]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    text = buf.getvalue().replace("签约", "簽約").replace("项目", "項目").replace("协议", "協議")
    text = text.replace("产业", "產業").replace("类别", "類別").replace("投资", "投資")
    text = text.replace("落地", "落地").replace("编号", "編號").replace("额", "額")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("big5", errors="replace"))
    return path


def write_wrong_headers_csv(path: Path) -> Path:
    """A CSV whose header row is another form's."""
    other = FORMS["econ_indicators"].headers
    return write_csv_rows(path, list(other), [["gdp", "地区生产总值", "", "万元"]])


def write_missing_required_csv(path: Path) -> Path:
    """A signings CSV without the required 协议投资额(亿元) column."""
    header = list(INVESTMENT_SIGNINGS.headers)
    drop = header.index("协议投资额(亿元)")
    rows = [r[:drop] + r[drop + 1 :] for r in signing_rows(5)]
    return write_csv_rows(path, header[:drop] + header[drop + 1 :], rows)


def write_extra_column_csv(path: Path) -> Path:
    """A valid signings CSV with an extra column (accepted with a warning)."""
    header = [*INVESTMENT_SIGNINGS.headers, "联系人"]
    rows = [[*r, "张三"] for r in signing_rows(5)]
    return write_csv_rows(path, header, rows)


def write_empty(path: Path) -> Path:
    """A 0-byte file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def write_header_only_csv(path: Path, form_code: str = "econ_indicators") -> Path:
    """A CSV with the header row only, for a form that does not allow that."""
    return write_csv_rows(path, list(FORMS[form_code].headers), [])


def write_symlink(path: Path) -> Path:
    """A symlink in the landing tree to a valid file outside it."""
    target = path.parent.parent.parent.parent / "outside" / path.name
    write_signings_csv(target, 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def write_symlinked_folder(path: Path) -> Path:
    """A unit folder that is a symlink to a folder outside holding a valid file: `path` is
    the link itself (it is receipted by its own name; nothing behind it is listed)."""
    outside = path.parent.parent.parent / "outside_unit"
    write_signings_csv(outside / "investment_signings.csv", 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside, target_is_directory=True)
    return path


def write_good_csv(path: Path) -> Path:
    """A small valid signings CSV, used at a wrong place or under a wrong name."""
    return write_signings_csv(path, 5)


@dataclass(frozen=True)
class BadCase:
    """One corpus entry: where the file lands, how it is built, and the rule expected."""

    id: str
    rel: str
    """Path relative to the landing folder."""
    build: Callable[[Path], Path]
    rule: str
    is_safety: bool = True
    """True when `ingest.safety.check_file` itself rejects the file."""


U = f"{MONTH}/ist"
CASES: tuple[BadCase, ...] = (
    BadCase(
        "truncated", f"{U}/investment_signings_trunc.xlsx", write_truncated_xlsx, "corrupt_xlsx"
    ),
    BadCase(
        "encrypted", f"{U}/investment_signings_pw.xlsx", write_encrypted_xlsx, "encrypted_workbook"
    ),
    BadCase("png_renamed", f"{U}/investment_signings_png.xlsx", write_png_as_xlsx, "not_xlsx"),
    BadCase("csv_renamed", f"{U}/investment_signings_csv.xlsx", write_csv_as_xlsx, "not_xlsx"),
    BadCase(
        "chart_only", f"{U}/investment_signings_chart.xlsx", write_chart_only_xlsx, "no_worksheet"
    ),
    BadCase("zip_bomb", f"{U}/investment_signings_bomb.xlsx", write_zip_bomb_xlsx, "zip_bomb"),
    BadCase(
        "billion_laughs",
        f"{U}/investment_signings_lol.xlsx",
        write_billion_laughs_xlsx,
        "xml_entities",
    ),
    BadCase("utf16", f"{U}/investment_signings_utf16.csv", write_utf16_csv, "bad_encoding"),
    BadCase("empty", f"{U}/investment_signings_empty.csv", write_empty, "empty_file"),
    BadCase("symlink", f"{U}/investment_signings_link.csv", write_symlink, "symlink"),
    BadCase("symlinked_folder", f"{MONTH}/lce", write_symlinked_folder, "symlink"),
    BadCase("under_month", f"{MONTH}/investment_signings.csv", write_good_csv, "bad_location"),
    BadCase("nested", f"{U}/sub/investment_signings.csv", write_good_csv, "bad_location"),
    BadCase(
        "bad_extension", f"{U}/investment_signings.xls", write_encrypted_xlsx, "unsupported_type"
    ),
)
"""Files `check_file` rejects before any parser runs."""
