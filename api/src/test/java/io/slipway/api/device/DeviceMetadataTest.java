package io.slipway.api.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.api.error.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceMetadataTest {

  @Test
  void addressesAreStoredSpaceSeparated() {
    DeviceMetadata metadata =
        DeviceMetadata.of(null, null, List.of("10.0.0.5", "fe80::1%eth0"), null);

    assertThat(metadata.addresses()).isEqualTo("10.0.0.5 fe80::1%eth0");
  }

  @Test
  void storedAddressesSplitBack() {
    assertThat(DeviceMetadata.splitAddresses("10.0.0.5 fe80::1"))
        .containsExactly("10.0.0.5", "fe80::1");
  }

  @Test
  void absentFieldsStayNull() {
    DeviceMetadata metadata = DeviceMetadata.of(null, null, null, null);

    assertThat(metadata).isEqualTo(new DeviceMetadata(null, null, null, null));
  }

  @Test
  void addressWithSpacesIsRejected() {
    assertThatThrownBy(() -> DeviceMetadata.of(null, null, List.of("10.0.0.5 evil"), null))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("'10.0.0.5 evil'");
  }

  @Test
  void lowerCaseStatusIsRejected() {
    assertThatThrownBy(() -> DeviceMetadata.of(null, null, null, "idle"))
        .hasMessageContaining("'idle'");
  }

  @Test
  void blankNameIsRejected() {
    assertThatThrownBy(() -> DeviceMetadata.of("  ", null, null, null))
        .hasMessageContaining("1 to 255 characters");
  }
}
