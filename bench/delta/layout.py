#!/usr/bin/env python3
"""Writes an OCI image layout around one uncompressed layer blob that is already in place.

Usage: layout.py DIR LAYER_HEX LAYER_SIZE

DIR/blobs/sha256/LAYER_HEX must exist. Writes the config (linux/amd64, one diff_id, which is the
layer's own digest because the layer is not compressed), the manifest, index.json with the tag
"bench", and oci-layout. The JSON is compact with sorted keys, so the same layer always gives the
same manifest digest.
"""

import hashlib
import json
import os
import sys


def write_blob(directory, content):
    digest = hashlib.sha256(content).hexdigest()
    with open(os.path.join(directory, "blobs", "sha256", digest), "wb") as out:
        out.write(content)
    return "sha256:" + digest, len(content)


def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def main(directory, layer_hex, layer_size):
    layer = "sha256:" + layer_hex
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [layer]},
    }
    config_digest, config_size = write_blob(directory, canonical(config))
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config_size,
        },
        "layers": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": layer,
                "size": int(layer_size),
            }
        ],
    }
    manifest_digest, manifest_size = write_blob(directory, canonical(manifest))
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": manifest_digest,
                "size": manifest_size,
                "annotations": {"org.opencontainers.image.ref.name": "bench"},
            }
        ],
    }
    with open(os.path.join(directory, "oci-layout"), "w") as out:
        out.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(directory, "index.json"), "wb") as out:
        out.write(canonical(index))


if __name__ == "__main__":
    main(*sys.argv[1:4])
