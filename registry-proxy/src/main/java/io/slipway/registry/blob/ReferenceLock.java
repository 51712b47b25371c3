package io.slipway.registry.blob;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps garbage collection from deleting a blob while a request is making it reachable. Requests
 * that link a blob or record a manifest hold the shared side; the collector's sweep holds the
 * exclusive side while it re-checks and deletes.
 *
 * <p>NOTE: the lock lives in one JVM, so collection is safe with one server process per blob store.
 */
public final class ReferenceLock {

  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  /** Runs {@code action} while no sweep is deleting. */
  public <T> T whileReferencing(Supplier<T> action) {
    lock.readLock().lock();
    try {
      return action.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code action} while no request is linking blobs or recording manifests. */
  public <T> T whileSweeping(Supplier<T> action) {
    lock.writeLock().lock();
    try {
      return action.get();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
