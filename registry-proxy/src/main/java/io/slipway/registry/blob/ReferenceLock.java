package io.slipway.registry.blob;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps garbage collection and deletes from removing a blob while a request is making it reachable.
 * Requests that link a blob or record a manifest take the shared side. The collector's sweep and
 * the registry's blob and manifest deletes take the exclusive side while they check and delete.
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
