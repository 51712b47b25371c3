package io.slipway.signing.release;

import io.slipway.signing.VerificationException;
import io.slipway.signing.VerificationFailure;
import io.slipway.signing.document.DocumentJson;
import io.slipway.signing.document.DocumentReader;
import io.slipway.signing.intoto.Statement;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A release as Slipway signs it: the fleet, the version, a per-fleet sequence that grows with each
 * release (devices use it to reject rollbacks), the creation time and each service's image by
 * digest. Immutable. Its canonical JSON (see {@link DocumentJson}) is the predicate of an in-toto
 * statement whose subjects are the service images.
 *
 * @param fleet the fleet, {@code org/fleet}
 * @param releaseId the server's id of the release
 * @param version the release's version text
 * @param sequence the release's position in its fleet, from 1
 * @param createdAt when the release was made and signed, cut to whole seconds
 * @param services the services, sorted by name, at least one
 */
public record ReleaseDocument(
    String fleet,
    long releaseId,
    String version,
    long sequence,
    Instant createdAt,
    List<ServiceImage> services) {

  /** The predicate type of release statements, also the document's {@code _type}. */
  public static final String PREDICATE_TYPE = "https://slipway.io/release/v1";

  /** The media type of a release document stored as a blob or artifact. */
  public static final String MEDIA_TYPE = "application/vnd.slipway.release.v1+json";

  private static final Set<String> FIELDS =
      Set.of("fleet", "releaseId", "version", "sequence", "createdAt", "services");
  private static final Set<String> SERVICE_FIELDS = Set.of("name", "repository", "indexDigest");

  /**
   * Sorts the services by name and cuts {@code createdAt} to whole seconds.
   *
   * @throws IllegalArgumentException naming the value when the fleet is not {@code org/fleet}, the
   *     id or sequence is below 1, the version is blank, there is no service, or two services share
   *     a name
   */
  public ReleaseDocument {
    DocumentJson.requireFleet(fleet);
    if (releaseId < 1) {
      throw new IllegalArgumentException("Release id " + releaseId + " must be 1 or more");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("Release " + releaseId + " needs a version");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException(
          "Release " + releaseId + " has sequence " + sequence + "; sequences start at 1");
    }
    createdAt = DocumentJson.seconds(Objects.requireNonNull(createdAt, "createdAt"));
    services =
        Objects.requireNonNull(services, "services").stream()
            .sorted(Comparator.comparing(ServiceImage::name))
            .toList();
    if (services.isEmpty()) {
      throw new IllegalArgumentException("Release " + releaseId + " has no service");
    }
    for (int i = 1; i < services.size(); i++) {
      if (services.get(i).name().equals(services.get(i - 1).name())) {
        throw new IllegalArgumentException(
            "Release " + releaseId + " lists service '" + services.get(i).name() + "' twice");
      }
    }
  }

  /** Returns the canonical JSON: compact, keys sorted, UTF-8. */
  public byte[] toJson() {
    ObjectNode root = DocumentJson.newDocument(PREDICATE_TYPE);
    root.put("fleet", fleet);
    root.put("releaseId", releaseId);
    root.put("version", version);
    root.put("sequence", sequence);
    root.put("createdAt", DocumentJson.format(createdAt));
    ArrayNode list = root.putArray("services");
    for (ServiceImage service : services) {
      ObjectNode node = list.addObject();
      node.put("name", service.name());
      node.put("repository", service.repository());
      node.put("indexDigest", service.indexDigest());
    }
    return DocumentJson.write(root);
  }

  /** Returns {@code sha256:} and the hex SHA-256 of {@link #toJson()}. */
  public String digest() {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(toJson());
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Parses a release document.
   *
   * @throws VerificationException with {@code MALFORMED} naming the field at fault
   */
  public static ReleaseDocument parse(byte[] json) {
    DocumentReader reader = DocumentJson.read(json, PREDICATE_TYPE, "release document", FIELDS);
    List<ServiceImage> services =
        reader.objects(
            "services",
            service -> {
              service.requireOnly(SERVICE_FIELDS);
              try {
                return new ServiceImage(
                    service.text("name"), service.text("repository"), service.text("indexDigest"));
              } catch (IllegalArgumentException e) {
                throw service.invalid(e.getMessage());
              }
            });
    try {
      return new ReleaseDocument(
          reader.text("fleet"),
          reader.integer("releaseId"),
          reader.text("version"),
          reader.integer("sequence"),
          reader.instant("createdAt"),
          services);
    } catch (IllegalArgumentException e) {
      throw reader.invalid(e.getMessage());
    }
  }

  /**
   * Returns the in-toto statement that signs this release: one subject per service image (name =
   * repository, digest = the index digest) and this document as the predicate.
   */
  public Statement toStatement() {
    List<Statement.Subject> subjects =
        services.stream()
            .map(service -> new Statement.Subject(service.repository(), service.indexSha256()))
            .toList();
    return new Statement(subjects, PREDICATE_TYPE, DocumentJson.readTree(toJson()));
  }

  /**
   * Reads the release from a verified statement.
   *
   * @throws VerificationException with {@code SUBJECT_MISMATCH} for another predicate type, or
   *     {@code MALFORMED} when the predicate is not a release document or the subjects differ from
   *     its service images
   */
  public static ReleaseDocument fromStatement(Statement statement) {
    if (!PREDICATE_TYPE.equals(statement.predicateType())) {
      throw new VerificationException(
          VerificationFailure.SUBJECT_MISMATCH,
          "The statement's predicate type is '"
              + statement.predicateType()
              + "', expected "
              + PREDICATE_TYPE);
    }
    ReleaseDocument document = parse(DocumentJson.write(statement.predicate()));
    Set<Statement.Subject> expected = new HashSet<>(document.toStatement().subjects());
    if (!new HashSet<>(statement.subjects()).equals(expected)) {
      throw new VerificationException(
          VerificationFailure.MALFORMED,
          "The subjects of the statement for release "
              + document.releaseId()
              + " of "
              + document.fleet()
              + " differ from its service images");
    }
    return document;
  }
}
