package io.slipway.api.control.broker;

import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.MqttActivity;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.PermissionType;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.Retain;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.SharedSubscription;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.slipway.api.control.ControlTopics;
import java.util.List;

/**
 * The topic permissions of the embedded broker, exactly the table in {@code
 * docs/control-channel.md}. Everything not listed is denied. Needs a running HiveMQ (its builders
 * are only available inside an extension).
 */
final class BrokerPermissions {

  private BrokerPermissions() {}

  /** Device {@code uuid}: receive its commands, publish its events and (retained) presence. */
  static List<TopicPermission> device(String uuid) {
    return List.of(
        allow(ControlTopics.commands(uuid), MqttActivity.SUBSCRIBE, Retain.ALL, false),
        allow(ControlTopics.events(uuid), MqttActivity.PUBLISH, Retain.NOT_RETAINED, false),
        allow(ControlTopics.presence(uuid), MqttActivity.PUBLISH, Retain.ALL, false));
  }

  /** The server: publish every device's commands, read every device's events and presence. */
  static List<TopicPermission> server() {
    return List.of(
        allow(ControlTopics.ALL_COMMANDS, MqttActivity.PUBLISH, Retain.NOT_RETAINED, false),
        allow(ControlTopics.ALL_EVENTS, MqttActivity.SUBSCRIBE, Retain.ALL, true),
        allow(ControlTopics.ALL_PRESENCE, MqttActivity.SUBSCRIBE, Retain.ALL, true));
  }

  private static TopicPermission allow(
      String filter, MqttActivity activity, Retain retain, boolean shared) {
    return Builders.topicPermission()
        .topicFilter(filter)
        .type(PermissionType.ALLOW)
        .activity(activity)
        .retain(retain)
        .sharedSubscription(shared ? SharedSubscription.ALL : SharedSubscription.NOT_SHARED)
        .build();
  }
}
