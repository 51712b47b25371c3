package io.slipway.api.fleet;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/device-types}: the device types fleets and devices may declare. Deliberately
 * public: the list is the same for every caller and reveals nothing about any organization.
 */
@RestController
public class DeviceTypeController {

  private final DeviceTypeCatalog catalog;

  public DeviceTypeController(DeviceTypeCatalog catalog) {
    this.catalog = catalog;
  }

  /** One device type as the API shows it. */
  record DeviceTypeView(String slug, String name, String architecture, String platform) {

    static DeviceTypeView of(DeviceType type) {
      return new DeviceTypeView(
          type.slug(), type.name(), type.architecture().name(), type.architecture().platform());
    }
  }

  @GetMapping("/api/v1/device-types")
  List<DeviceTypeView> list() {
    return catalog.all().stream().map(DeviceTypeView::of).toList();
  }
}
