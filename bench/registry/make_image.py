#!/usr/bin/env python3
"""Writes an OCI image layout with many layers of random content, for the registry benchmark.

Each layer is a tar archive with one file of random bytes, compressed as gzip with deflate level 0
(stored blocks). Random bytes do not compress anyway, and skopeo pushes gzip layers as they are, so
the client spends no CPU on compression. Layer sizes come from --seed, so two images made with the
same seed have the same sizes (and the same total bytes) but different content.

Prints the total size in bytes of all blobs (layers, config, manifest) on stdout.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import sys
import tarfile

MIB = 1024 * 1024
LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"


def write_blob(layout, content, media_type):
    """Stores content under blobs/sha256/ and returns its descriptor."""
    digest = hashlib.sha256(content).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as out:
        out.write(content)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(content)}


def layer_tar(index, size):
    """Returns an uncompressed tar archive with one file of `size` random bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entry = tarfile.TarInfo("bench/layer-%02d.bin" % index)
        entry.size = size
        entry.mode = 0o644
        entry.mtime = 0
        tar.addfile(entry, io.BytesIO(os.urandom(size)))
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layout", help="directory to create (must not exist)")
    parser.add_argument("--tag", default="bench")
    parser.add_argument("--layers", type=int, default=40)
    parser.add_argument("--min-mib", type=int, default=1)
    parser.add_argument("--max-mib", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1, help="chooses the layer sizes")
    args = parser.parse_args()
    if args.layers < 1 or not 1 <= args.min_mib <= args.max_mib:
        sys.exit("need --layers >= 1 and 1 <= --min-mib <= --max-mib")

    os.makedirs(os.path.join(args.layout, "blobs", "sha256"))
    sizes = random.Random(args.seed)
    layers, diff_ids = [], []
    for index in range(args.layers):
        size = sizes.randint(args.min_mib * MIB, args.max_mib * MIB)
        tar = layer_tar(index, size)
        diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
        compressed = gzip.compress(tar, compresslevel=0, mtime=0)
        layers.append(write_blob(args.layout, compressed, LAYER_MEDIA_TYPE))

    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }
    config_descriptor = write_blob(
        args.layout, json.dumps(config).encode(), CONFIG_MEDIA_TYPE
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": config_descriptor,
        "layers": layers,
    }
    manifest_descriptor = write_blob(
        args.layout, json.dumps(manifest).encode(), MANIFEST_MEDIA_TYPE
    )
    manifest_descriptor["annotations"] = {"org.opencontainers.image.ref.name": args.tag}

    with open(os.path.join(args.layout, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    with open(os.path.join(args.layout, "index.json"), "w") as out:
        json.dump({"schemaVersion": 2, "manifests": [manifest_descriptor]}, out)

    total = sum(d["size"] for d in layers) + config_descriptor["size"]
    print(total + manifest_descriptor["size"])


if __name__ == "__main__":
    main()
