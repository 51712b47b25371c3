package io.slipway.api.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.delta.ByteRange.Partial;
import io.slipway.api.delta.ByteRange.Unsatisfiable;
import io.slipway.api.delta.ByteRange.Whole;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void noHeaderMeansWhole() {
    assertThat(ByteRange.parse(null, 100)).isInstanceOf(Whole.class);
  }

  @Test
  void closedRangeIsServed() {
    assertThat(ByteRange.parse("bytes=10-19", 100)).isEqualTo(new Partial(new ByteRange(10, 19)));
  }

  @Test
  void rangePastTheEndIsCut() {
    assertThat(ByteRange.parse("bytes=90-200", 100)).isEqualTo(new Partial(new ByteRange(90, 99)));
  }

  @Test
  void openRangeRunsToTheEnd() {
    assertThat(ByteRange.parse("bytes=95-", 100)).isEqualTo(new Partial(new ByteRange(95, 99)));
  }

  @Test
  void suffixRangeTakesTheLastBytes() {
    assertThat(ByteRange.parse("bytes=-5", 100)).isEqualTo(new Partial(new ByteRange(95, 99)));
  }

  @Test
  void suffixLongerThanTheObjectIsWhole() {
    assertThat(ByteRange.parse("bytes=-500", 100)).isEqualTo(new Partial(new ByteRange(0, 99)));
  }

  @Test
  void startAtTheEndIsNotSatisfiable() {
    assertThat(ByteRange.parse("bytes=100-", 100)).isInstanceOf(Unsatisfiable.class);
  }

  @Test
  void emptySuffixIsNotSatisfiable() {
    assertThat(ByteRange.parse("bytes=-0", 100)).isInstanceOf(Unsatisfiable.class);
  }

  @Test
  void severalRangesAreIgnored() {
    assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isInstanceOf(Whole.class);
  }

  @Test
  void otherUnitsAreIgnored() {
    assertThat(ByteRange.parse("items=0-1", 100)).isInstanceOf(Whole.class);
  }

  @Test
  void reversedRangeIsIgnored() {
    assertThat(ByteRange.parse("bytes=9-1", 100)).isInstanceOf(Whole.class);
  }

  @Test
  void hugeNumbersAreIgnored() {
    assertThat(ByteRange.parse("bytes=9999999999999999999-", 100)).isInstanceOf(Whole.class);
  }

  @Test
  void contentRangeNamesTheSize() {
    assertThat(new ByteRange(10, 19).contentRange(100)).isEqualTo("bytes 10-19/100");
  }
}
