package io.slipway.systemtest.server;

import java.util.Locale;

/**
 * One server configuration under test: where it keeps its metadata and where its blobs.
 *
 * @param database the metadata database
 * @param storage the blob store
 */
public record Backend(Database database, Storage storage) {

  /** The databases the server supports. */
  public enum Database {
    /** The embedded H2 file database in the data directory, the server's default. */
    H2,
    /** A fresh schema in the PostgreSQL server that {@code SLIPWAY_TEST_POSTGRES_URL} names. */
    POSTGRESQL
  }

  /** The blob stores the server supports. */
  public enum Storage {
    /** Files under the data directory, the server's default. */
    FILESYSTEM,
    /** An S3 bucket on an S3Proxy that the test JVM runs on loopback. */
    S3
  }

  public Backend {
    if (database == null || storage == null) {
      throw new IllegalArgumentException(
          "A backend needs a database and a storage, got " + database + " and " + storage);
    }
  }

  /** Reads as {@code h2+filesystem}; used in test names and directory names. */
  @Override
  public String toString() {
    return database.name().toLowerCase(Locale.ROOT) + "+" + storage.name().toLowerCase(Locale.ROOT);
  }
}
