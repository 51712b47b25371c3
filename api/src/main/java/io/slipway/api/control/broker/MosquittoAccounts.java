package io.slipway.api.control.broker;

import static io.slipway.api.control.broker.DynamicSecurityCommands.addClientRole;
import static io.slipway.api.control.broker.DynamicSecurityCommands.addRoleAcl;
import static io.slipway.api.control.broker.DynamicSecurityCommands.createClient;
import static io.slipway.api.control.broker.DynamicSecurityCommands.createRole;
import static io.slipway.api.control.broker.DynamicSecurityCommands.deleteClient;
import static io.slipway.api.control.broker.DynamicSecurityCommands.deleteRole;
import static io.slipway.api.control.broker.DynamicSecurityCommands.getClient;
import static io.slipway.api.control.broker.DynamicSecurityCommands.getRole;
import static io.slipway.api.control.broker.DynamicSecurityCommands.removeClientRole;
import static io.slipway.api.control.broker.DynamicSecurityCommands.removeGroupClient;
import static io.slipway.api.control.broker.DynamicSecurityCommands.removeRoleAcl;
import static io.slipway.api.control.broker.DynamicSecurityCommands.setClientId;
import static io.slipway.api.control.broker.DynamicSecurityCommands.setClientPassword;
import static io.slipway.api.control.broker.DynamicSecurityCommands.setDefaultAclAccess;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Idempotent changes to Mosquitto's dynamic-security state: each method brings a role or a client
 * to the wanted state whether it exists already or not, and fails on any other error. The error
 * texts it tolerates are those of Mosquitto 2.0's plugin. Thread-safe as its client.
 */
final class MosquittoAccounts {

  private static final String ROLE_EXISTS = "Role already exists";
  private static final String CLIENT_EXISTS = "Client already exists";
  private static final String ROLE_NOT_FOUND = "Role not found";
  private static final String CLIENT_NOT_FOUND = "Client not found";

  private final DynamicSecurityClient dynsec;

  MosquittoAccounts(DynamicSecurityClient dynsec) {
    this.dynsec = dynsec;
  }

  /** Denies the ACL types given to every client that no role allows them to. */
  void denyByDefault(List<String> types) {
    expectSuccess(
        "default access", dynsec.send("default access", List.of(setDefaultAclAccess(types))));
  }

  /** Creates role {@code role} with exactly {@code acls}, or corrects the existing one to them. */
  void ensureRole(String role, Set<MosquittoAcl> acls) {
    String subject = "role " + role;
    DynamicSecurityResponse created = dynsec.send(subject, List.of(createRole(role, acls))).get(0);
    if (created.succeeded()) {
      return;
    }
    expect(subject, created, ROLE_EXISTS);
    correctRole(role, acls);
  }

  /**
   * Creates client {@code username} with {@code password} and role {@code role} alone, or brings
   * the existing client to that state.
   *
   * @param clientId the only client id it may connect with; null for any
   */
  void ensureClient(String username, String password, String clientId, String role) {
    String subject = "client " + username;
    DynamicSecurityResponse created =
        dynsec.send(subject, List.of(createClient(username, password, clientId, role))).get(0);
    if (created.succeeded()) {
      return;
    }
    expect(subject, created, CLIENT_EXISTS);
    List<DynamicSecurityResponse> updated =
        dynsec.send(subject, List.of(setClientPassword(username, password), getClient(username)));
    expectSuccess(subject, updated);
    correctClient(username, clientId, role, updated.get(1).data().path("client"));
  }

  /** Deletes client {@code username} and role {@code role}; either may be missing already. */
  void deleteDevice(String username, String role) {
    String subject = "client " + username;
    List<DynamicSecurityResponse> deleted =
        dynsec.send(subject, List.of(deleteClient(username), deleteRole(role)));
    expect(subject, deleted.get(0), CLIENT_NOT_FOUND);
    expect(subject, deleted.get(1), ROLE_NOT_FOUND);
  }

  private void correctRole(String role, Set<MosquittoAcl> wanted) {
    String subject = "role " + role;
    DynamicSecurityResponse read = dynsec.send(subject, List.of(getRole(role))).get(0);
    expect(subject, read, null);
    Set<MosquittoAcl> present = new HashSet<>();
    for (JsonNode acl : read.data().path("role").path("acls")) {
      present.add(
          new MosquittoAcl(
              acl.path("acltype").asString(),
              acl.path("topic").asString(),
              acl.path("allow").asBoolean()));
    }

    // Removing goes by type and topic, so a wrong entry is removed before the right one is added.
    List<ObjectNode> changes = new ArrayList<>();
    present.stream()
        .filter(acl -> !wanted.contains(acl))
        .forEach(acl -> changes.add(removeRoleAcl(role, acl)));
    wanted.stream()
        .filter(acl -> !present.contains(acl))
        .forEach(acl -> changes.add(addRoleAcl(role, acl)));
    if (!changes.isEmpty()) {
      expectSuccess(subject, dynsec.send(subject, changes));
    }
  }

  private void correctClient(String uuid, String clientId, String role, JsonNode client) {
    List<ObjectNode> changes = new ArrayList<>();
    if (clientId != null && !clientId.equals(client.path("clientid").asString(null))) {
      changes.add(setClientId(uuid, clientId));
    }
    Set<String> roles = names(client.path("roles"), "rolename");
    if (!roles.contains(role)) {
      changes.add(addClientRole(uuid, role));
    }
    roles.stream()
        .filter(other -> !other.equals(role))
        .forEach(other -> changes.add(removeClientRole(uuid, other)));
    names(client.path("groups"), "groupname")
        .forEach(group -> changes.add(removeGroupClient(group, uuid)));
    if (!changes.isEmpty()) {
      expectSuccess("client " + uuid, dynsec.send("client " + uuid, changes));
    }
  }

  private static Set<String> names(JsonNode entries, String field) {
    Set<String> names = new HashSet<>();
    for (JsonNode entry : entries) {
      names.add(entry.path(field).asString());
    }
    return names;
  }

  private void expectSuccess(String subject, List<DynamicSecurityResponse> responses) {
    responses.forEach(response -> expect(subject, response, null));
  }

  /**
   * Throws unless {@code response} succeeded or failed with {@code tolerated} (null tolerates
   * nothing).
   */
  private void expect(String subject, DynamicSecurityResponse response, String tolerated) {
    if (response.succeeded() || (tolerated != null && response.failedWith(tolerated))) {
      return;
    }
    throw new ControlBrokerException(
        "Mosquitto at "
            + dynsec.url()
            + " rejected "
            + response.command()
            + " for "
            + subject
            + ": "
            + response.error());
  }
}
