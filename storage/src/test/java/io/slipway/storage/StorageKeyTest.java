package io.slipway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageKeyTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/../../x",
        "..",
        ".",
        "a//b",
        "/abs",
        "a/./b",
        "a/",
        "a\\b",
        "a b",
        "a/b?c",
        "a/%2e%2e/b",
        "ü"
      })
  void invalidKeyIsRejectedNamingValue(String value) {
    assertThatThrownBy(() -> new StorageKey(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  void emptyKeyIsRejected() {
    assertThatThrownBy(() -> new StorageKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void nullKeyIsRejected() {
    assertThatThrownBy(() -> new StorageKey(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "blobs/sha256/ab/abcdef", "uploads/2f1c-9.part", "...", "a/.b_c-D"})
  void validKeyIsAccepted(String value) {
    assertThat(new StorageKey(value).value()).isEqualTo(value);
  }

  @Test
  void ofJoinsSegments() {
    assertThat(StorageKey.of("blobs", "sha256", "ab")).isEqualTo(new StorageKey("blobs/sha256/ab"));
  }

  @Test
  void ofRejectsTraversalSegment() {
    assertThatThrownBy(() -> StorageKey.of("blobs", ".."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'blobs/..'");
  }

  @Test
  void resolveAppendsSegment() {
    assertThat(new StorageKey("a/b").resolve("c")).isEqualTo(new StorageKey("a/b/c"));
  }

  @Test
  void resolveRejectsNestedTraversal() {
    assertThatThrownBy(() -> new StorageKey("a").resolve("../b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nameReturnsLastSegment() {
    assertThat(new StorageKey("a/b/c.json").name()).isEqualTo("c.json");
  }

  @Test
  void toStringIsValue() {
    assertThat(new StorageKey("a/b")).hasToString("a/b");
  }
}
