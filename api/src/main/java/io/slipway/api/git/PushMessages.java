package io.slipway.api.git;

import java.io.IOException;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * Sends lines to the client of a push, which git shows as {@code remote: ...}, and flushes each at
 * once so that a long build is seen while it runs. Remembers when the client went away. Not
 * thread-safe: used by the thread serving the push.
 */
final class PushMessages {

  private final ReceivePack receivePack;
  private boolean gone;

  PushMessages(ReceivePack receivePack) {
    this.receivePack = receivePack;
  }

  /** Sends {@code line}; does nothing once the client is gone. */
  void send(String line) {
    if (gone) {
      return;
    }
    receivePack.sendMessage(line);
    try {
      receivePack.getMessageOutputStream().flush();
    } catch (IOException e) {
      gone = true;
    }
  }

  /** Returns true once a flush failed, which means the client closed the connection. */
  boolean clientGone() {
    return gone;
  }
}
