package io.slipway.api.access;

import java.util.Set;
import java.util.function.Function;

/**
 * One row of the permission matrix: an endpoint as Spring maps it, the principals allowed to call
 * it, the body to send and the fixture that prepares what the request acts on.
 *
 * @param path the path pattern exactly as the controller declares it, placeholders included
 * @param body a JSON body with placeholders, or null for none
 */
record Endpoint(
    String method,
    String path,
    Set<Principal> allowed,
    String query,
    String body,
    Fixture fixture) {

  /** Prepares the target of one request by {@code caller}; destructive rows make a new one. */
  @FunctionalInterface
  interface Fixture {
    Target prepare(MatrixWorld world, Principal caller);
  }

  /** Returns a row that acts on the shared target without a body. */
  static Endpoint row(String method, String path, Set<Principal> allowed) {
    return new Endpoint(method, path, allowed, "", null, (world, caller) -> world.shared());
  }

  /** Returns this row with a JSON body template. */
  Endpoint body(String template) {
    return new Endpoint(method, path, allowed, query, template, fixture);
  }

  /** Returns this row with a query string template, without the {@code ?}. */
  Endpoint query(String template) {
    return new Endpoint(method, path, allowed, "?" + template, body, fixture);
  }

  /** Returns this row with its own fixture, the same for every caller. */
  Endpoint on(Function<MatrixWorld, Target> prepare) {
    return new Endpoint(
        method, path, allowed, query, body, (world, caller) -> prepare.apply(world));
  }

  /** Returns this row with its own fixture that depends on the caller. */
  Endpoint onFor(Fixture prepare) {
    return new Endpoint(method, path, allowed, query, body, prepare);
  }

  /** Returns {@code METHOD /path}, as the completeness check compares rows with Spring. */
  String key() {
    return method + " " + path;
  }
}
