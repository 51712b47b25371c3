package io.slipway.osimage.fat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.osimage.image.ImageBytes;
import io.slipway.osimage.image.ImagePatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OverlayBlockDeviceTest {

  /** An image of 8 KiB whose byte at offset i is (i / 512) + 1, so every sector differs. */
  private static final byte[] IMAGE = new byte[8192];

  static {
    for (int i = 0; i < IMAGE.length; i++) {
      IMAGE[i] = (byte) (i / 512 + 1);
    }
  }

  private final ImageBytes image =
      new ImageBytes() {
        @Override
        public int read(long offset, ByteBuffer target) {
          int length = (int) Math.min(target.remaining(), IMAGE.length - offset);
          target.put(IMAGE, (int) offset, length);
          return length;
        }

        @Override
        public OptionalLong knownSize() {
          return OptionalLong.of(IMAGE.length);
        }
      };

  @Test
  void readsPartitionAtItsOffset() throws IOException {
    OverlayBlockDevice device = new OverlayBlockDevice(image, 1024, 4096);

    ByteBuffer first = ByteBuffer.allocate(2);
    device.read(511, first);

    assertThat(first.array()).containsExactly(3, 4);
    assertThat(first.position()).isEqualTo(2);
  }

  @Test
  void readsSeeEarlierWrites() throws IOException {
    OverlayBlockDevice device = new OverlayBlockDevice(image, 1024, 4096);

    device.write(510, ByteBuffer.wrap(new byte[] {9, 9, 9, 9}));
    ByteBuffer read = ByteBuffer.allocate(6);
    device.read(509, read);

    assertThat(read.array()).containsExactly(3, 9, 9, 9, 9, 4);
  }

  @Test
  void neverWritesTheImage() throws IOException {
    byte[] before = IMAGE.clone();
    OverlayBlockDevice device = new OverlayBlockDevice(image, 0, 8192);

    device.write(0, ByteBuffer.allocate(8192));

    assertThat(IMAGE).isEqualTo(before);
  }

  @Test
  void patchHoldsChangedSectorsInImageOffsets() throws IOException {
    OverlayBlockDevice device = new OverlayBlockDevice(image, 1024, 4096);
    byte[] unchanged = Arrays.copyOfRange(IMAGE, 1024, 1536);

    device.write(0, ByteBuffer.wrap(unchanged));
    device.write(1000, ByteBuffer.wrap(new byte[] {42}));
    ImagePatch patch = device.toPatch();

    assertThat(patch.ranges()).hasSize(1);
    assertThat(patch.ranges().get(0).offset()).isEqualTo(1024 + 512);
    assertThat(patch.ranges().get(0).content()[1000 - 512]).isEqualTo((byte) 42);
    assertThat(patch.patchedBytes()).isEqualTo(512);
  }

  @Test
  void rejectsAccessPastPartitionEnd() {
    OverlayBlockDevice device = new OverlayBlockDevice(image, 1024, 4096);

    assertThatThrownBy(() -> device.read(4095, ByteBuffer.allocate(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsImageEndingInsidePartition() {
    OverlayBlockDevice device = new OverlayBlockDevice(image, 4096, 8192);

    assertThatThrownBy(() -> device.read(4096, ByteBuffer.allocate(512)))
        .isInstanceOf(OverlayBlockDevice.ImageReadException.class)
        .hasMessageContaining("ends inside the partition");
  }
}
