package io.slipway.api.error;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Handles the servlet container's error dispatch ({@code /error}) with the same {@code {code,
 * message}} JSON as every other error, in place of Spring Boot's default body. The container
 * dispatches here for errors raised outside Spring MVC, such as in a filter.
 */
@RestController
class ErrorPageController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ApiError> error(HttpServletRequest request, HttpServletResponse response) {
    if (response.isCommitted()) {
      // The failed response already sent its status and part of its body, as a streamed download
      // does. The container closes the connection, so no error body can follow.
      return null;
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer value && HttpStatus.resolve(value) != null
            ? HttpStatus.valueOf(value)
            : HttpStatus.NOT_FOUND;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String message =
        uri == null
            ? "No endpoint at /error: it only reports errors of other requests"
            : "The request to " + uri + " failed with HTTP " + status.value();
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ApiError(status.name(), message));
  }
}
