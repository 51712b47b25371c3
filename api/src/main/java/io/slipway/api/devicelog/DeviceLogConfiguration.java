package io.slipway.api.devicelog;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the device log settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeviceLogProperties.class)
public class DeviceLogConfiguration {}
