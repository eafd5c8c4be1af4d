#!/usr/bin/env python3
"""Regenerates the corrupt-archive corpus from tests/data/tiny.mmt (a real, small archive).

Run from the project root: python3 tests/data/corrupt/generate.py
Each case is one damaged copy; EXPECTED lists, per file, the exit code of `mmtwin info` and
`mmtwin dump` and a regular expression their error must match. The corpus is committed; this
script documents how each file was made. Needs the zstd command for the payload rewrites.
"""
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', 'tiny.mmt')
FHDR, SHDR = 64, 48
TYPES = {'meta': 1, 'header_page': 2, 'header_event': 3, 'format': 4, 'cpu_data': 5,
         'snapshot': 6, 'loss': 7, 'kmsg': 8, 'index': 9, 'end': 10}


def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    return crc ^ 0xffffffff


def sections(buf):
    off, out = FHDR, []
    while off + SHDR <= len(buf) and buf[off:off + 4] == b'MMTS':
        typ, flags, cpu, stored, raw = struct.unpack_from('<HHIII', buf, off + 4)
        out.append(dict(off=off, type=typ, flags=flags, cpu=cpu, stored=stored, raw=raw))
        off += SHDR + stored
    return out


def fix_hdr_crc(buf, s):
    struct.pack_into('<I', buf, s['off'] + 44, crc32c(bytes(buf[s['off']:s['off'] + 44])))


def payload(buf, s):
    p = bytes(buf[s['off'] + SHDR:s['off'] + SHDR + s['stored']])
    if s['flags'] & 1:
        p = subprocess.run(['zstd', '-dc'], input=p, stdout=subprocess.PIPE, check=True).stdout
    return p


def replace_payload(buf, s, raw):
    """Store RAW uncompressed in place of section S; later sections shift; trailer dropped."""
    head = buf[:s['off']]
    tail = buf[s['off'] + SHDR + s['stored']:]
    hdr = bytearray(buf[s['off']:s['off'] + SHDR])
    struct.pack_into('<HIII', hdr, 6, 0, s['cpu'], len(raw), len(raw))
    struct.pack_into('<I', hdr, 20, crc32c(raw))
    struct.pack_into('<I', hdr, 44, crc32c(bytes(hdr[:44])))
    # Cut the copy at the end of this section: the rest would need re-indexing.
    return bytearray(head + hdr + raw), tail


def first(buf, name):
    return next(s for s in sections(buf) if s['type'] == TYPES[name])


def main():
    good = bytearray(open(SRC, 'rb').read())
    cases = []

    def case(name, data, info_rc, dump_rc, regex):
        open(os.path.join(HERE, name), 'wb').write(bytes(data))
        cases.append('%s\t%d\t%d\t%s' % (name, info_rc, dump_rc, regex))

    case('not-an-archive.mmt', b'This is a text file, not an archive.\n', 3, 3,
         'not an mmtwin archive')
    case('empty.mmt', b'', 3, 3, 'not an mmtwin archive')
    case('truncated-header.mmt', good[:40], 3, 3, 'byte 40: truncated file header')
    b = bytearray(good); struct.pack_into('<H', b, 8, 9)
    struct.pack_into('<I', b, 60, crc32c(bytes(b[:60])))
    case('version-9.mmt', b, 3, 3, 'byte 8: unsupported archive version 9.0')
    b = bytearray(good); b[40] ^= 0x10
    case('header-bitflip.mmt', b, 3, 3, 'byte 60: file header checksum mismatch')
    b = bytearray(good); struct.pack_into('<I', b, 24, 0)
    struct.pack_into('<I', b, 60, crc32c(bytes(b[:60])))
    case('zero-cpus.mmt', b, 3, 3, 'byte 24: impossible CPU count 0')
    s = sections(good)[3]
    b = bytearray(good); b[s['off']:s['off'] + 4] = b'XXXX'
    case('section-magic.mmt', b, 3, 3, 'byte %d: section 3: bad section magic' % s['off'])
    b = bytearray(good); b[s['off'] + 30] ^= 1
    case('section-header-bitflip.mmt', b, 3, 3,
         'byte %d: section 3: header checksum mismatch' % (s['off'] + 44))
    b = bytearray(good); struct.pack_into('<H', b, s['off'] + 4, 77); fix_hdr_crc(b, s)
    case('unknown-section-type.mmt', b, 3, 3, 'unknown section type 77')
    b = bytearray(good); struct.pack_into('<I', b, s['off'] + 40, 9); fix_hdr_crc(b, s)
    case('sequence-gap.mmt', b, 3, 3, 'section 3: sequence number 9, expected 3')
    b = bytearray(good); struct.pack_into('<II', b, s['off'] + 12, 5000000, 100); fix_hdr_crc(b, s)
    case('impossible-sizes.mmt', b, 3, 3, 'section 3: impossible sizes')
    c = first(good, 'cpu_data')
    b = bytearray(good); b[c['off'] + SHDR + c['stored'] // 2] ^= 0x55
    case('cpu-data-bitflip.mmt', b, 3, 3,
         'byte %d: section %d \\(cpu_data\\): payload checksum mismatch'
         % (c['off'] + SHDR, sections(good).index(c)))
    b = bytearray(good)
    if c['flags'] & 1:
        b[c['off'] + SHDR + 6:c['off'] + SHDR + 10] = b'\xee\xee\xee\xee'
        struct.pack_into('<I', b, c['off'] + 20,
                         crc32c(bytes(b[c['off'] + SHDR:c['off'] + SHDR + c['stored']])))
        fix_hdr_crc(b, c)
        case('cpu-data-bad-zstd.mmt', b, 3, 3, 'section [0-9]+ \\(cpu_data\\): zstd')
    raw = bytearray(payload(good, c))
    r2 = bytearray(raw); struct.pack_into('<I', r2, 0, 9999)
    b, _ = replace_payload(good, c, bytes(r2))
    case('cpu-data-bad-length.mmt', b, 3, 3, 'sub-buffer length 9999 at payload byte 0')
    r2 = bytearray(raw); struct.pack_into('<Q', r2, 4 + 8, 100)
    b, _ = replace_payload(good, c, bytes(r2))
    case('cpu-data-bad-commit.mmt', b, 3, 3, 'has commit 100 but [0-9]+ bytes stored')
    f = first(good, 'format')
    b, _ = replace_payload(good, f, b'kmem\x00')
    case('format-empty.mmt', b, 3, 3, 'rejected by libtraceevent')
    b, _ = replace_payload(good, f, b'\x00garbage')
    case('format-no-system.mmt', b, 3, 3, 'format without a system name')
    sn = first(good, 'snapshot')
    b, _ = replace_payload(good, sn, b'no separators here')
    case('snapshot-no-name.mmt', b, 3, 0, 'no name and tag')
    lo = first(good, 'loss')
    b, _ = replace_payload(good, lo, b'\x00' * 50)
    case('loss-bad-size.mmt', b, 3, 0, 'not a multiple of 72')
    case('cut-mid-payload.mmt', good[:c['off'] + SHDR + c['stored'] // 2], 0, 0,
         'cut short at byte %d' % c['off'])
    case('cut-after-section.mmt', good[:c['off'] + SHDR + c['stored']], 0, 0,
         'cut short at byte %d' % (c['off'] + SHDR + c['stored']))
    case('cut-in-trailer.mmt', good[:-5], 0, 0, 'file ends inside the trailer')
    case('trailing-junk.mmt', good + b'junk', 3, 3, 'unexpected bytes after the trailer')
    b = bytearray(good); b[-3] = ord('X')
    case('bad-trailer.mmt', b, 3, 3, 'bad trailer after END')
    # Found by the fuzz target, checksums recomputed by fixcrc.py (the file is kept as is):
    # a format text that makes libtraceevent 1.7 dereference NULL in tep_parse_format().
    cases.append('format-crashes-libtraceevent.mmt\t3\t3\t'
                 'event-split payload does not decode|event format crashes libtraceevent')
    with open(os.path.join(HERE, 'EXPECTED'), 'w') as e:
        e.write('# file\tinfo exit\tdump exit\tstderr must match (ERE)\n')
        e.write('\n'.join(cases) + '\n')


if __name__ == '__main__':
    main()
