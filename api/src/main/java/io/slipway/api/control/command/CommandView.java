package io.slipway.api.control.command;

/**
 * A command as people see it through the API. Times are ISO-8601 instants in UTC.
 *
 * @param id the command id
 * @param device the device's UUID
 * @param type the command's wire name, such as {@code restart-service}
 * @param service the service of a service command, else null
 * @param status {@code PENDING}, {@code SUCCEEDED}, {@code FAILED} or {@code TIMED_OUT}
 * @param result what the device said it did, or null
 * @param error why the device failed, or null
 * @param createdBy who sent it
 * @param createdAt when it was sent
 * @param deadline when it times out unless the device answered
 * @param completedAt when it ended, or null while pending
 */
record CommandView(
    String id,
    String device,
    String type,
    String service,
    String status,
    String result,
    String error,
    String createdBy,
    String createdAt,
    String deadline,
    String completedAt) {

  static CommandView of(Command command) {
    return new CommandView(
        command.id(),
        command.deviceUuid(),
        command.type().wireName(),
        command.service(),
        command.status().name(),
        command.result(),
        command.error(),
        command.createdBy(),
        command.createdAt().toString(),
        command.deadline().toString(),
        command.completedAt() == null ? null : command.completedAt().toString());
  }
}
