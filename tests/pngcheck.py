#!/usr/bin/env python3
# pngcheck.py FILE [RRGGBB...]: print "WIDTH HEIGHT COLOURS [N...]": the number of distinct
# colours in the PNG, then for each RRGGBB how many pixels have exactly that colour. Pixels
# are sampled every 4th column. A plain decoder (8-bit RGB/RGBA, the five filters), so the
# tests need nothing beyond python3.
import itertools
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit RGB(A), non-interlaced PNGs are read")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = {}
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:  # Sub: a running sum per channel
            for ch in range(bpp):
                line[ch::bpp] = bytes(v & 255 for v in itertools.accumulate(line[ch::bpp]))
        elif f == 2:  # Up
            line = bytearray((v + u) & 255 for v, u in zip(line, prev))
        elif f in (3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 3:
                    line[i] = (line[i] + (a + b) // 2) & 255
                    continue
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        # every 4th pixel is enough to count colours and keeps big screenshots quick
        for x in range(0, w, 4):
            px = bytes(line[x * bpp:x * bpp + 3])
            colours[px] = colours.get(px, 0) + 1
        prev = line
    return w, h, colours


w, h, colours = decode(sys.argv[1])
print(w, h, len(colours), *(colours.get(bytes.fromhex(c), 0) for c in sys.argv[2:]))
