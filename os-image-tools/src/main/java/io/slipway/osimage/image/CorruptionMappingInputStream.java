package io.slipway.osimage.image;

import io.slipway.osimage.OsImageException;
import io.slipway.osimage.OsImageFailure;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a decompressor's read errors into {@code CORRUPT_ARCHIVE}, while errors reading the stored
 * file itself stay {@link IOException}s. The stored file's stream must be wrapped in {@link
 * #marking} before the decompressor reads it, so that the two kinds can be distinguished.
 */
final class CorruptionMappingInputStream extends FilterInputStream {

  private final String sourceName;

  CorruptionMappingInputStream(InputStream decompressed, String sourceName) {
    super(decompressed);
    this.sourceName = sourceName;
  }

  /** Wraps the stored file's stream so that its own read errors are recognised later. */
  static InputStream marking(InputStream stored) {
    return new FilterInputStream(stored) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw new StoredFileException(e);
        }
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
          return super.read(buffer, offset, length);
        } catch (IOException e) {
          throw new StoredFileException(e);
        }
      }
    };
  }

  /** Returns the exception for a stored file that ends early or fails its own checks. */
  static OsImageException corrupt(String sourceName, Exception cause) {
    return new OsImageException(
        OsImageFailure.CORRUPT_ARCHIVE,
        "Image "
            + sourceName
            + " is truncated or corrupt ("
            + describe(cause)
            + "): upload or download it again and compare its SHA-256 with the published one",
        cause);
  }

  /** Names the decompressor's failure; some, such as a gzip file that ends early, carry no text. */
  private static String describe(Exception cause) {
    if (cause.getMessage() != null) {
      return cause.getMessage();
    }
    if (cause instanceof EOFException) {
      return "the data ends early";
    }
    return cause.getClass().getSimpleName();
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw map(e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return super.read(buffer, offset, length);
    } catch (IOException e) {
      throw map(e);
    }
  }

  @Override
  public long skip(long count) throws IOException {
    try {
      return super.skip(count);
    } catch (IOException e) {
      throw map(e);
    }
  }

  private IOException map(IOException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StoredFileException stored) {
        return stored.getCause();
      }
    }
    throw corrupt(sourceName, e);
  }

  /** A read error of the stored file, passed through the decompressor unchanged. */
  private static final class StoredFileException extends IOException {

    StoredFileException(IOException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
