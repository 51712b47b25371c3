package io.slipway.cli.output;

import java.io.PrintWriter;
import tools.jackson.databind.json.JsonMapper;

/** Prints the one JSON document a command run with {@code --json} writes to standard output. */
public final class JsonOutput {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonOutput() {}

  /** Prints {@code value} (a JsonNode, map, list or record) indented, with a final newline. */
  public static void print(PrintWriter out, Object value) {
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    out.flush();
  }
}
