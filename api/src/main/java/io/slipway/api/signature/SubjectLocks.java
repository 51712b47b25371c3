package io.slipway.api.signature;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per signed subject (registry, repository and digest), so that read-modify-writes of one
 * subject's signature tags run one at a time while other subjects proceed. A lock lives only while
 * some thread holds or waits for it, so the map stays as small as the work in progress.
 * Thread-safe.
 *
 * <p>NOTE: the locks live in one JVM. Two server processes, or another tool, writing signatures of
 * one subject at the same time can still lose one of them, as the registry has no compare-and-set
 * for tags.
 */
final class SubjectLocks {

  private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

  /** A lock and the number of threads holding or waiting for it, changed only inside compute. */
  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  /** Runs {@code action} while holding the lock of {@code subject}. */
  <T> T with(String subject, Supplier<T> action) {
    Entry entry =
        locks.compute(
            subject,
            (key, existing) -> {
              Entry current = existing == null ? new Entry() : existing;
              current.users++;
              return current;
            });
    entry.lock.lock();
    try {
      return action.get();
    } finally {
      entry.lock.unlock();
      locks.computeIfPresent(subject, (key, current) -> --current.users == 0 ? null : current);
    }
  }

  /** Returns how many subjects have a lock now; for tests. */
  int size() {
    return locks.size();
  }
}
