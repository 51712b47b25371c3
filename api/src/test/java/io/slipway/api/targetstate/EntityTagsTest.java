package io.slipway.api.targetstate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityTagsTest {

  private static final String ETAG = "\"ts1-1-2-3-4\"";

  @Test
  void absentHeaderMatchesNothing() {
    assertThat(EntityTags.matches(null, ETAG)).isFalse();
  }

  @Test
  void sameTagMatches() {
    assertThat(EntityTags.matches(ETAG, ETAG)).isTrue();
  }

  @Test
  void tagInAListMatches() {
    assertThat(EntityTags.matches("\"old\", " + ETAG, ETAG)).isTrue();
  }

  @Test
  void weakFormOfTheTagMatches() {
    assertThat(EntityTags.matches("W/" + ETAG, ETAG)).isTrue();
  }

  @Test
  void starMatchesAnyState() {
    assertThat(EntityTags.matches("*", ETAG)).isTrue();
  }

  @Test
  void olderVersionDoesNotMatch() {
    assertThat(EntityTags.matches("\"ts1-1-2-3-3\"", ETAG)).isFalse();
  }
}
