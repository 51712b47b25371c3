package io.slipway.api.control.command;

import io.slipway.api.control.channel.ChannelSwitch;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the command slice needs that no other slice may provide yet. */
@Configuration(proxyBeanMethods = false)
class CommandConfiguration {

  /**
   * Treats the channel as on for every device while no per-fleet or per-device switch is installed.
   * The server-wide switch still applies: without it there is no broker to send through.
   */
  @Bean
  @ConditionalOnMissingBean(ChannelSwitch.class)
  ChannelSwitch channelAlwaysOn() {
    return device -> true;
  }
}
