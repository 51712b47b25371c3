'use strict';
// Writes a Sigstore bundle with @sigstore/bundle and Node.js's own crypto, so that the Java
// library's parser and verifier can be checked against bundles it did not write.
//
// Usage: node make-bundle.js PRIVATE_KEY_PEM KEY_HINT OUTPUT message ARTIFACT
//        node make-bundle.js PRIVATE_KEY_PEM KEY_HINT OUTPUT dsse PAYLOAD_TYPE PAYLOAD
//   PRIVATE_KEY_PEM  an unencrypted PKCS#8 ECDSA P-256 or Ed25519 key
//   KEY_HINT         the hint written into the bundle and the DSSE signature's keyid
//   OUTPUT           the bundle file to write
//   ARTIFACT         the file to sign as a message signature
//   PAYLOAD_TYPE     the DSSE payload type
//   PAYLOAD          the file containing the DSSE payload
// Exits 0 when the bundle is written, 2 on a usage error.

const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleToJSON, toDSSEBundle, toMessageSignatureBundle } = require('@sigstore/bundle');

// DSSE's pre-authentication encoding, written here independently of the Java code: lengths
// are byte counts of the UTF-8 type and of the payload.
function preAuthenticationEncoding(payloadType, payload) {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.length} `, 'ascii'),
    payload,
  ]);
}

function sign(key, data) {
  // Ed25519 signs the message itself; ECDSA signs its SHA-256 and returns DER.
  const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return crypto.sign(digest, data, key);
}

function main(args) {
  const [keyFile, keyHint, output, kind, ...rest] = args;
  const key = keyFile && crypto.createPrivateKey(fs.readFileSync(keyFile, 'utf8'));
  let bundle;
  if (kind === 'message' && rest.length === 1) {
    const artifact = fs.readFileSync(rest[0]);
    const digest = crypto.createHash('sha256').update(artifact).digest();
    bundle = toMessageSignatureBundle({ digest, signature: sign(key, artifact), keyHint });
  } else if (kind === 'dsse' && rest.length === 2) {
    const [artifactType, payloadFile] = rest;
    const artifact = fs.readFileSync(payloadFile);
    const signature = sign(key, preAuthenticationEncoding(artifactType, artifact));
    bundle = toDSSEBundle({ artifact, artifactType, signature, keyHint });
  } else {
    console.error('Usage: node make-bundle.js PRIVATE_KEY_PEM KEY_HINT OUTPUT message ARTIFACT');
    console.error('       node make-bundle.js PRIVATE_KEY_PEM KEY_HINT OUTPUT dsse PAYLOAD_TYPE PAYLOAD');
    return 2;
  }
  fs.writeFileSync(output, JSON.stringify(bundleToJSON(bundle)));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
