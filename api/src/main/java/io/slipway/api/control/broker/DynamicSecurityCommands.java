package io.slipway.api.control.broker;

import java.util.Collection;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON commands of Mosquitto's dynamic-security plugin (API {@code v1}, as Mosquitto 2.0
 * defines it). Each method returns one command object; {@link DynamicSecurityClient} adds the
 * correlation data and sends them. Stateless and thread-safe.
 */
final class DynamicSecurityCommands {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private DynamicSecurityCommands() {}

  /** Sets the default access for the ACL types given, such as {@code subscribe}. */
  static ObjectNode setDefaultAclAccess(Collection<String> deniedTypes) {
    ObjectNode command = command("setDefaultACLAccess");
    ArrayNode acls = command.putArray("acls");
    for (String type : deniedTypes) {
      acls.addObject().put("acltype", type).put("allow", false);
    }
    return command;
  }

  static ObjectNode createRole(String role, Collection<MosquittoAcl> acls) {
    ObjectNode command = command("createRole").put("rolename", role);
    ArrayNode entries = command.putArray("acls");
    for (MosquittoAcl acl : acls) {
      entries.add(acl(acl));
    }
    return command;
  }

  static ObjectNode getRole(String role) {
    return command("getRole").put("rolename", role);
  }

  static ObjectNode deleteRole(String role) {
    return command("deleteRole").put("rolename", role);
  }

  static ObjectNode addRoleAcl(String role, MosquittoAcl acl) {
    return acl(acl).put("command", "addRoleACL").put("rolename", role);
  }

  static ObjectNode removeRoleAcl(String role, MosquittoAcl acl) {
    return command("removeRoleACL")
        .put("rolename", role)
        .put("acltype", acl.type())
        .put("topic", acl.topic());
  }

  /** Creates a client that may connect only with {@code clientId}, or with any id when null. */
  static ObjectNode createClient(String username, String password, String clientId, String role) {
    ObjectNode command =
        command("createClient").put("username", username).put("password", password);
    if (clientId != null) {
      command.put("clientid", clientId);
    }
    command.putArray("roles").addObject().put("rolename", role);
    return command;
  }

  static ObjectNode getClient(String username) {
    return command("getClient").put("username", username);
  }

  static ObjectNode deleteClient(String username) {
    return command("deleteClient").put("username", username);
  }

  static ObjectNode setClientPassword(String username, String password) {
    return command("setClientPassword").put("username", username).put("password", password);
  }

  static ObjectNode setClientId(String username, String clientId) {
    return command("setClientId").put("username", username).put("clientid", clientId);
  }

  static ObjectNode addClientRole(String username, String role) {
    return command("addClientRole").put("username", username).put("rolename", role);
  }

  static ObjectNode removeClientRole(String username, String role) {
    return command("removeClientRole").put("username", username).put("rolename", role);
  }

  static ObjectNode removeGroupClient(String group, String username) {
    return command("removeGroupClient").put("groupname", group).put("username", username);
  }

  private static ObjectNode acl(MosquittoAcl acl) {
    return JSON.objectNode()
        .put("acltype", acl.type())
        .put("topic", acl.topic())
        .put("allow", acl.allow());
  }

  private static ObjectNode command(String name) {
    return JSON.objectNode().put("command", name);
  }
}
