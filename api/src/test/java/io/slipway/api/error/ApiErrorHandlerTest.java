package io.slipway.api.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Spring MVC's parameter errors, dispatched through the real handler chain to the advice. */
class ApiErrorHandlerTest {

  @RestController
  static class TypedParameters {

    @GetMapping("/typed")
    String typed(@RequestParam boolean dryRun, @RequestParam(defaultValue = "1") int limit) {
      return dryRun + " " + limit;
    }
  }

  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(new TypedParameters())
          .setControllerAdvice(new ApiErrorHandler())
          .build();

  private MockHttpServletResponse request(String pathAndQuery) throws Exception {
    return mvc.perform(get(pathAndQuery)).andReturn().getResponse();
  }

  @Test
  void invalidBooleanIsBadRequest() throws Exception {
    MockHttpServletResponse response = request("/typed?dryRun=maybe");

    assertThat(response.getStatus()).isEqualTo(400);
  }

  @Test
  void typeMismatchNamesParameterValueAndForm() throws Exception {
    String body = request("/typed?dryRun=maybe").getContentAsString();

    assertThat(body)
        .contains("\"code\":\"INVALID_PARAMETER\"")
        .contains("'dryRun'")
        .contains("'maybe'")
        .contains("true or false");
  }

  @Test
  void invalidNumberAsksForNumber() throws Exception {
    String body = request("/typed?dryRun=true&limit=ten").getContentAsString();

    assertThat(body).contains("'limit'").contains("'ten'").contains("a number");
  }

  @Test
  void missingParameterIsBadRequestNamingIt() throws Exception {
    MockHttpServletResponse response = request("/typed");

    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(response.getContentAsString())
        .contains("\"code\":\"MISSING_PARAMETER\"")
        .contains("'dryRun'");
  }
}
