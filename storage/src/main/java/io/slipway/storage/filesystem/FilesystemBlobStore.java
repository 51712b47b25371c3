package io.slipway.storage.filesystem;

import io.slipway.storage.BlobStore;
import io.slipway.storage.ObjectInfo;
import io.slipway.storage.ObjectNotFoundException;
import io.slipway.storage.ObjectTooLargeException;
import io.slipway.storage.StorageException;
import io.slipway.storage.StorageKey;
import io.slipway.storage.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} that keeps each object as a regular file under a root directory, at the
 * relative path named by its key.
 *
 * <p>A write streams into a temporary file in {@code root/.tmp}, syncs it to disk and renames it
 * over the key's path, so readers see the old object or the new one and never a partial file. The
 * temporary directory lives under the root so that the rename stays on one filesystem, which is
 * what makes it atomic. Keys whose first segment is {@code .tmp} are therefore rejected.
 *
 * <p>A key cannot name both an object and a prefix of other objects: with {@code a/b} stored, a
 * write to {@code a} fails because {@code a} is a directory. Empty directories left behind by
 * deletes and moves are kept, because removing them would race with a concurrent write that is
 * creating a file below them.
 *
 * <p>Safe for concurrent use by many threads, and by several processes sharing the root.
 */
public final class FilesystemBlobStore implements BlobStore {

  private static final Logger log = LoggerFactory.getLogger(FilesystemBlobStore.class);

  /** Copy buffer size: large enough that a multi-GiB write costs few system calls. */
  private static final int BUFFER_BYTES = 256 * 1024;

  private final Path root;
  private final TempDirectory tempDirectory;

  /**
   * Opens the store at {@code root}, creating the directory when missing, and deletes temporary
   * files that earlier processes left behind more than an hour ago.
   *
   * @throws StorageException when {@code root} cannot be created or is not a writable directory
   */
  public FilesystemBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.tempDirectory = new TempDirectory(this.root.resolve(TempDirectory.NAME));
    try {
      Files.createDirectories(this.root);
      tempDirectory.create();
    } catch (IOException e) {
      throw new StorageException(
          "Cannot create the blob store directory '"
              + this.root
              + "': "
              + e
              + ". Check that the path is a writable directory.",
          e);
    }

    int removed = tempDirectory.deleteStaleFiles();
    log.info("Filesystem blob store opened: root={}, staleTempFilesRemoved={}", this.root, removed);
  }

  /** Returns the absolute, normalized root directory. */
  public Path root() {
    return root;
  }

  @Override
  public Optional<ObjectInfo> stat(StorageKey key) {
    Path path = resolve(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("Failed to stat object '" + key + "': " + e, e);
    }
  }

  @Override
  public InputStream read(StorageKey key, long offset, long length) {
    requireNonNegativeOffset(offset);
    Path path = resolve(key);
    if (Files.isDirectory(path)) {
      throw new ObjectNotFoundException(key);
    }

    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(key);
    } catch (IOException e) {
      throw new StorageException("Failed to open object '" + key + "' for reading: " + e, e);
    }

    try {
      channel.position(offset);
      InputStream stream = Channels.newInputStream(channel);
      return length < 0 ? stream : new BoundedInputStream(stream, length);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw new StorageException(
          "Failed to seek to " + offset + " in object '" + key + "': " + e, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The object is synced to disk before it becomes visible at {@code key}.
   *
   * @throws StorageException when reading {@code content} fails, the disk is full, or {@code key}
   *     is the directory of other objects. Nothing changes at {@code key} then.
   */
  @Override
  public WriteResult write(StorageKey key, InputStream content, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes is negative: " + maxBytes);
    }
    Path target = resolve(key);

    Path temp = null;
    try {
      temp = tempDirectory.newFile();
      WriteResult result = copyAndSync(key, content, maxBytes, temp);
      publish(temp, target);
      log.debug(
          "Stored object: key={}, size={}, sha256={}", key, result.size(), result.sha256Hex());
      return result;
    } catch (IOException e) {
      throw new StorageException("Failed to write object '" + key + "': " + e, e);
    } finally {
      // After a successful publish the temporary file is gone and this does nothing.
      tempDirectory.deleteQuietly(temp);
    }
  }

  @Override
  public void move(StorageKey source, StorageKey target) {
    Path from = resolve(source);
    Path to = resolve(target);
    if (!Files.isRegularFile(from)) {
      throw new ObjectNotFoundException(source);
    }

    try {
      publish(from, to);
    } catch (NoSuchFileException e) {
      // A concurrent delete or move took the source between the check and the rename.
      throw new ObjectNotFoundException(source);
    } catch (IOException e) {
      throw new StorageException(
          "Failed to move object '" + source + "' to '" + target + "': " + e, e);
    }
  }

  @Override
  public boolean delete(StorageKey key) {
    Path path = resolve(key);
    if (Files.isDirectory(path)) {
      return false;
    }

    try {
      return Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new StorageException("Failed to delete object '" + key + "': " + e, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Files whose names are not valid keys, such as ones copied in by hand, are skipped, and so
   * are files deleted while the walk runs.
   */
  @Override
  public Stream<StorageKey> list(StorageKey prefix) {
    Path directory = resolve(prefix);
    if (!Files.isDirectory(directory)) {
      return Stream.empty();
    }

    // NOTE: the keys are collected in memory before the stream is returned, so that a concurrent
    // delete cannot fail a lazy walk half way. A prefix with millions of objects costs that memory.
    KeyCollector collector = new KeyCollector(root);
    try {
      Files.walkFileTree(directory, collector);
    } catch (IOException e) {
      throw new StorageException("Failed to list objects under '" + prefix + "': " + e, e);
    }
    return collector.keys().stream();
  }

  @Override
  public Optional<Path> localFile(StorageKey key) {
    Path path = resolve(key);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  /** Streams {@code content} into {@code temp} while hashing and counting it, then syncs it. */
  private static WriteResult copyAndSync(
      StorageKey key, InputStream content, long maxBytes, Path temp) throws IOException {
    MessageDigest sha256 = newSha256();
    byte[] buffer = new byte[BUFFER_BYTES];
    long size = 0;

    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      int read;
      while ((read = content.read(buffer)) != -1) {
        size += read;
        if (size > maxBytes) {
          throw new ObjectTooLargeException(key, maxBytes);
        }
        sha256.update(buffer, 0, read);
        writeFully(channel, ByteBuffer.wrap(buffer, 0, read));
      }
      channel.force(true);
    }

    return new WriteResult(size, HexFormat.of().formatHex(sha256.digest()));
  }

  private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /** Renames {@code file} over {@code target} atomically and makes the rename durable. */
  private static void publish(Path file, Path target) throws IOException {
    Path parent = target.getParent();
    Files.createDirectories(parent);
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "The filesystem under '" + parent + "' cannot rename atomically. Use a local filesystem.",
          e);
    }
    syncDirectory(parent);
  }

  /**
   * Syncs a directory so that a rename into it survives a crash. Linux supports this. Where the
   * platform cannot open a directory for reading, the rename is still atomic but not yet durable.
   */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      log.debug("Cannot sync directory {}: {}", directory, e.toString());
    }
  }

  /**
   * Resolves {@code key} below the root. {@link StorageKey} already forbids {@code ..} segments, so
   * the prefix check is a second guard in case that validation ever loosens. Keys inside the
   * temporary directory are rejected as well.
   */
  private Path resolve(StorageKey key) {
    Path path = root.resolve(key.value()).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IllegalArgumentException(
          "Storage key '" + key + "' resolves outside the blob store root '" + root + "'");
    }
    if (path.startsWith(tempDirectory.path())) {
      throw new IllegalArgumentException(
          "Storage key '"
              + key
              + "' is reserved: the first segment '"
              + TempDirectory.NAME
              + "' is the directory of in-progress writes. Use another first segment.");
    }
    return path;
  }

  private static void requireNonNegativeOffset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("Read offset is negative: " + offset);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Failed to close a file channel: {}", e.toString());
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest javadoc).
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
