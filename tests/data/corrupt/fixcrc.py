#!/usr/bin/env python3
"""Recompute every checksum of an archive (file header, section headers and payloads), so a
crafted file reaches the parsers behind the checksums. Used on the fuzzer's findings:
  python3 tests/data/corrupt/fixcrc.py IN OUT"""
import struct
import sys

from generate import crc32c  # the Castagnoli CRC, as in src/archive.c

d = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<I', d, 60, crc32c(bytes(d[:60])))
off = 64
while off + 48 <= len(d) and d[off:off + 4] == b'MMTS':
    stored = struct.unpack_from('<I', d, off + 12)[0]
    struct.pack_into('<I', d, off + 20, crc32c(bytes(d[off + 48:off + 48 + stored])))
    struct.pack_into('<I', d, off + 44, crc32c(bytes(d[off:off + 44])))
    off += 48 + stored
open(sys.argv[2], 'wb').write(bytes(d))
