#!/usr/bin/env python3
"""Writes an OCI image layout holding a two-platform busybox base image, for the builder benchmark.

Usage: make_base.py LAYOUT AMD64_BUSYBOX ARM64_BUSYBOX [--tag TAG]

Each platform's image has one layer: /bin/busybox (the static binary given) and links to it for a
few applets (sh, echo, cat, ls, uname, sleep, env, true). The config of each records its own
architecture, which `docker import` would get wrong for arm64. The layout's index.json names an
image index over both manifests under TAG, so `skopeo copy --all oci:LAYOUT:TAG docker://...`
pushes the whole multi-platform image. File times are fixed, so the same binaries give the same
digests.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile

APPLETS = ["sh", "echo", "cat", "ls", "uname", "sleep", "env", "true"]
LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"


def write_blob(layout, content, media_type):
    """Stores content under blobs/sha256/ and returns its descriptor."""
    digest = hashlib.sha256(content).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as out:
        out.write(content)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(content)}


def busybox_tar(binary):
    """Returns an uncompressed tar archive with bin/busybox and its applet links."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        directory = tarfile.TarInfo("bin")
        directory.type = tarfile.DIRTYPE
        directory.mode = 0o755
        tar.addfile(directory)
        with open(binary, "rb") as source:
            content = source.read()
        entry = tarfile.TarInfo("bin/busybox")
        entry.size = len(content)
        entry.mode = 0o755
        tar.addfile(entry, io.BytesIO(content))
        for applet in APPLETS:
            link = tarfile.TarInfo("bin/" + applet)
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            link.mode = 0o777
            tar.addfile(link)
    return buffer.getvalue()


def platform_manifest(layout, binary, architecture):
    """Writes layer, config and manifest for one platform; returns the manifest's descriptor."""
    tar = busybox_tar(binary)
    layer = write_blob(layout, gzip.compress(tar, mtime=0), LAYER_MEDIA_TYPE)
    config = {
        "architecture": architecture,
        "os": "linux",
        "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
    }
    config_descriptor = write_blob(
        layout, json.dumps(config, sort_keys=True).encode(), CONFIG_MEDIA_TYPE
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": config_descriptor,
        "layers": [layer],
    }
    descriptor = write_blob(
        layout, json.dumps(manifest, sort_keys=True).encode(), MANIFEST_MEDIA_TYPE
    )
    descriptor["platform"] = {"architecture": architecture, "os": "linux"}
    return descriptor


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layout", help="directory to create (must not exist)")
    parser.add_argument("amd64", help="path of the amd64 busybox-static binary")
    parser.add_argument("arm64", help="path of the arm64 busybox-static binary")
    parser.add_argument("--tag", default="1.0")
    args = parser.parse_args()

    os.makedirs(os.path.join(args.layout, "blobs", "sha256"))
    manifests = [
        platform_manifest(args.layout, args.amd64, "amd64"),
        platform_manifest(args.layout, args.arm64, "arm64"),
    ]
    index = {"schemaVersion": 2, "mediaType": INDEX_MEDIA_TYPE, "manifests": manifests}
    descriptor = write_blob(
        args.layout, json.dumps(index, sort_keys=True).encode(), INDEX_MEDIA_TYPE
    )
    descriptor["annotations"] = {"org.opencontainers.image.ref.name": args.tag}
    with open(os.path.join(args.layout, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    with open(os.path.join(args.layout, "index.json"), "w") as out:
        json.dump({"schemaVersion": 2, "manifests": [descriptor]}, out)
    print(descriptor["digest"])


if __name__ == "__main__":
    main()
