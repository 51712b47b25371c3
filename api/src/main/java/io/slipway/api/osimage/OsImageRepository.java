package io.slipway.api.osimage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code os_image} table. Safe for concurrent use; each method is one statement. */
@Repository
class OsImageRepository {

  private static final String COLUMNS =
      "id, device_type, version, sha256, size, raw_size, format, boot_label, uploaded_by,"
          + " uploaded_at, signature_key_hint";

  private final JdbcClient jdbc;

  OsImageRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a new image row.
   *
   * @throws org.springframework.dao.DuplicateKeyException when the device type has that version
   */
  void insert(StoredOsImage image) {
    jdbc.sql(
            "INSERT INTO os_image (device_type, version, sha256, size, raw_size, format,"
                + " boot_label, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            image.deviceType(),
            image.version(),
            image.sha256(),
            image.size(),
            image.rawSize(),
            image.format(),
            image.bootLabel(),
            image.uploadedBy(),
            image.uploadedAt())
        .update();
  }

  /** Returns the image of {@code deviceType} at {@code version}. */
  Optional<StoredOsImage> find(String deviceType, String version) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM os_image WHERE device_type = ? AND version = ?")
        .params(deviceType, version)
        .query((row, number) -> read(row))
        .optional();
  }

  /** Returns the most recently uploaded image of {@code deviceType}. */
  Optional<StoredOsImage> findNewest(String deviceType) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM os_image WHERE device_type = ? ORDER BY uploaded_at DESC, id DESC"
                + " LIMIT 1")
        .param(deviceType)
        .query((row, number) -> read(row))
        .optional();
  }

  /** Returns every image, or those of {@code deviceType} when it is not null, newest first. */
  List<StoredOsImage> list(String deviceType) {
    String order = " ORDER BY device_type, uploaded_at DESC, id DESC";
    if (deviceType == null) {
      return jdbc.sql("SELECT " + COLUMNS + " FROM os_image" + order)
          .query((row, number) -> read(row))
          .list();
    }
    return jdbc.sql("SELECT " + COLUMNS + " FROM os_image WHERE device_type = ?" + order)
        .param(deviceType)
        .query((row, number) -> read(row))
        .list();
  }

  /** Counts the rows whose content is the blob {@code sha256}. */
  long countBySha256(String sha256) {
    return jdbc.sql("SELECT COUNT(*) FROM os_image WHERE sha256 = ?")
        .param(sha256)
        .query(Long.class)
        .single();
  }

  /** Records the verified signature of image {@code id}. */
  void setSignature(long id, String keyHint, String bundleJson) {
    jdbc.sql("UPDATE os_image SET signature_key_hint = ?, signature_bundle = ? WHERE id = ?")
        .params(keyHint, bundleJson, id)
        .update();
  }

  /** Deletes image {@code id}; returns false when it was gone already. */
  boolean delete(long id) {
    return jdbc.sql("DELETE FROM os_image WHERE id = ?").param(id).update() == 1;
  }

  private static StoredOsImage read(ResultSet row) throws SQLException {
    return new StoredOsImage(
        row.getLong("id"),
        row.getString("device_type"),
        row.getString("version"),
        row.getString("sha256"),
        row.getLong("size"),
        row.getLong("raw_size"),
        row.getString("format"),
        row.getString("boot_label"),
        row.getString("uploaded_by"),
        row.getLong("uploaded_at"),
        row.getString("signature_key_hint"));
  }
}
