-- A fleet-wide request sets the deadlines of its whole batch in one statement once its rows are in.
CREATE INDEX device_command_batch ON device_command (batch_id);
