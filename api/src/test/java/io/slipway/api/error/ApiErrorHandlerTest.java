package io.slipway.api.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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

    record Group(Integer percentage) {}

    record Body(Long expiresAt, String password, List<Group> groups) {}

    @PostMapping("/body")
    String body(@RequestBody Body body) {
      return body.toString();
    }
  }

  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(new TypedParameters())
          .setControllerAdvice(new ApiErrorHandler())
          .build();

  private MockHttpServletResponse request(String pathAndQuery) throws Exception {
    return mvc.perform(get(pathAndQuery)).andReturn().getResponse();
  }

  private MockHttpServletResponse post(String json) throws Exception {
    return mvc.perform(
            MockMvcRequestBuilders.post("/body")
                .contentType(MediaType.APPLICATION_JSON)
                .content(json))
        .andReturn()
        .getResponse();
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

  @Test
  void bodyFieldOfWrongTypeIsNamed() throws Exception {
    MockHttpServletResponse response = post("{\"expiresAt\":\"2027-01-01T00:00:00Z\"}");

    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(response.getContentAsString())
        .contains("\"code\":\"INVALID_REQUEST_BODY\"")
        .contains("'expiresAt'")
        .contains("a number");
  }

  @Test
  void bodyFieldValueIsNotEchoed() throws Exception {
    String body = post("{\"password\":{\"secret\":\"hunter2\"}}").getContentAsString();

    assertThat(body).contains("'password'");
    assertThat(body).doesNotContain("hunter2");
  }

  @Test
  void nestedBodyFieldPathIsNamed() throws Exception {
    String body =
        post("{\"groups\":[{\"percentage\":10},{\"percentage\":\"half\"}]}").getContentAsString();

    assertThat(body).contains("'groups[1].percentage'");
  }

  @Test
  void malformedJsonKeepsGeneralMessage() throws Exception {
    String body = post("{\"expiresAt\":").getContentAsString();

    assertThat(body).contains("not valid JSON of the documented shape");
  }
}
