package io.slipway.signing.bundle;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.MessageSignature;
import dev.sigstore.proto.common.v1.PublicKeyIdentifier;
import io.intoto.EnvelopeOuterClass;
import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.dsse.Envelope;
import io.slipway.signing.dsse.EnvelopeSignature;
import io.slipway.signing.key.KeyHint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Converts {@link Bundle} to and from the JSON of the protobuf-specs bundle schema, through the
 * classes generated from it. Keeps the generated classes out of {@link Bundle}'s interface.
 * Stateless.
 */
final class BundleJson {

  /**
   * The older spelling of the v0.3 media type, which the bundle schema of protobuf-specs 0.5.0
   * requires readers to accept.
   */
  private static final String LEGACY_MEDIA_TYPE =
      "application/vnd.dev.sigstore.bundle+json;version=0.3";

  private static final Set<String> MEDIA_TYPES = Set.of(Bundle.MEDIA_TYPE, LEGACY_MEDIA_TYPE);

  /**
   * Prints {@code tlogEntries: []} although the list is empty. The npm package
   * {@code @sigstore/bundle} 5.0 validates that a bundle object has the list; its own JSON reader
   * fills in an empty one, but other readers need not.
   */
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private BundleJson() {}

  static byte[] write(Bundle bundle) {
    dev.sigstore.proto.bundle.v1.Bundle.Builder proto =
        dev.sigstore.proto.bundle.v1.Bundle.newBuilder()
            .setMediaType(Bundle.MEDIA_TYPE)
            .setVerificationMaterial(
                VerificationMaterial.newBuilder()
                    .setPublicKey(PublicKeyIdentifier.newBuilder().setHint(bundle.hint().value())));
    bundle.envelope().ifPresent(envelope -> proto.setDsseEnvelope(toProto(envelope)));
    bundle.messageSignature().ifPresent(message -> proto.setMessageSignature(toProto(message)));
    try {
      return PRINTER.print(proto).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      // JsonFormat fails to print only Any fields of unregistered types; the bundle has none.
      throw new IllegalStateException("Cannot print a bundle of key " + bundle.hint(), e);
    }
  }

  static Bundle read(byte[] json) {
    dev.sigstore.proto.bundle.v1.Bundle proto = parseProto(json);

    if (!MEDIA_TYPES.contains(proto.getMediaType())) {
      throw malformed(
          "has mediaType '"
              + proto.getMediaType()
              + "'; only "
              + Bundle.MEDIA_TYPE
              + " (v0.3) is supported");
    }
    KeyHint hint = hint(proto.getVerificationMaterial(), proto.hasVerificationMaterial());

    return switch (proto.getContentCase()) {
      case DSSE_ENVELOPE -> Bundle.ofEnvelope(hint, envelope(proto.getDsseEnvelope(), hint));
      case MESSAGE_SIGNATURE -> messageBundle(hint, proto.getMessageSignature());
      case CONTENT_NOT_SET ->
          throw malformed("has neither messageSignature nor dsseEnvelope: nothing is signed");
    };
  }

  private static dev.sigstore.proto.bundle.v1.Bundle parseProto(byte[] json) {
    dev.sigstore.proto.bundle.v1.Bundle.Builder builder =
        dev.sigstore.proto.bundle.v1.Bundle.newBuilder();
    try {
      PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
    } catch (InvalidProtocolBufferException e) {
      throw malformed("is not valid bundle JSON: " + e.getMessage());
    }
    return builder.build();
  }

  private static KeyHint hint(VerificationMaterial material, boolean present) {
    if (!present) {
      throw malformed("has no verificationMaterial");
    }
    switch (material.getContentCase()) {
      case PUBLIC_KEY:
        break;
      case X509_CERTIFICATE_CHAIN, CERTIFICATE:
        throw malformed(
            "carries a certificate in verificationMaterial; only bundles with"
                + " verificationMaterial.publicKey.hint are supported, not keyless ones");
      case CONTENT_NOT_SET:
      default:
        throw malformed(
            material.getTlogEntriesCount() > 0
                ? "has only transparency-log entries in verificationMaterial and no"
                    + " publicKey.hint; transparency logs are not supported"
                : "has no verificationMaterial.publicKey.hint");
    }
    String value = material.getPublicKey().getHint();
    try {
      return new KeyHint(value);
    } catch (IllegalArgumentException e) {
      throw malformed("has a bad verificationMaterial.publicKey.hint: " + e.getMessage());
    }
  }

  private static Envelope envelope(EnvelopeOuterClass.Envelope proto, KeyHint hint) {
    if (proto.getPayloadType().isBlank()) {
      throw malformed("has no dsseEnvelope.payloadType");
    }
    if (proto.getSignaturesCount() != 1) {
      throw malformed(
          "has "
              + proto.getSignaturesCount()
              + " signatures in dsseEnvelope.signatures; exactly one is allowed");
    }
    EnvelopeOuterClass.Signature signature = proto.getSignatures(0);
    if (!signature.getKeyid().equals(hint.value())) {
      throw malformed(
          "has dsseEnvelope.signatures[0].keyid '"
              + signature.getKeyid()
              + "', which differs from verificationMaterial.publicKey.hint "
              + hint);
    }
    if (signature.getSig().isEmpty()) {
      throw malformed("has an empty dsseEnvelope.signatures[0].sig");
    }
    return new Envelope(
        proto.getPayloadType(),
        proto.getPayload().toByteArray(),
        List.of(new EnvelopeSignature(hint, signature.getSig().toByteArray())));
  }

  private static Bundle messageBundle(KeyHint hint, MessageSignature proto) {
    if (!proto.hasMessageDigest()) {
      throw malformed("has no messageSignature.messageDigest");
    }
    HashOutput digest = proto.getMessageDigest();
    if (digest.getAlgorithm() != HashAlgorithm.SHA2_256) {
      throw malformed(
          "has messageSignature.messageDigest.algorithm "
              + digest.getAlgorithm()
              + "; only SHA2_256 is supported");
    }
    if (digest.getDigest().size() != 32) {
      throw malformed(
          "has a messageSignature.messageDigest.digest of "
              + digest.getDigest().size()
              + " bytes; a SHA-256 has 32");
    }
    if (proto.getSignature().isEmpty()) {
      throw malformed("has an empty messageSignature.signature");
    }
    return Bundle.ofMessage(
        hint, digest.getDigest().toByteArray(), proto.getSignature().toByteArray());
  }

  private static EnvelopeOuterClass.Envelope toProto(Envelope envelope) {
    EnvelopeOuterClass.Envelope.Builder builder =
        EnvelopeOuterClass.Envelope.newBuilder()
            .setPayloadType(envelope.payloadType())
            .setPayload(ByteString.copyFrom(envelope.payload()));
    for (EnvelopeSignature signature : envelope.signatures()) {
      builder.addSignatures(
          EnvelopeOuterClass.Signature.newBuilder()
              .setKeyid(signature.keyId().value())
              .setSig(ByteString.copyFrom(signature.signature())));
    }
    return builder.build();
  }

  private static MessageSignature toProto(Bundle.MessageSignature message) {
    return MessageSignature.newBuilder()
        .setMessageDigest(
            HashOutput.newBuilder()
                .setAlgorithm(HashAlgorithm.SHA2_256)
                .setDigest(ByteString.copyFrom(message.sha256())))
        .setSignature(ByteString.copyFrom(message.signature()))
        .build();
  }

  private static VerificationException malformed(String what) {
    return new VerificationException(VerificationFailure.MALFORMED, "The bundle " + what);
  }
}
