package io.slipway.agent.control;

/**
 * Runs one type of command. Called from the control channel's command thread, one command at a
 * time.
 */
@FunctionalInterface
public interface CommandHandler {

  /**
   * Runs {@code command}, or starts it, and returns what to acknowledge.
   *
   * @throws RuntimeException when the device cannot do it; the message, which names the value at
   *     fault and the fix, becomes the acknowledgement's {@code error}
   */
  Reply handle(Command command);

  /**
   * The outcome of a handler.
   *
   * @param result the acknowledgement's {@code result}, such as {@code service web restarted}
   * @param afterAck what to do once the acknowledgement was sent, or null; a reboot waits for it so
   *     that the acknowledgement leaves the device first
   */
  record Reply(String result, Runnable afterAck) {

    /** Returns a reply with {@code result} and nothing to do after the acknowledgement. */
    public static Reply of(String result) {
      return new Reply(result, null);
    }
  }
}
