# corrupt-kpf.py SRC DST impossible|order: a copy of archive SRC cut after its first start
# kpageflags piece given an impossible base pfn, or after its second piece moved back to pfn 0
# (before the first one's end). The piece is stored uncompressed with fresh checksums.
import struct, subprocess, sys
FHDR, SHDR = 64, 48
def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    return crc ^ 0xffffffff
src, dst, how = sys.argv[1], sys.argv[2], sys.argv[3]
seen = 0
buf = bytearray(open(src, 'rb').read())
off = FHDR
while off + SHDR <= len(buf) and buf[off:off + 4] == b'MMTS':
    typ, flags, cpu, stored, raw = struct.unpack_from('<HHIII', buf, off + 4)
    p = bytes(buf[off + SHDR:off + SHDR + stored])
    if typ == 6:
        if flags & 1:
            p = subprocess.run(['zstd', '-dc'], input=p, stdout=subprocess.PIPE, check=True).stdout
        if p.startswith(b'kpageflags\0') and (how == 'impossible' or seen):
            d = p.index(b'\0', len(b'kpageflags\0')) + 1
            p = bytearray(p)
            struct.pack_into('<Q', p, d, 1 << 41 if how == 'impossible' else 0)
            hdr = bytearray(buf[off:off + SHDR])
            struct.pack_into('<HIII', hdr, 6, 0, cpu, len(p), len(p))
            struct.pack_into('<I', hdr, 20, crc32c(p))
            struct.pack_into('<I', hdr, 44, crc32c(bytes(hdr[:44])))
            open(dst, 'wb').write(bytes(buf[:off]) + bytes(hdr) + bytes(p))
            sys.exit(0)
        seen += p.startswith(b'kpageflags\0')
    off += SHDR + stored
sys.exit('no kpageflags snapshot in ' + src)
