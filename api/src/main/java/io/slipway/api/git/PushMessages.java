package io.slipway.api.git;

import java.io.IOException;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends lines to the client of a push, which git shows as {@code remote: ...}, and flushes each at
 * once so that a long build is seen while it runs. Not thread-safe: used by the thread serving the
 * push.
 *
 * <p>NOTE: {@link ReceivePack} ignores write errors of messages, so a client that went away is not
 * noticed here, and the thread follows the build until its release is final.
 */
final class PushMessages {

  private static final Logger log = LoggerFactory.getLogger(PushMessages.class);

  private final ReceivePack receivePack;

  PushMessages(ReceivePack receivePack) {
    this.receivePack = receivePack;
  }

  /** Sends {@code line} and flushes it to the client. */
  void send(String line) {
    receivePack.sendMessage(line);
    try {
      receivePack.getMessageOutputStream().flush();
    } catch (IOException e) {
      log.debug("Cannot flush a message to the client of a push: {}", e.toString());
    }
  }
}
