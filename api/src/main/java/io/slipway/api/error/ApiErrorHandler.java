package io.slipway.api.error;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Maps every exception that leaves a controller to an HTTP status and an {@link ApiError} body, in
 * one place. The registry under {@code /v2/} is a plain servlet and reports its own errors.
 */
@RestControllerAdvice
public class ApiErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ApiError> handleApiException(ApiException e, HttpServletRequest request) {
    log.debug(
        "{} {} failed with {}: {}",
        request.getMethod(),
        request.getRequestURI(),
        e.code(),
        e.getMessage());
    return ResponseEntity.status(e.status())
        .contentType(MediaType.APPLICATION_JSON)
        .headers(e.headers())
        .body(new ApiError(e.code(), bounded(e.getMessage())));
  }

  /**
   * A parameter that Spring could not convert to the controller's type is the client's mistake:
   * {@code 400 INVALID_PARAMETER} naming the parameter and its value, logged at DEBUG only.
   */
  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ApiError> handleTypeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    String message =
        "Invalid value '"
            + e.getValue()
            + "' for parameter '"
            + e.getName()
            + "': write "
            + expectedForm(e.getRequiredType());
    return badRequest("INVALID_PARAMETER", message, request);
  }

  /**
   * A body that is not valid JSON or does not fit the endpoint's shape: {@code 400
   * INVALID_REQUEST_BODY}. A record constructor's own message, which names the bad value, is kept.
   * Otherwise a value of the wrong type is reported with its field's path and the expected form.
   */
  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> handleUnreadableBody(
      HttpMessageNotReadableException e, HttpServletRequest request) {
    ApiException cause = findCause(e, ApiException.class);
    if (cause != null) {
      return handleApiException(cause, request);
    }
    IllegalArgumentException invalid = findCause(e, IllegalArgumentException.class);
    if (invalid != null && invalid.getMessage() != null) {
      return badRequest("INVALID_REQUEST_BODY", invalid.getMessage(), request);
    }

    MismatchedInputException mismatch = findCause(e, MismatchedInputException.class);
    String message =
        mismatch != null && !mismatch.getPath().isEmpty()
            ? fieldMessage(mismatch)
            : "The request body is not valid JSON of the documented shape; check field names and"
                + " types";
    return badRequest("INVALID_REQUEST_BODY", message, request);
  }

  /**
   * Builds a message naming the field whose value does not fit and the form it takes. The value is
   * left out, because the field may be a password or a private key.
   */
  private static String fieldMessage(MismatchedInputException mismatch) {
    return "Field '"
        + fieldPath(mismatch.getPath())
        + "' of the request body is invalid: write "
        + expectedForm(mismatch.getTargetType());
  }

  /** Returns a JSON path such as {@code services.app.image} or {@code groups[2].percentage}. */
  private static String fieldPath(List<JacksonException.Reference> path) {
    StringBuilder text = new StringBuilder();
    for (JacksonException.Reference reference : path) {
      if (reference.getPropertyName() != null) {
        if (!text.isEmpty()) {
          text.append('.');
        }
        text.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        text.append('[').append(reference.getIndex()).append(']');
      }
    }
    return text.toString();
  }

  private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** A required parameter that is absent: {@code 400 MISSING_PARAMETER} naming it. */
  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ApiError> handleMissingParameter(
      MissingServletRequestParameterException e, HttpServletRequest request) {
    String message =
        "Parameter '"
            + e.getParameterName()
            + "' is required: send it in the query string or the form";
    return badRequest("MISSING_PARAMETER", message, request);
  }

  /**
   * Maps Spring MVC's own errors (missing parameter, unknown path, wrong method, ...) by the status
   * they carry, and anything else to 500.
   */
  /** Maximum length of a message sent; longer ones, which echo a huge bad value, are cut. */
  static final int MAX_MESSAGE_LENGTH = 1000;

  static String bounded(String message) {
    if (message == null || message.length() <= MAX_MESSAGE_LENGTH) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE_LENGTH) + "... (cut)";
  }

  /**
   * Logs at DEBUG a client that went away, such as a log follower that closed its stream. Nothing
   * can be sent to it, and it is no server error.
   */
  @ExceptionHandler(AsyncRequestNotUsableException.class)
  void handleClientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
    log.debug(
        "{} {}: the client went away: {}",
        request.getMethod(),
        request.getRequestURI(),
        e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> handleOther(Exception e, HttpServletRequest request) {
    if (e.getClass().getSimpleName().equals("InvalidParameterException")) {
      // Tomcat raises this from getParameter for a query string that is not valid
      // percent-encoding.
      return badRequest(
          "INVALID_PARAMETER",
          "The query string is not valid percent-encoding; encode it again",
          request);
    }
    if (e instanceof NoResourceFoundException) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .contentType(MediaType.APPLICATION_JSON)
          .body(
              new ApiError(
                  "NOT_FOUND",
                  "No endpoint at "
                      + request.getMethod()
                      + " "
                      + request.getRequestURI()
                      + ": check the path; the registry is under /v2/"));
    }
    if (e instanceof ErrorResponse response) {
      return fromErrorResponse(response);
    }
    log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            new ApiError(
                "INTERNAL_ERROR",
                "The server failed to handle the request; the server log has the details"));
  }

  private static ResponseEntity<ApiError> badRequest(
      String code, String message, HttpServletRequest request) {
    log.debug(
        "{} {} failed with {}: {}", request.getMethod(), request.getRequestURI(), code, message);
    return ResponseEntity.status(HttpStatus.BAD_REQUEST)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ApiError(code, bounded(message)));
  }

  private static String expectedForm(Class<?> type) {
    if (type == null) {
      return "a value of the documented form";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
      return "a number";
    }
    return "a value of type " + type.getSimpleName();
  }

  private static ResponseEntity<ApiError> fromErrorResponse(ErrorResponse response) {
    HttpStatusCode status = response.getStatusCode();
    HttpStatus known = HttpStatus.resolve(status.value());
    String code = known == null ? "HTTP_" + status.value() : known.name();
    String message = response.getBody().getDetail();
    if (message == null) {
      message = known == null ? "HTTP status " + status.value() : known.getReasonPhrase();
    }
    HttpHeaders headers = new HttpHeaders();
    headers.addAll(response.getHeaders());
    headers.setContentType(MediaType.APPLICATION_JSON);
    return ResponseEntity.status(status).headers(headers).body(new ApiError(code, message));
  }
}
