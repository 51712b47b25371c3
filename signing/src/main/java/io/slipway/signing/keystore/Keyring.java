package io.slipway.signing.keystore;

import io.slipway.signing.SigningException;
import io.slipway.signing.key.KeyAlgorithm;
import io.slipway.signing.key.KeyHint;
import io.slipway.signing.key.PemKeys;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The key store's metadata file, {@code keyring.json}: every key's public half and rotation state,
 * oldest first, a generation that each write increments, and {@code mac}, an HMAC-SHA256 under the
 * {@link MasterKey} over the rest of the file. The public keys and states in this file become the
 * trust policy that devices fetch, so someone who can write the data directory but lacks the master
 * key must not be able to add a key or change a state. Immutable.
 *
 * <p>NOTE: the MAC does not detect an older copy of the file that was authentic when written, so
 * writing a backup back over the file can undo a later revocation.
 *
 * @param generation the number of writes so far, 0 for a store never written
 * @param keys the keys, oldest first; at most one is {@link KeyState#ACTIVE}
 */
record Keyring(long generation, List<StoredKey> keys) {

  /** The version of the file's layout; readers reject another. */
  static final int FORMAT = 2;

  /** The field that contains the base64 HMAC over the file's other fields. */
  static final String MAC_FIELD = "mac";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  Keyring {
    keys = List.copyOf(keys);
    long active = keys.stream().filter(key -> key.state() == KeyState.ACTIVE).count();
    if (active > 1) {
      throw new IllegalArgumentException("A keyring has at most one active key, not " + active);
    }
  }

  /** Returns an empty keyring, generation 0, as a store that was never written has. */
  static Keyring empty() {
    return new Keyring(0, List.of());
  }

  Optional<StoredKey> find(KeyHint hint) {
    return keys.stream().filter(key -> key.hint().equals(hint)).findFirst();
  }

  Optional<StoredKey> active() {
    return keys.stream().filter(key -> key.state() == KeyState.ACTIVE).findFirst();
  }

  /** Returns the next generation with {@code key} appended. */
  Keyring adding(StoredKey key) {
    List<StoredKey> next = new ArrayList<>(keys);
    next.add(key);
    return new Keyring(generation + 1, next);
  }

  /** Returns the next generation with each of {@code changed} replacing the key of its hint. */
  Keyring replacing(StoredKey... changed) {
    List<StoredKey> next = new ArrayList<>(keys);
    for (StoredKey key : changed) {
      next.replaceAll(existing -> existing.hint().equals(key.hint()) ? key : existing);
    }
    return new Keyring(generation + 1, next);
  }

  /** Returns the file's content, authenticated with {@code masterKey}. */
  byte[] toJson(MasterKey masterKey) {
    ObjectNode root = content();
    root.put(MAC_FIELD, Base64.getEncoder().encodeToString(mac(root, masterKey)));
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  private ObjectNode content() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("generation", generation);
    ArrayNode list = root.putArray("keys");
    for (StoredKey key : keys) {
      ObjectNode node = list.addObject();
      node.put("hint", key.hint().value());
      node.put("algorithm", key.algorithm().name());
      node.put("publicKey", PemKeys.publicKeyPem(key.publicKey()));
      node.put("state", key.state().name());
      node.put("origin", key.origin().name());
      node.put("createdAt", key.createdAt().toString());
      putInstant(node, "expiresAt", key.expiresAt());
      putInstant(node, "activatedAt", key.activatedAt());
      putInstant(node, "retiredAt", key.retiredAt());
      putInstant(node, "revokedAt", key.revokedAt());
    }
    return root;
  }

  /** Returns the HMAC over the compact JSON of {@code content}, which has no MAC field. */
  private static byte[] mac(ObjectNode content, MasterKey masterKey) {
    return masterKey.authenticate(JSON.writeValueAsBytes(content));
  }

  /**
   * Parses the keyring written to {@code file} and checks its MAC with {@code masterKey}.
   *
   * @throws SigningException naming the file and the field at fault when the content is not a
   *     complete keyring, so that a damaged file never reads as an empty store. Also when the MAC
   *     is missing or does not match, which means the file was changed without the master key.
   */
  static Keyring parse(byte[] json, Path file, MasterKey masterKey) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw damaged(file, "it is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw damaged(file, "it is not a JSON object");
    }
    if (root.path("format").asInt(-1) == 1) {
      // Not upgraded in place: anyone who can write the file could write a format-1 keyring to
      // dodge the MAC, so the operator decides.
      throw new SigningException(
          "The key store's keyring "
              + file
              + " has format 1, written by a development build before keyrings carried a MAC, so"
              + " nothing shows that its keys and states are the ones the server wrote. Move the"
              + " directory "
              + file.getParent()
              + " aside to start with a new signing key, and give devices the new key");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw damaged(file, "'format' is " + root.get("format") + ", expected " + FORMAT);
    }
    JsonNode generation = root.get("generation");
    if (generation == null || !generation.canConvertToLong() || generation.asLong() < 1) {
      throw damaged(file, "'generation' is " + generation + ", expected a positive integer");
    }
    JsonNode list = root.get("keys");
    if (list == null || !list.isArray()) {
      throw damaged(file, "'keys' is missing or not an array");
    }
    List<StoredKey> keys = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      keys.add(parseKey(list.get(i), file, "keys[" + i + "]"));
    }
    Keyring keyring;
    try {
      keyring = new Keyring(generation.asLong(), keys);
    } catch (IllegalArgumentException e) {
      throw damaged(file, e.getMessage());
    }

    // Checked after the fields so that a damaged file is reported by the field at fault.
    requireAuthentic((ObjectNode) root, file, masterKey);
    return keyring;
  }

  private static void requireAuthentic(ObjectNode root, Path file, MasterKey masterKey) {
    JsonNode stored = root.remove(MAC_FIELD);
    if (stored == null || !stored.isString()) {
      throw damaged(file, "'" + MAC_FIELD + "' is missing or not a string");
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(stored.asString());
    } catch (IllegalArgumentException e) {
      throw damaged(file, "'" + MAC_FIELD + "' is not valid base64");
    }
    if (!MessageDigest.isEqual(expected, mac(root, masterKey))) {
      throw damaged(
          file,
          "its '"
              + MAC_FIELD
              + "' does not match its content under this master key. Either the file was"
              + " changed outside Slipway, or the master key is not the one the store was written"
              + " with");
    }
  }

  private static StoredKey parseKey(JsonNode node, Path file, String where) {
    KeyHint hint;
    PublicKey publicKey;
    try {
      hint = new KeyHint(text(node, "hint", file, where));
      publicKey = PemKeys.parsePublicKey(text(node, "publicKey", file, where));
    } catch (IllegalArgumentException | SigningException e) {
      throw damaged(file, where + ": " + e.getMessage());
    }
    if (!KeyHint.of(publicKey).equals(hint)) {
      throw damaged(file, where + ": hint " + hint + " does not belong to its public key");
    }
    try {
      StoredKey key =
          new StoredKey(
              hint,
              KeyAlgorithm.valueOf(text(node, "algorithm", file, where)),
              publicKey,
              KeyState.valueOf(text(node, "state", file, where)),
              StoredKey.Origin.valueOf(text(node, "origin", file, where)),
              instant(node, "createdAt", file, where, true),
              instant(node, "expiresAt", file, where, false),
              instant(node, "activatedAt", file, where, false),
              instant(node, "retiredAt", file, where, false),
              instant(node, "revokedAt", file, where, false));
      // Checks the times against each other, as the trust policy needs them.
      key.toTrustedKey();
      return key;
    } catch (IllegalArgumentException | SigningException e) {
      throw damaged(file, where + " (key " + hint + "): " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field, Path file, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      throw damaged(file, where + "." + field + " is missing or not a string");
    }
    return value.asString();
  }

  private static Instant instant(
      JsonNode node, String field, Path file, String where, boolean required) {
    JsonNode value = node.get(field);
    if ((value == null || value.isNull()) && !required) {
      return null;
    }
    try {
      return Instant.parse(text(node, field, file, where));
    } catch (DateTimeParseException e) {
      throw damaged(file, where + "." + field + " is not an ISO-8601 instant: " + value);
    }
  }

  private static void putInstant(ObjectNode node, String field, Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
    }
  }

  private static SigningException damaged(Path file, String problem) {
    return new SigningException(
        "The key store's keyring "
            + file
            + " is damaged: "
            + problem
            + ". Restore it from a backup");
  }
}
