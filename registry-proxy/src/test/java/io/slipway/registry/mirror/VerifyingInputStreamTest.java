package io.slipway.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.reference.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {

  private static final byte[] CONTENT = "layer content".getBytes(StandardCharsets.UTF_8);

  @Test
  void matchingContentIsReadToTheEnd() throws IOException {
    VerifyingInputStream stream =
        new VerifyingInputStream(new ByteArrayInputStream(CONTENT), Digest.sha256Of(CONTENT));

    byte[] read = stream.readAllBytes();

    assertThat(read).isEqualTo(CONTENT);
    assertThat(stream.mismatched()).isFalse();
    assertThat(stream.actualDigest()).isEqualTo(Digest.sha256Of(CONTENT));
  }

  @Test
  void otherContentFailsTheReadAtTheEnd() {
    Digest expected = Digest.sha256Of("something else".getBytes(StandardCharsets.UTF_8));
    VerifyingInputStream stream =
        new VerifyingInputStream(new ByteArrayInputStream(CONTENT), expected);

    assertThatThrownBy(() -> stream.transferTo(OutputStream.nullOutputStream()))
        .isInstanceOf(VerifyingInputStream.DigestMismatchException.class)
        .hasMessageContaining(Digest.sha256Of(CONTENT).toString());
    assertThat(stream.mismatched()).isTrue();
    assertThat(stream.upstreamFailure()).isNull();
  }

  @Test
  void sha512DigestIsVerifiedWithSha512() throws IOException {
    Digest sha512 = new Digest("sha512", "0".repeat(128)).recompute(CONTENT);
    VerifyingInputStream stream =
        new VerifyingInputStream(new ByteArrayInputStream(CONTENT), sha512);

    stream.transferTo(OutputStream.nullOutputStream());

    assertThat(stream.mismatched()).isFalse();
  }

  @Test
  void upstreamFailureIsRecorded() {
    IOException broken = new IOException("connection reset");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw broken;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            throw broken;
          }
        };
    VerifyingInputStream stream = new VerifyingInputStream(failing, Digest.sha256Of(CONTENT));

    assertThatThrownBy(stream::readAllBytes).isSameAs(broken);
    assertThat(stream.upstreamFailure()).isSameAs(broken);
    assertThat(stream.mismatched()).isFalse();
  }
}
