package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityTagsTest {

  private static final String ETAG = "\"ts1-1-2-3-4\"";

  @Test
  void anAbsentHeaderMatchesNothing() {
    assertThat(EntityTags.matches(null, ETAG)).isFalse();
  }

  @Test
  void theSameTagMatches() {
    assertThat(EntityTags.matches(ETAG, ETAG)).isTrue();
  }

  @Test
  void aTagInAListMatches() {
    assertThat(EntityTags.matches("\"old\", " + ETAG, ETAG)).isTrue();
  }

  @Test
  void aWeakFormOfTheTagMatches() {
    assertThat(EntityTags.matches("W/" + ETAG, ETAG)).isTrue();
  }

  @Test
  void aStarMatchesAnyState() {
    assertThat(EntityTags.matches("*", ETAG)).isTrue();
  }

  @Test
  void anOlderVersionDoesNotMatch() {
    assertThat(EntityTags.matches("\"ts1-1-2-3-3\"", ETAG)).isFalse();
  }
}
