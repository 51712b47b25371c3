package io.slipway.api.osimage;

import io.slipway.api.access.AccessControl;
import io.slipway.api.identity.Identity;
import io.slipway.signing.bundle.Bundle;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Base OS images, one per device type and OS version: {@code POST /api/v1/os-images} uploads one
 * (the body is the image file, raw or packed as zip, gzip, xz or zstd, up to {@code
 * slipway.os-images.max-upload-size}), {@code GET} lists them and {@code DELETE
 * /api/v1/os-images/{deviceType}/{version}} removes one. {@code PUT .../{version}/signature} adds a
 * Sigstore bundle that signs the uploaded file with a key of {@code
 * slipway.os-images.trusted-keys}. Uploading, signing and deleting take a server administrator;
 * every signed-in user may list.
 */
@RestController
class OsImageController {

  static final String PATH = "/api/v1/os-images";

  private final AccessControl access;
  private final OsImageService service;
  private final OsImageSignatures signatures;

  OsImageController(AccessControl access, OsImageService service, OsImageSignatures signatures) {
    this.access = access;
    this.service = service;
    this.signatures = signatures;
  }

  /**
   * A stored image as listed.
   *
   * @param deviceType the device type's slug
   * @param version the OS version
   * @param sha256 SHA-256 of the uploaded file, 64 lower-case hex digits
   * @param size the uploaded file's size in bytes
   * @param rawSize the raw disk image's size in bytes
   * @param format how the upload is packed: img, img.zip, img.gz, img.xz or img.zst
   * @param bootLabel the boot partition's label or GPT name, or null when not recorded
   * @param uploadedAt upload time, milliseconds since the epoch
   * @param uploadedBy the administrator who uploaded it
   * @param signedBy hint of the trusted key whose signature verified it, or null when unsigned
   */
  record OsImageView(
      String deviceType,
      String version,
      String sha256,
      long size,
      long rawSize,
      String format,
      String bootLabel,
      long uploadedAt,
      String uploadedBy,
      String signedBy) {

    static OsImageView of(StoredOsImage image) {
      return new OsImageView(
          image.deviceType(),
          image.version(),
          image.sha256(),
          image.size(),
          image.rawSize(),
          image.format(),
          image.bootLabel(),
          image.uploadedAt(),
          image.uploadedBy(),
          image.signatureKeyHint());
    }
  }

  @PostMapping(PATH)
  ResponseEntity<OsImageView> upload(
      Identity who,
      @RequestParam String deviceType,
      @RequestParam String version,
      @RequestParam String sha256,
      HttpServletRequest request)
      throws IOException {
    // Access first, before a byte of the body is read.
    access.requireServerAdmin(who);
    OsImageService.Upload upload =
        service.upload(
            who,
            deviceType,
            version,
            sha256,
            new OsImageService.Body(request.getInputStream(), request.getContentLengthLong()));
    OsImageView view = OsImageView.of(upload.image());
    if (!upload.created()) {
      return ResponseEntity.ok(view);
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create(PATH + "/" + view.deviceType() + "/" + view.version()))
        .body(view);
  }

  @GetMapping(PATH)
  List<OsImageView> list(Identity who, @RequestParam(required = false) String deviceType) {
    access.requireUser(who);
    return service.list(deviceType).stream().map(OsImageView::of).toList();
  }

  @PutMapping(
      path = PATH + "/{deviceType}/{version}/signature",
      consumes = {MediaType.APPLICATION_JSON_VALUE, Bundle.MEDIA_TYPE})
  OsImageView sign(
      Identity who,
      @PathVariable String deviceType,
      @PathVariable String version,
      @RequestBody byte[] bundle) {
    access.requireServerAdmin(who);
    return OsImageView.of(signatures.sign(who, deviceType, version, bundle));
  }

  @DeleteMapping(PATH + "/{deviceType}/{version}")
  ResponseEntity<Void> delete(
      Identity who, @PathVariable String deviceType, @PathVariable String version) {
    access.requireServerAdmin(who);
    service.delete(who, deviceType, version);
    return ResponseEntity.noContent().build();
  }
}
