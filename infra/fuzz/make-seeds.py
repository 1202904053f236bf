#!/usr/bin/env python3
"""Writes the fuzzing seed corpus (tests/AudioMix.Fuzz/corpus/<target>/): small valid inputs of every shape each target
parses, so AFL++ starts from the interesting structure instead of noise. Deterministic: re-running rewrites the same
bytes. Standard library only."""
import gzip, io, json, math, os, struct, tarfile, zipfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "AudioMix.Fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def chunk(cid, body):
    pad = b"\0" if len(body) % 2 else b""
    return cid + struct.pack("<I", len(body)) + body + pad


def wav(rate=8000, channels=1, bits=16, fmt_tag=1, frames=16, extensible=False, extra=b"", rf64=False):
    block = channels * bits // 8
    samples = []
    for i in range(frames):
        for c in range(channels):
            v = math.sin(2 * math.pi * 440 * i / rate + c)
            if fmt_tag == 3:
                samples.append(struct.pack("<f" if bits == 32 else "<d", v * 0.5))
            elif bits == 8:
                samples.append(struct.pack("<B", int(128 + v * 100)))
            elif bits == 24:
                samples.append(struct.pack("<i", int(v * 4_000_000))[:3])
            else:
                samples.append(struct.pack("<h" if bits == 16 else "<i", int(v * (2 ** (bits - 2)))))
    data = b"".join(samples)
    if extensible:
        guid = struct.pack("<H", fmt_tag) + b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 3 if channels == 2 else 4) + guid
    else:
        fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + chunk(b"fmt ", fmt) + extra + chunk(b"data", data)
    if rf64:
        ds64 = chunk(b"ds64", struct.pack("<QQQI", len(body) + 4 + 36, len(data), frames, 0))
        body = b"WAVE" + ds64 + chunk(b"fmt ", fmt) + b"data" + struct.pack("<I", 0xFFFFFFFF) + data
        return b"RF64" + struct.pack("<I", 0xFFFFFFFF) + body
    return b"RIFF" + struct.pack("<I", len(body)) + body


# WAV: the sample formats and header shapes the reader handles.
put("wav", "pcm16-mono.wav", wav())
put("wav", "pcm8-stereo.wav", wav(bits=8, channels=2, frames=8))
put("wav", "pcm24-mono.wav", wav(bits=24, frames=8))
put("wav", "pcm32-mono.wav", wav(bits=32, frames=8))
put("wav", "float32-stereo.wav", wav(fmt_tag=3, bits=32, channels=2, frames=8))
put("wav", "float64-mono.wav", wav(fmt_tag=3, bits=64, frames=4))
put("wav", "extensible-stereo.wav", wav(channels=2, extensible=True, frames=8))
put("wav", "list-chunk.wav", wav(extra=chunk(b"LIST", b"INFOIART\x04\x00\x00\x00abc\x00"), frames=8))
put("wav", "rf64.wav", wav(rf64=True, frames=8))

# Archives: audio, metadata next to it, nested folders, hidden and unsafe names, links.
small = wav(frames=8)
meta_csv = b"file_name,label,caption\na.wav,dog,a dog barks\nsub/b.wav,cat,\n"
meta_jsonl = b'{"file_name": "b.wav", "text": "hello", "labels": ["x", "y"]}\n'


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return out.getvalue()


put("zip", "audio-and-metadata.zip", zip_bytes([("a.wav", small), ("sub/", b""), ("sub/b.wav", small), ("metadata.csv", meta_csv)]))
put("zip", "stored-jsonl.zip", zip_bytes([("sub/b.wav", small), ("sub/metadata.jsonl", meta_jsonl)], zipfile.ZIP_STORED))
put("zip", "odd-names.zip", zip_bytes([("../evil.wav", small), ("__MACOSX/._a.wav", b"x"), ("readme.txt", b"hi"), ("C:/x.wav", small)]))


def tar_gz(build):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        build(t)
    # mtime=0: the same bytes on every run.
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as g:
        g.write(raw.getvalue())
    return out.getvalue()


def add(t, name, data=b"", kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname, info.mtime = kind, len(data), link, 0
    t.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


put("targz", "audio-and-metadata.tar.gz", tar_gz(lambda t: (add(t, "spk/", kind=tarfile.DIRTYPE), add(t, "spk/b.wav", small), add(t, "spk/metadata.jsonl", meta_jsonl))))
put("targz", "links-and-names.tar.gz", tar_gz(lambda t: (add(t, "l.wav", kind=tarfile.SYMTYPE, link="/etc/passwd"), add(t, "../x.wav", small), add(t, ".hidden", b"x"), add(t, "a.wav", small))))


def gnu_tar_gz():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as t:
        add(t, "long/" + "n" * 120 + ".wav", small)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as g:
        g.write(raw.getvalue())
    return out.getvalue()


put("targz", "gnu-longname.tar.gz", gnu_tar_gz())

# Metadata: the first byte picks the format (even: jsonl, odd: csv), the rest is the file.
put("metadata", "labels.jsonl", b"\x00" + b'{"file_name": "a.wav", "labels": ["dog"], "caption": "a dog", "extra": 1}\n{"file_name": "b.wav", "label": "cat"}\n')
put("metadata", "text.jsonl", b"\x00" + meta_jsonl)
put("metadata", "plain.csv", b"\x01" + meta_csv)
put("metadata", "quoted.csv", b"\x01" + b'file_name,caption,labels\n"a, b.wav","said ""hi""","x;y"\n')

# Recipe: job submissions for each op, with and without parameters.
recipes = {
    "mixup.json": {"datasetId": "d1", "seed": 7, "operations": [{"op": "mixup", "params": {"alpha": 0.4, "count": 10}}]},
    "mixup-defaults.json": {"datasetId": "d1", "operations": [{"op": "mixup"}], "output": {"sampleFormat": "pcm24", "sampleRate": 16000}},
    "beat-sync.json": {"datasetId": "d1", "operations": [{"op": "beat_sync_mixup", "params": {"count": 3, "bars": 4}}]},
    "caption-mix.json": {"datasetId": "d1", "operations": [{"op": "caption_mix", "params": {"count": 2, "variants": 2, "merger": "builtin"}}]},
    "separate.json": {"datasetId": "d1", "operations": [{"op": "separate", "params": {"method": "hpss", "fftSize": 4096}}]},
    "segment.json": {"datasetId": "d1", "operations": [{"op": "segment_vocals", "params": {}}]},
    "score.json": {"datasetId": "d1", "operations": [{"op": "score", "params": {}}]},
    "two-steps.json": {"datasetId": "d1", "seed": -1, "operations": [{"op": "mixup", "params": {"count": 1}}, {"op": "separate", "params": None}]},
}
for name, body in recipes.items():
    put("recipe", name, json.dumps(body).encode())
