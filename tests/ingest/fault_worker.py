"""A sandbox worker for the fault tests: the real worker (`ingest.sandbox`), whose reader
misbehaves on files whose name says so. Started in place of the real one by patching
`ingest.sandbox.worker_command` in a test; nothing in the package knows of it.

- `…crash…`: the process aborts (SIGABRT), as a native library does when it panics;
- `…hang…`: the reader never returns;
- `…hog…`: the reader asks for 8 GiB, beyond the address-space limit;
- `…leak…`: the reader fails with a message naming the file's absolute path and folder.
"""

from __future__ import annotations

import os
import sys
import time

from ingest import readers, sandbox

real_read = readers.read_submission


def misbehaving_read(path, form, con=None):
    name = path.name
    if "crash" in name:
        os.abort()
    if "hang" in name:
        time.sleep(3600)
    if "leak" in name:
        raise RuntimeError(f"cannot parse {path} in {path.parent.parent}: unexpected byte")
    if "hog" in name:
        hog = bytearray(8 * 2**30)
        return hog
    return real_read(path, form, con)


if __name__ == "__main__":
    readers.read_submission = misbehaving_read
    sandbox.main(sys.argv[1:])
