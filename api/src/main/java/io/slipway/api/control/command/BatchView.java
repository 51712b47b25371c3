package io.slipway.api.control.command;

import java.util.List;

/**
 * The answer to a fleet-wide command request.
 *
 * @param batch the id that the request's commands share
 * @param sent how many devices the command was published to
 * @param commands the ids of the published commands, one per device
 */
record BatchView(String batch, int sent, List<String> commands) {

  static BatchView of(FleetCommands.Batch batch) {
    List<String> ids = batch.commands().stream().map(Command::id).toList();
    return new BatchView(batch.batchId(), ids.size(), ids);
  }
}
