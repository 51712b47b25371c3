package io.slipway.api.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit log. Immutable.
 *
 * @param id row id, increasing in the order entries were written
 * @param at when, milliseconds since the epoch
 * @param actorKind kind of the actor: USER, DEVICE, PROVISIONING_KEY or ANONYMOUS
 * @param actor the actor's subject: user name, device UUID, ...
 * @param action what happened, dotted lower case, such as {@code user.login}
 * @param targetType what sort of thing it happened to, such as {@code fleet}
 * @param target which one, such as {@code acme/gateways}
 * @param organizationId the organization it belongs to, or null for server-wide actions
 * @param sourceAddress the client's address, or null outside a request
 * @param outcome {@code SUCCESS} or {@code DENIED}
 * @param details more facts, never secrets
 */
public record AuditEntry(
    long id,
    long at,
    String actorKind,
    String actor,
    String action,
    String targetType,
    String target,
    Long organizationId,
    String sourceAddress,
    String outcome,
    Map<String, Object> details) {

  public AuditEntry {
    Objects.requireNonNull(action, "action");
    // Copied without Map.copyOf, which refuses the null values that JSON details may hold.
    details =
        details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }
}
