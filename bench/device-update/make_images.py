#!/usr/bin/env python3
"""Writes the benchmark's three consecutive releases of one service as an OCI image layout.

Usage: make_images.py LAYOUT JRE_DIR BUSYBOX JARS_DIR

Each release is an image index tagged r1, r2 and r3 with one linux/amd64 manifest of two gzip
layers:
  base  busybox with a few applet links, and a Java runtime (JRE_DIR) under /opt/java;
  app   /app/lib with the jars of JARS_DIR/rN and /etc/bench-release with the release number.
Release 2 changes only the app layer (newer library versions). Release 3 also rebuilds the base
layer with three files changed, as a security update of the base image would: the runtime's
release file and 4 KiB in the middle of each of two shared libraries.
Tars are reproducible (sorted names, fixed times, root owner), so reruns give the same digests.
"""

import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

MTIME = 1_700_000_000
APPLETS = ["sh", "cat", "sleep", "echo", "ls"]
PATCHED_LIBRARIES = ["opt/java/lib/libjava.so", "opt/java/lib/libnet.so"]
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def tar_bytes(entries):
    """entries: sorted list of (name, kind, payload, mode); kind is dir, file or symlink."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, kind, payload, mode in entries:
            info = tarfile.TarInfo(name)
            info.mtime = MTIME
            info.mode = mode
            info.uid = info.gid = 0
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = payload
                tar.addfile(info)
            else:
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    return out.getvalue()


def tree(source, prefix):
    """Returns the entries of directory SOURCE, placed under PREFIX in the image."""
    entries = []
    for root, dirs, files in os.walk(source):
        dirs.sort()
        relative = os.path.relpath(root, source)
        base = prefix if relative == "." else f"{prefix}/{relative}"
        entries.append((base, "dir", None, 0o755))
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                entries.append((f"{base}/{name}", "file", handle.read(), os.stat(path).st_mode & 0o777))
    return entries


def base_entries(jre, busybox, patched):
    with open(busybox, "rb") as handle:
        entries = [("bin", "dir", None, 0o755), ("bin/busybox", "file", handle.read(), 0o755)]
    entries += [(f"bin/{applet}", "symlink", "busybox", 0o777) for applet in APPLETS]
    entries += [("etc", "dir", None, 0o755), ("opt", "dir", None, 0o755), ("tmp", "dir", None, 0o1777)]
    entries += tree(jre, "opt/java")
    if patched:
        entries = [patch(entry) for entry in entries]
    return sorted(entries, key=lambda entry: entry[0])


def patch(entry):
    name, kind, payload, mode = entry
    if name == "opt/java/release":
        return (name, kind, payload + b'SECURITY_PATCH="1"\n', mode)
    if name in PATCHED_LIBRARIES:
        middle = len(payload) // 2
        changed = hashlib.sha256(name.encode()).digest() * 128
        return (name, kind, payload[:middle] + changed + payload[middle + len(changed):], mode)
    return entry


def app_entries(jars, release):
    entries = [("app", "dir", None, 0o755), ("etc", "dir", None, 0o755)]
    entries += tree(jars, "app/lib")
    entries.append(("etc/bench-release", "file", f"{release}\n".encode(), 0o644))
    return sorted(entries, key=lambda entry: entry[0])


class Layout:
    def __init__(self, directory):
        self.directory = directory
        self.blobs = os.path.join(directory, "blobs", "sha256")
        os.makedirs(self.blobs, exist_ok=True)
        with open(os.path.join(directory, "oci-layout"), "w") as handle:
            json.dump({"imageLayoutVersion": "1.0.0"}, handle)
        self.tags = []

    def blob(self, content, media_type):
        digest = hashlib.sha256(content).hexdigest()
        with open(os.path.join(self.blobs, digest), "wb") as handle:
            handle.write(content)
        return {"mediaType": media_type, "digest": f"sha256:{digest}", "size": len(content)}

    def image(self, tag, layer_tars):
        layers = [self.blob(gzip.compress(tar, mtime=0), LAYER) for tar in layer_tars]
        diff_ids = [f"sha256:{hashlib.sha256(tar).hexdigest()}" for tar in layer_tars]
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Env": ["PATH=/bin:/opt/java/bin"], "Cmd": ["sleep", "86400"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": self.blob(json.dumps(config).encode(), CONFIG),
            "layers": layers,
        }
        descriptor = self.blob(json.dumps(manifest).encode(), MANIFEST)
        descriptor["platform"] = {"architecture": "amd64", "os": "linux"}
        index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [descriptor]}
        top = self.blob(json.dumps(index).encode(), INDEX)
        top["annotations"] = {"org.opencontainers.image.ref.name": tag}
        self.tags.append(top)

    def finish(self):
        with open(os.path.join(self.directory, "index.json"), "w") as handle:
            json.dump({"schemaVersion": 2, "mediaType": INDEX, "manifests": self.tags}, handle)


def main():
    layout_dir, jre, busybox, jars = sys.argv[1:5]
    layout = Layout(layout_dir)
    base = tar_bytes(base_entries(jre, busybox, patched=False))
    patched_base = tar_bytes(base_entries(jre, busybox, patched=True))
    for release, base_tar in ((1, base), (2, base), (3, patched_base)):
        app = tar_bytes(app_entries(os.path.join(jars, f"r{release}"), release))
        layout.image(f"r{release}", [base_tar, app])
    layout.finish()


if __name__ == "__main__":
    main()
