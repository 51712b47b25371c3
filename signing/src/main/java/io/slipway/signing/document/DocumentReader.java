package io.slipway.signing.document;

import io.slipway.signing.VerificationException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of one JSON object of a signed document. Every getter throws a {@link
 * VerificationException} with {@code MALFORMED} naming the field's path when it is missing or of
 * the wrong kind. Not thread-safe; use one per parse.
 */
public final class DocumentReader {

  private final JsonNode node;
  private final String path;

  DocumentReader(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /**
   * Checks that the object has no field outside {@code fields} and {@code _type}.
   *
   * @throws VerificationException naming the first unknown field
   */
  public void requireOnly(Set<String> fields) {
    Set<String> unknown = new TreeSet<>(node.propertyNames());
    unknown.removeAll(fields);
    unknown.remove(DocumentJson.TYPE_FIELD);
    if (!unknown.isEmpty()) {
      throw DocumentJson.malformed(
          "The " + path + " has the unknown field '" + unknown.iterator().next() + "'");
    }
  }

  /** Returns the non-blank string in {@code field}. */
  public String text(String field) {
    JsonNode value = require(field);
    if (!value.isString() || value.asString().isBlank()) {
      throw wrong(field, "a non-empty string", value);
    }
    return value.asString();
  }

  /** Returns the string in {@code field}, or null when the field is JSON null. */
  public String optionalText(String field) {
    return require(field).isNull() ? null : text(field);
  }

  /** Returns the integer in {@code field}. */
  public long integer(String field) {
    JsonNode value = require(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrong(field, "an integer", value);
    }
    return value.asLong();
  }

  /** Returns the ISO-8601 instant in {@code field}, which must be in whole seconds. */
  public Instant instant(String field) {
    String text = text(field);
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw wrong(field, "an ISO-8601 UTC instant such as 2026-03-01T10:00:00Z", require(field));
    }
    if (instant.getNano() != 0) {
      throw wrong(field, "an instant in whole seconds", require(field));
    }
    return instant;
  }

  /**
   * Returns the instant in {@code field} as {@link #instant} does, or null when it is JSON null.
   */
  public Instant optionalInstant(String field) {
    return require(field).isNull() ? null : instant(field);
  }

  /** Returns the boolean in {@code field}. */
  public boolean bool(String field) {
    JsonNode value = require(field);
    if (!value.isBoolean()) {
      throw wrong(field, "true or false", value);
    }
    return value.asBoolean();
  }

  /** Returns a reader of the object in {@code field}, or null when the field is JSON null. */
  public DocumentReader optionalObject(String field) {
    JsonNode value = require(field);
    if (value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw wrong(field, "an object", value);
    }
    return new DocumentReader(value, path + " field " + field);
  }

  /** Returns the raw JSON in {@code field}, or null when the field is JSON null. */
  public JsonNode optionalNode(String field) {
    JsonNode value = require(field);
    return value.isNull() ? null : value;
  }

  /** Reads each object of the array in {@code field} with {@code element}. */
  public <T> List<T> objects(String field, Function<DocumentReader, T> element) {
    JsonNode value = require(field);
    if (!value.isArray()) {
      throw wrong(field, "an array", value);
    }
    List<T> result = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isObject()) {
        throw wrong(field + "[" + i + "]", "an object", item);
      }
      result.add(element.apply(new DocumentReader(item, path + " field " + field + "[" + i + "]")));
    }
    return result;
  }

  /** Returns a {@code MALFORMED} exception about this object, for a rule across fields. */
  public VerificationException invalid(String problem) {
    return DocumentJson.malformed("The " + path + " is invalid: " + problem);
  }

  private JsonNode require(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw DocumentJson.malformed("The " + path + " is missing the field '" + field + "'");
    }
    return value;
  }

  private VerificationException wrong(String field, String expected, JsonNode actual) {
    return DocumentJson.malformed(
        "The " + path + " field '" + field + "' is " + actual + "; expected " + expected);
  }
}
