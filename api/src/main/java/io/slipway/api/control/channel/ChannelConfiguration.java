package io.slipway.api.control.channel;

import io.slipway.api.control.ControlProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code slipway.control.*}, which the channel's switches read. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ControlProperties.class)
class ChannelConfiguration {}
