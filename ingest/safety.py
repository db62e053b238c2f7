"""Checks on untrusted landing files, before any parser touches them.

A landing file comes from outside: it may sit in the wrong folder, be a
symbolic link out of the landing tree, be empty or huge, be a legacy or
password-protected workbook, a zip bomb (one that may lie about its sizes), or
carry XML entity declarations (billion laughs, external entities).

- `check_place` judges a landing entry by what discovery saw, without opening it:
  a link, a hidden file, an Office lock file, something that is not a regular
  file, or a file in the wrong place is refused.
- `check_content` looks at a regular file (intake's private copy): the type, the
  size, and for `.xlsx` the zip directory, every part inflated as a stream up to
  its cap (the sizes a zip declares are never trusted; a worksheet holding a cell
  beyond `MAX_COLUMNS` is refused on the way), and the first bytes of each XML part.
- `check_file` does both for a path in the landing folder.

Each raises `FileRejected` with one bilingual `Problem` naming the file (by its
name: never a server path) and the reason. Nothing here writes a file or follows
a link.
"""

from __future__ import annotations

import copy
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

from .errors import FileRejected, Problem

MIB = 1024 * 1024

EXTENSIONS: tuple[str, ...] = (".xlsx", ".csv")
"""Accepted file types (case-insensitive)."""

MAX_CSV_BYTES = 200 * MIB
MAX_XLSX_BYTES = 50 * MIB
MAX_XLSX_UNCOMPRESSED = 300 * MIB
"""Cap on the sum of the declared uncompressed sizes of a workbook's parts."""
MAX_COMPRESSION_RATIO = 200.0
"""Cap on one part's uncompressed/compressed ratio (real sheets stay far below)."""
RATIO_CHECK_MIN_BYTES = 1 * MIB
"""Parts smaller than this are not ratio-checked (tiny parts compress oddly)."""
MAX_ZIP_MEMBERS = 10_000
XML_HEAD_BYTES = 65536
"""How much of each XML part is read (decompressed, in memory) to look for DTDs."""
MAX_WORKBOOK_XML_BYTES = 5 * MIB
MAX_DATA_ROWS = 2_000_000
"""The most data rows one file may carry."""
MAX_COLUMNS = 200
"""The most columns a sheet or CSV may have (the forms have at most 10): a wider file is
refused before any parser builds its columns."""
INFLATE_CHUNK = 1 << 20
"""How much of a zip part is inflated at a time when its real size is measured."""
UNBOUNDED = 1 << 62

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
UNIT_RE = re.compile(r"^[A-Za-z0-9_\-]+$")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
ROOT_ELEMENT_RE = re.compile(rb"<[A-Za-z_]")
"""The start of the root element: after it, no DTD can follow."""
XML_SUFFIXES = (".xml", ".rels", ".vml")
WORKSHEET_REL_RE = re.compile(rb'Type="[^"]*/relationships/worksheet"')
WORKSHEET_PART_RE = re.compile(r"xl/worksheets/[^/]+\.xml$")
WIDE_CELL_RE = re.compile(rb"""r=["']([A-Z]{2,3})[0-9]""")
"""A cell whose column has two or three letters (AA and on)."""

KNOWN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image / PNG 图片"),
    (b"\xff\xd8\xff", "JPEG image / JPEG 图片"),
    (b"GIF8", "GIF image / GIF 图片"),
    (b"%PDF", "PDF document / PDF 文档"),
    (b"Rar!", "RAR archive / RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive / 7z 压缩包"),
    (b"\x1f\x8b", "gzip archive / gzip 压缩包"),
    (b"<", "HTML/XML text / HTML/XML 文本"),
    (b"{\\rtf", "RTF document / RTF 文档"),
)

ENTRY_KINDS = ("file", "link", "hidden", "lock", "other")
"""What discovery may find in the landing folder (`ingest.landing.LandingFile.kind`)."""


def row_cap() -> int:
    """The most data rows a reader should accept from one file."""
    return MAX_DATA_ROWS


def check_row_count(rows: int, path: Path, sheet: str | None = None) -> None:
    """Reject a file whose data rows exceed `row_cap()` (for readers)."""
    cap = row_cap()
    if rows > cap:
        raise _reject(
            "too_many_rows",
            path,
            f"文件数据行数超过上限 {cap:,} 行，请拆分后分别报送",
            f"the file has more than {cap:,} data rows; split it",
            value=str(rows),
            sheet=sheet,
        )


def check_column_count(columns: int, path: Path, sheet: str | None = None) -> None:
    """Reject a sheet or CSV wider than `MAX_COLUMNS` (for readers, before they build columns)."""
    if columns > MAX_COLUMNS:
        raise _reject(
            "too_many_columns",
            path,
            f"文件过大或已损坏：有 {columns:,} 列，超过上限 {MAX_COLUMNS} 列（报表最多 10 列），"
            "请只保留报表的列后重新报送",
            f"the file is too large or damaged: it has {columns:,} columns, more than the cap "
            f"of {MAX_COLUMNS} (the forms have at most 10)",
            value=str(columns),
            sheet=sheet,
        )


def check_file(path: Path, landing: Path) -> None:
    """Check an untrusted landing file before parsing; raise `FileRejected` if unsafe.

    The file must be `<landing>/<YYYY-MM>/<unit_code>/<file>`, a regular file
    reached through no symbolic link, `.xlsx` or `.csv`, non-empty and under the
    size cap; a workbook must be a sound, modest zip with no DTD in its XML and at
    least one worksheet. Which form the file is, is decided later (`ingest.identify`).
    """
    path = Path(path)
    _check_location(path, Path(landing))
    check_content(path)


def check_place(rel: str, kind: str) -> None:
    """Judge a landing entry by what discovery saw, opening nothing: `rel` is its path
    relative to the landing folder, `kind` one of `ENTRY_KINDS`. A link (to a file or a
    folder, at any level), a hidden entry, an Office lock file, anything but a regular
    file, and a file not at `<YYYY-MM>/<unit_code>/<file>` are refused."""
    parts = tuple(rel.split("/"))
    name = Path(parts[-1])
    if kind == "link":
        where_zh = "文件夹或文件" if len(parts) < 3 else "文件"
        where_en = "the folder or file" if len(parts) < 3 else "the file"
        raise _reject(
            "symlink",
            name,
            f"{where_zh}“{rel}”是符号链接，报送目录中不接受链接，请上传文件本身",
            f"{where_en} '{rel}' is a symbolic link; links are not accepted in the landing "
            "tree (nothing behind it was opened)",
            value=rel,
        )
    if kind == "hidden":
        raise _reject(
            "hidden_file",
            name,
            "隐藏文件不予受理（文件名以“.”开头）；请把文件改为不以“.”开头的名称后重新报送",
            "hidden files are not accepted (the name starts with '.'); rename it and submit "
            "it again",
            value=rel,
        )
    if kind == "lock":
        raise _reject(
            "office_lock_file",
            name,
            "这是 Office 打开文件时生成的临时锁定文件（文件名以“~$”开头），不是报送文件，不予受理；"
            "请关闭 Excel 后报送工作簿本身",
            "an Office lock file (the name starts with '~$') is not a submission; close Excel "
            "and submit the workbook itself",
            value=rel,
        )
    if kind != "file":
        raise _reject(
            "not_regular_file",
            name,
            "不是普通文件（可能是文件夹、管道或设备）",
            "not a regular file (a folder, pipe or device)",
            value=rel,
        )
    _check_parts(parts, name)


def check_content(path: Path) -> None:
    """Check a regular file's type, size and content (intake's private copy of a landing
    file: its name is the landing file's name); raise `FileRejected` if unsafe."""
    path = Path(path)
    _check_type(path)
    check_size(path, path.lstat().st_size)
    if path.suffix.lower() == ".xlsx":
        _check_xlsx(path)
    else:
        _check_csv(path)


def check_size(path: Path, size: int) -> None:
    """A file of an accepted type is not empty and not over its type's cap (`path` names
    it; nothing is opened: a file over the cap is refused without being read)."""
    _check_suffix(Path(path))
    suffix = Path(path).suffix.lower()
    cap = MAX_XLSX_BYTES if suffix == ".xlsx" else MAX_CSV_BYTES
    if size == 0:
        raise _reject(
            "empty_file",
            path,
            "文件为空（0 字节），请重新导出后报送",
            "the file is empty (0 bytes)",
            value="0",
        )
    if size > cap:
        raise _reject(
            "too_large",
            path,
            f"文件过大（{size / MIB:.1f} MB），{suffix} 文件上限为 {cap // MIB} MB",
            f"the file is too large ({size / MIB:.1f} MB); the cap for {suffix} is {cap // MIB} MB",
            value=str(size),
        )


def _check_location(path: Path, landing: Path) -> None:
    """The path is exactly <landing>/<YYYY-MM>/<unit>/<file>, with no link on the way."""
    if ".." in path.parts:
        raise _reject(
            "path_outside_landing",
            path,
            "文件路径含有“..”，不在报送目录内",
            "the path contains '..' and is not inside the landing folder",
            value=path.name,
        )
    root = landing.resolve()
    absolute = Path(os.path.abspath(path))
    rel: Path | None = None
    for base in (root, Path(os.path.abspath(landing))):
        if absolute.is_relative_to(base):
            rel = absolute.relative_to(base)
            break
    if rel is None:
        raise _reject(
            "path_outside_landing",
            path,
            "文件不在报送目录内",
            "the file is not inside the landing folder",
            value=path.name,
        )
    parts = rel.parts
    here = root
    for i, part in enumerate(parts):
        here = here / part
        try:
            mode = here.lstat().st_mode
        except FileNotFoundError:
            raise _reject(
                "missing_file",
                path,
                "文件不存在或已被移走",
                "the file does not exist (any more)",
                value=str(rel),
            ) from None
        if stat.S_ISLNK(mode):
            what_zh = "文件" if i == len(parts) - 1 else f"文件夹“{part}”"
            what_en = "the file" if i == len(parts) - 1 else f"the folder '{part}'"
            raise _reject(
                "symlink",
                path,
                f"{what_zh}是符号链接，报送目录中不接受链接，请上传文件本身",
                f"{what_en} is a symbolic link; links are not accepted in the landing tree",
                value=str(rel),
            )
    _check_parts(parts, path)
    if here.resolve() != root / rel:
        raise _reject(
            "path_outside_landing",
            path,
            "文件实际位置不在报送目录内",
            "the file resolves to a place outside the landing folder",
            value=str(rel),
        )


def _check_parts(parts: tuple[str, ...], path: Path) -> None:
    """The path relative to the landing folder is exactly <YYYY-MM>/<unit_code>/<file>."""
    if len(parts) != 3 or not MONTH_RE.match(parts[0]) or not UNIT_RE.match(parts[1]):
        raise _reject(
            "bad_location",
            path,
            "文件位置不对：应放在 <月份YYYY-MM>/<单位代码>/ 文件夹下，不能直接放在月份文件夹"
            "或更深的子文件夹中",
            "wrong location: a file must be at <YYYY-MM>/<unit_code>/<file>, not directly "
            "in the month folder nor in a nested folder",
            value="/".join(parts),
        )


def _check_type(path: Path) -> None:
    """A regular file with an accepted extension."""
    if not stat.S_ISREG(path.lstat().st_mode):
        raise _reject(
            "not_regular_file",
            path,
            "不是普通文件（可能是文件夹、管道或设备）",
            "not a regular file (a folder, pipe or device)",
            value=path.name,
        )
    _check_suffix(path)


def _check_suffix(path: Path) -> None:
    """An accepted extension."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise _reject(
            "unsupported_type",
            path,
            f"不支持的文件类型“{suffix or '无扩展名'}”，请报送 .xlsx 或 .csv 文件",
            f"unsupported file type '{suffix or 'no extension'}'; send .xlsx or .csv",
            value=path.name,
        )


def _check_xlsx(path: Path) -> None:
    """A sound, modest zip: no legacy/encrypted container, no bomb, no DTD, a worksheet."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(CFB_MAGIC):
        raise _reject(
            "encrypted_workbook",
            path,
            "该文件是加密（设置了打开密码）或旧版 .xls 格式的工作簿，无法读取；"
            "请取消密码，并在 Excel 中“另存为” Excel 工作簿(.xlsx) 后重新报送",
            "the workbook is password-protected (encrypted) or a legacy .xls file; "
            "remove the password and save it as an Excel workbook (.xlsx)",
            value=head.hex(" "),
        )
    if not head.startswith(ZIP_MAGIC):
        kind = _sniff(head)
        raise _reject(
            "not_xlsx",
            path,
            f"文件内容不是 Excel 工作簿（{kind}），可能是其他文件改了扩展名；"
            "请在 Excel 中另存为 .xlsx 后报送",
            f"the content is not an Excel workbook ({kind}); it was probably renamed; "
            "save it as .xlsx from Excel",
            value=head.hex(" "),
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _reject(
            "corrupt_xlsx",
            path,
            "工作簿已损坏或不完整（可能上传中断），请重新保存后报送",
            f"the workbook is damaged or truncated (upload interrupted?): {exc}",
        ) from None
    with zf:
        _check_zip_directory(path, zf)
        _check_inflation(path, zf)
        _check_xml_parts(path, zf)
        _check_worksheet(path, zf)


def _check_zip_directory(path: Path, zf: zipfile.ZipFile) -> None:
    """Member count, encryption flags, declared sizes and compression ratios."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _reject(
            "zip_bomb",
            path,
            f"工作簿内部部件过多（{len(infos)} 个），疑似恶意文件",
            f"the workbook has too many parts ({len(infos)}); refused as a zip bomb",
            value=str(len(infos)),
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _reject(
                "encrypted_workbook",
                path,
                "工作簿内容被加密，请取消密码后另存为 .xlsx 再报送",
                "the workbook's parts are encrypted; remove the password and save as .xlsx",
                value=info.filename,
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _reject(
                "corrupt_xlsx",
                path,
                "工作簿使用了不支持的压缩方式，请在 Excel 中重新另存为 .xlsx",
                f"part {info.filename} uses an unsupported compression method "
                f"({info.compress_type}); save again from Excel",
                value=info.filename,
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _reject(
                "zip_bomb",
                path,
                f"工作簿部件 {info.filename} 压缩比异常（{ratio:,.0f} 倍），疑似“压缩炸弹”，拒收",
                f"part {info.filename} expands {ratio:,.0f} times "
                f"(cap {MAX_COMPRESSION_RATIO:.0f}); refused as a zip bomb",
                value=f"{info.file_size}/{info.compress_size}",
            )
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _reject(
            "zip_bomb",
            path,
            f"工作簿解压后过大（{total / MIB:,.0f} MB，上限 {MAX_XLSX_UNCOMPRESSED // MIB} MB），"
            "疑似“压缩炸弹”，拒收",
            f"the workbook expands to {total / MIB:,.0f} MB (cap "
            f"{MAX_XLSX_UNCOMPRESSED // MIB} MB); refused as a zip bomb",
            value=str(total),
        )


def _check_inflation(path: Path, zf: zipfile.ZipFile) -> None:
    """Inflate every part as a stream, in chunks, counting the bytes that really come out.

    The sizes in a zip's headers are claims: a part that inflates beyond what it declares
    (or beyond the caps) is refused as soon as it does, without ever holding more than one
    chunk; a part that inflates to less, or whose data is damaged, is refused as damaged.
    """
    total = 0
    for info in zf.infolist():
        if info.is_dir():
            continue
        declared = info.file_size
        budget = min(declared, MAX_XLSX_UNCOMPRESSED - total)
        if declared >= RATIO_CHECK_MIN_BYTES:
            budget = min(budget, int(MAX_COMPRESSION_RATIO * max(info.compress_size, 1)))
        # zipfile stops a part at its declared size (and checks the CRC there): lift that
        # stop, so the part inflates until its data ends or it passes the budget
        probe = copy.copy(info)
        probe.file_size = UNBOUNDED
        inflated = 0
        columns = _ColumnWatch(path) if WORKSHEET_PART_RE.match(info.filename) else None
        try:
            with zf.open(probe) as part:
                while chunk := part.read(INFLATE_CHUNK):
                    inflated += len(chunk)
                    if inflated > budget:
                        break
                    if columns is not None:
                        columns.feed(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error):
            if inflated <= budget:
                raise _reject(
                    "corrupt_xlsx",
                    path,
                    f"工作簿部件 {info.filename} 已损坏，请重新保存后报送",
                    f"part {info.filename} is damaged (its data does not inflate as declared)",
                    value=info.filename,
                ) from None
        if inflated > budget:
            raise _reject(
                "zip_bomb",
                path,
                f"文件过大或已损坏：工作簿部件 {info.filename} 解压后超过其声明的大小"
                f"（声明 {declared:,} 字节）或上限，疑似“压缩炸弹”，拒收",
                f"the file is too large or damaged: part {info.filename} inflates beyond its "
                f"declared size ({declared:,} bytes) or the caps; refused as a zip bomb",
                value=f"{info.filename}: >{budget:,} bytes",
            )
        if inflated != declared:
            raise _reject(
                "corrupt_xlsx",
                path,
                f"工作簿部件 {info.filename} 已损坏（解压后大小与声明不符），请重新保存后报送",
                f"part {info.filename} is damaged: it inflates to {inflated:,} bytes, "
                f"not the {declared:,} it declares",
                value=info.filename,
            )
        total += inflated


class _ColumnWatch:
    """Watches a worksheet part as it inflates for a cell beyond column `MAX_COLUMNS`
    (a reference of two or three letters, `GS1` and on), so a very wide sheet is refused
    before a reader builds its columns."""

    def __init__(self, path: Path):
        self.path = path
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        for match in WIDE_CELL_RE.finditer(text):
            column = 0
            for letter in match.group(1):
                column = column * 26 + letter - 64
            if column > MAX_COLUMNS:
                check_column_count(column, self.path)
        self.tail = text[-16:]


def _check_xml_parts(path: Path, zf: zipfile.ZipFile) -> None:
    """No XML part may declare a DTD or entities (billion laughs, XXE).

    A DTD can only stand in the prolog, before the root element: the prolog is read
    (at most `XML_HEAD_BYTES`, decompressed in memory) and a part whose prolog is longer
    than that is refused too, so padding cannot push a DTD out of sight.
    """
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        head = _read_head(path, zf, info, XML_HEAD_BYTES)
        # UTF-16 XML interleaves NULs; drop them so the markers still match.
        flat = head.replace(b"\x00", b"")
        root = ROOT_ELEMENT_RE.search(flat)
        prolog = (flat[: root.start()] if root else flat).upper()
        for marker in DTD_MARKERS:
            if marker in prolog:
                raise _reject(
                    "xml_entities",
                    path,
                    f"工作簿部件 {info.filename} 含有 DTD/实体声明（{marker.decode()}），"
                    "存在安全风险，拒收；请在 Excel 中重新另存为 .xlsx",
                    f"part {info.filename} declares a DTD/entities ({marker.decode()}); "
                    "refused (entity expansion / external entities)",
                    value=info.filename,
                )
        if root is None and len(head) >= XML_HEAD_BYTES:
            raise _reject(
                "xml_entities",
                path,
                f"工作簿部件 {info.filename} 开头异常（{XML_HEAD_BYTES} 字节内没有根元素），拒收",
                f"part {info.filename} has no root element in its first {XML_HEAD_BYTES} "
                "bytes; refused (a DTD may be hidden behind padding)",
                value=info.filename,
            )


def _check_worksheet(path: Path, zf: zipfile.ZipFile) -> None:
    """The workbook part exists and names at least one worksheet."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise _reject(
            "not_xlsx",
            path,
            "压缩包中没有 xl/workbook.xml，不是 Excel 工作簿",
            "the zip has no xl/workbook.xml; it is not an Excel workbook",
            value=path.name,
        )
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        info = zf.getinfo(rels)
        has_sheet = bool(
            WORKSHEET_REL_RE.search(_read_head(path, zf, info, MAX_WORKBOOK_XML_BYTES))
        )
    else:
        has_sheet = any(n.startswith("xl/worksheets/") and n.endswith(".xml") for n in names)
    if not has_sheet:
        raise _reject(
            "no_worksheet",
            path,
            "工作簿中没有工作表（可能只有图表页），请把数据放在工作表中",
            "the workbook has no worksheet (chart sheets only?); put the data in a worksheet",
            value=path.name,
        )


def _check_csv(path: Path) -> None:
    """Text, not a renamed workbook or binary: no zip/CFB magic, no NUL bytes at the start."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(ZIP_MAGIC) or head.startswith(CFB_MAGIC):
        raise _reject(
            "not_csv",
            path,
            "文件内容是 Excel 工作簿而不是 CSV 文本，请把扩展名改为 .xlsx，或另存为 CSV",
            "the content is an Excel workbook, not CSV text; name it .xlsx or export CSV",
            value=head[:8].hex(" "),
        )
    if b"\x00" in head:
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise _reject(
            "bad_encoding",
            path,
            ("文件是 UTF-16 编码" if utf16 else "文件含有二进制内容（NUL 字节）")
            + "，不是可识别的文本 CSV；请另存为“CSV UTF-8(逗号分隔)”后报送",
            ("the file is UTF-16 encoded" if utf16 else "the file holds binary content (NUL bytes)")
            + "; CSV must be UTF-8 or GB18030 text",
            value=head[:8].hex(" "),
        )


def _read_head(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` decompressed bytes of one part, in memory."""
    try:
        with zf.open(info) as part:
            return part.read(limit)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise _reject(
            "corrupt_xlsx",
            path,
            f"工作簿部件 {info.filename} 已损坏，请重新保存后报送",
            f"part {info.filename} is damaged: {exc}",
            value=info.filename,
        ) from None


def _sniff(head: bytes) -> str:
    """What the first bytes of a file look like, for the message."""
    for magic, kind in KNOWN_MAGIC:
        if head.startswith(magic):
            return kind
    if all(32 <= b < 127 or b in (9, 10, 13) or b >= 0x80 for b in head):
        return "text / 文本"
    return "unknown binary / 未知二进制"


def _reject(
    rule: str,
    path: Path,
    message_zh: str,
    message_en: str,
    value: str | None = None,
    sheet: str | None = None,
) -> FileRejected:
    """A FileRejected with one error Problem naming the file."""
    name = Path(path).name
    problem = Problem(
        severity="error",
        rule=rule,
        sheet=sheet,
        row=None,
        column=None,
        value=value,
        message_zh=f"文件“{name}”：{message_zh}",
        message_en=f"file '{name}': {message_en}",
    )
    return FileRejected([problem])
