"""check_file on every corpus file, directly (no pipeline): fast."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from badfiles import CASES, MONTH, write_signings_csv, write_signings_xlsx

from ingest import safety
from ingest.errors import FileRejected
from ingest.safety import check_file, check_row_count, row_cap


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """An empty landing folder inside a home folder."""
    root = tmp_path / "home" / "landing"
    root.mkdir(parents=True)
    return root


def _rejected(path: Path, landing: Path) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        check_file(path, landing)
    return info.value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_file_is_rejected_with_its_rule(case, landing: Path) -> None:
    path = landing / case.rel
    case.build(path)
    exc = _rejected(path, landing)
    assert len(exc.problems) == 1
    problem = exc.problems[0]
    assert problem.rule == case.rule
    assert problem.severity == "error"
    # Both languages name the file.
    assert path.name in problem.message_zh
    assert path.name in problem.message_en
    assert problem.message_zh != problem.message_en


def _fingerprint(path: Path) -> tuple:
    """The bytes' hash and the time of a file; of a linked folder, where it points."""
    if path.is_symlink() and path.is_dir():
        return os.readlink(path), path.lstat().st_mtime_ns
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_leaves_the_file_untouched(case, landing: Path) -> None:
    path = landing / case.rel
    case.build(path)
    before = _fingerprint(path)
    with pytest.raises(FileRejected):
        check_file(path, landing)
    assert _fingerprint(path) == before


def test_valid_csv_and_xlsx_pass(landing: Path) -> None:
    check_file(write_signings_csv(landing / MONTH / "ist" / "investment_signings.csv", 50), landing)
    xlsx = landing / MONTH / "ist" / "investment_signings_第二版.XLSX"
    check_file(write_signings_xlsx(xlsx, 50), landing)


def test_relative_path_and_unresolved_landing(landing: Path, monkeypatch) -> None:
    write_signings_csv(landing / MONTH / "ist" / "investment_signings.csv", 3)
    monkeypatch.chdir(landing)
    check_file(Path(MONTH) / "ist" / "investment_signings.csv", Path("."))


def test_dotdot_in_path_is_outside(landing: Path) -> None:
    write_signings_csv(landing / MONTH / "ist" / "investment_signings.csv", 3)
    sneaky = landing / MONTH / "ist" / ".." / "ist" / "investment_signings.csv"
    assert _rejected(sneaky, landing).problems[0].rule == "path_outside_landing"


def test_file_outside_landing(landing: Path) -> None:
    path = write_signings_csv(landing.parent / "elsewhere" / "investment_signings.csv", 3)
    assert _rejected(path, landing).problems[0].rule == "path_outside_landing"


def test_landing_itself_behind_a_symlink_is_fine(tmp_path: Path) -> None:
    real = tmp_path / "real_landing"
    write_signings_csv(real / MONTH / "ist" / "investment_signings.csv", 3)
    link = tmp_path / "landing_link"
    link.symlink_to(real, target_is_directory=True)
    check_file(link / MONTH / "ist" / "investment_signings.csv", link)


def test_symlinked_month_folder(landing: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside_month"
    write_signings_csv(outside / "ist" / "investment_signings.csv", 3)
    (landing / MONTH).symlink_to(outside, target_is_directory=True)
    exc = _rejected(landing / MONTH / "ist" / "investment_signings.csv", landing)
    assert exc.problems[0].rule == "symlink"
    assert MONTH in exc.problems[0].message_en


def test_bad_month_folder_name(landing: Path) -> None:
    path = write_signings_csv(landing / "2021-13" / "ist" / "investment_signings.csv", 3)
    assert _rejected(path, landing).problems[0].rule == "bad_location"


def test_folder_named_like_a_file_is_not_regular(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.csv"
    path.mkdir(parents=True)
    assert _rejected(path, landing).problems[0].rule == "not_regular_file"


def test_fifo_is_not_regular(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.csv"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    assert _rejected(path, landing).problems[0].rule == "not_regular_file"


def test_missing_file(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.csv"
    assert _rejected(path, landing).problems[0].rule == "missing_file"


def test_too_large_csv(landing: Path, monkeypatch) -> None:
    path = write_signings_csv(landing / MONTH / "ist" / "investment_signings.csv", 200)
    monkeypatch.setattr(safety, "MAX_CSV_BYTES", path.stat().st_size - 1)
    exc = _rejected(path, landing)
    assert exc.problems[0].rule == "too_large"
    assert exc.problems[0].value == str(path.stat().st_size)


def test_too_large_sparse_xlsx(landing: Path) -> None:
    """A 60 MB sparse file named .xlsx is refused on size before it is opened."""
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)
    assert _rejected(path, landing).problems[0].rule == "too_large"


def test_declared_total_over_cap_is_a_bomb(landing: Path, monkeypatch) -> None:
    path = write_signings_xlsx(landing / MONTH / "ist" / "investment_signings.xlsx", 500)
    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist())
    monkeypatch.setattr(safety, "MAX_XLSX_UNCOMPRESSED", total - 1)
    exc = _rejected(path, landing)
    assert exc.problems[0].rule == "zip_bomb"
    assert exc.problems[0].value == str(total)


def test_utf16_xml_part_with_doctype(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    src = write_signings_xlsx(landing.parent / "src.xlsx", 5)
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(path.parent.mkdir(parents=True) or path, "w") as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/styles.xml":
                data = '<?xml version="1.0" encoding="UTF-16"?><!doctype x [<!entity a "b">]><x/>'
                data = data.encode("utf-16")
            zout.writestr(info.filename, data)
    assert _rejected(path, landing).problems[0].rule == "xml_entities"


def test_zip_without_workbook_part(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert _rejected(path, landing).problems[0].rule == "not_xlsx"


def test_encrypted_zip_member(landing: Path) -> None:
    path = write_signings_xlsx(landing / MONTH / "ist" / "investment_signings.xlsx", 5)
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in every central directory entry.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    assert _rejected(path, landing).problems[0].rule == "encrypted_workbook"


def test_workbook_renamed_to_csv(landing: Path) -> None:
    src = write_signings_xlsx(landing.parent / "src.xlsx", 5)
    path = landing / MONTH / "ist" / "investment_signings.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(src.read_bytes())
    assert _rejected(path, landing).problems[0].rule == "not_csv"


def test_row_cap() -> None:
    assert row_cap() == 2_000_000
    check_row_count(row_cap(), Path("x/investment_signings.csv"))
    with pytest.raises(FileRejected) as info:
        check_row_count(row_cap() + 1, Path("x/investment_signings.csv"), sheet="Sheet1")
    problem = info.value.problems[0]
    assert (problem.rule, problem.sheet, problem.value) == ("too_many_rows", "Sheet1", "2000001")


def _replace_part(src: Path, dest: Path, name: str, data: bytes) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info))
    return dest


def test_doctype_hidden_behind_padding(landing: Path) -> None:
    src = write_signings_xlsx(landing.parent / "src.xlsx", 5)
    data = b'<?xml version="1.0"?>' + b" " * 100_000 + b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    _replace_part(src, path, "xl/styles.xml", data)
    exc = _rejected(path, landing)
    assert exc.problems[0].rule == "xml_entities"
    assert "root element" in exc.problems[0].message_en


def test_entity_words_inside_cell_text_are_fine(landing: Path) -> None:
    """A comment mentioning <!DOCTYPE after the root element is content, not a DTD."""
    src = write_signings_xlsx(landing.parent / "src.xlsx", 5)
    with zipfile.ZipFile(src) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"<sheetData>", b"<!-- <!DOCTYPE and <!ENTITY --><sheetData>", 1)
    assert b"<!-- <!DOCTYPE" in sheet
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    _replace_part(src, path, "xl/worksheets/sheet1.xml", sheet)
    check_file(path, landing)


def test_a_name_without_form_code_is_not_a_safety_matter(landing: Path) -> None:
    """Which form a file is, is decided once, in `ingest.identify` (listing the forms the
    unit owes): the safety checks pass a sound file whatever its name."""
    check_file(write_signings_csv(landing / MONTH / "ist" / "签约项目.csv", 5), landing)


def test_a_sheet_wider_than_the_cap_is_refused_before_it_is_read(landing: Path) -> None:
    path = landing / MONTH / "ist" / "investment_signings.xlsx"
    path.parent.mkdir(parents=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["签约编号", "项目名称"])
    ws.write(5, safety.MAX_COLUMNS - 1, "the last column allowed")
    ws.write(6, 26, "AA")
    wb.close()
    check_file(path, landing)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["签约编号", "项目名称"])
    ws.write(5, 9_999, "far right")
    wb.close()
    problem = _rejected(path, landing).problems[0]
    assert (problem.rule, problem.value) == ("too_many_columns", "10000")
    assert "文件过大或已损坏" in problem.message_zh
