package io.slipway.osimage.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stored base image opened for configuring: random reads of its raw bytes first ({@link
 * ImageBytes}), then one sequential pass over the whole raw image ({@link #rawStream()}). Not safe
 * for concurrent use; closing it releases the source and deletes any scratch file.
 */
public abstract class SourceImage implements ImageBytes, Closeable {

  private final String name;
  private boolean streamed;

  SourceImage(String name) {
    this.name = name;
  }

  /** Returns the name of the stored file, for messages. */
  public String name() {
    return name;
  }

  /**
   * Returns the whole raw image from offset 0 to its end. After this call, {@link #read} must not
   * be called again.
   *
   * @throws IllegalStateException when called a second time: a compressed source is decompressed
   *     once only
   * @throws IOException when opening fails
   */
  public final InputStream rawStream() throws IOException {
    if (streamed) {
      throw new IllegalStateException("The raw image of " + name + " was already streamed");
    }
    streamed = true;
    return openRawStream();
  }

  abstract InputStream openRawStream() throws IOException;
}
