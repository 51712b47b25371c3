'use strict';
// Verifies one Sigstore bundle with @sigstore/verify, offline, as an independent check of the
// bundles Slipway's Java library writes.
//
// Usage: node verify-bundle.js BUNDLE_JSON KEY_MAP_JSON [ARTIFACT]
//   BUNDLE_JSON   the bundle file
//   KEY_MAP_JSON  a JSON object from key hint to public key, as PEM ("-----BEGIN PUBLIC KEY-----")
//                 or as base64 of the DER SubjectPublicKeyInfo
//   ARTIFACT      the signed file; required for message signatures, ignored for DSSE envelopes
//
// The trust material is an empty trusted root (no certificate authority, transparency log or
// timestamp authority) plus the key map, and every threshold is 0: only the signature and the
// key hint are checked. Exits 0 when the bundle verifies, 1 with the error on stderr when it
// does not, and 2 on a usage error.

const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { PublicKeyDetails } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const EMPTY_TRUSTED_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

function readKeyMap(file) {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  const keys = {};
  for (const [hint, text] of Object.entries(entries)) {
    const key = text.includes('-----BEGIN')
      ? crypto.createPublicKey(text)
      : crypto.createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    keys[hint] = {
      rawBytes: key.export({ format: 'der', type: 'spki' }),
      keyDetails:
        key.asymmetricKeyType === 'ed25519'
          ? PublicKeyDetails.PKIX_ED25519
          : PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
    };
  }
  return keys;
}

function main(args) {
  if (args.length < 2 || args.length > 3) {
    console.error('Usage: node verify-bundle.js BUNDLE_JSON KEY_MAP_JSON [ARTIFACT]');
    return 2;
  }
  const [bundleFile, keyMapFile, artifactFile] = args;
  try {
    const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundleFile, 'utf8')));
    const artifact = artifactFile === undefined ? undefined : fs.readFileSync(artifactFile);
    const trustMaterial = toTrustMaterial(EMPTY_TRUSTED_ROOT, readKeyMap(keyMapFile));
    const verifier = new Verifier(trustMaterial, {
      tlogThreshold: 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    });
    verifier.verify(toSignedEntity(bundle, artifact));
  } catch (error) {
    const code = error.code === undefined ? '' : ` [${error.code}]`;
    console.error(`Bundle ${bundleFile} does not verify${code}: ${error.message}`);
    return 1;
  }
  console.log(`Bundle ${bundleFile} verifies`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
