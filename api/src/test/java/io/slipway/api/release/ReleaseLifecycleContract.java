package io.slipway.api.release;

import static io.slipway.api.release.ReleaseWorld.DIGEST;
import static io.slipway.api.release.ReleaseWorld.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.api.access.Role;
import io.slipway.api.release.ReleaseWorld.TestFleet;
import io.slipway.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The release life cycle through the running server; subclasses pick the database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReleaseLifecycleContract {

  @TempDir static Path dataDirectory;

  private ReleaseWorld world;

  private String org;
  private String fleet;
  private String developer;
  private String viewer;

  /** Returns a fresh database for the server of this class. */
  abstract TestDatabase database();

  @BeforeAll
  void startServer() {
    world = ReleaseWorld.start(database(), dataDirectory);
  }

  @AfterAll
  void stopServer() {
    world.close();
  }

  @BeforeEach
  void createFleet() {
    TestFleet created = world.newFleet();
    org = created.org();
    fleet = created.slug();
    developer = created.developer();
    viewer = created.member(world, Role.VIEWER);
  }

  @Test
  void newReleaseGetsNextPatchVersion() {
    JsonNode first = json(create("{}"));
    JsonNode second = json(create("{\"commit\": \"0123abc\"}"));

    assertThat(first.get("status").asString()).isEqualTo("RUNNING");
    assertThat(first.get("version").asString()).isEqualTo("0.0.1");
    assertThat(second.get("version").asString()).isEqualTo("0.0.2");
    assertThat(second.get("commit").asString()).isEqualTo("0123abc");
    assertThat(second.get("createdBy").asString()).startsWith("developer-");
  }

  @Test
  void missingVersionFollowsHighestVersion() {
    create("{\"version\": \"1.9.0\"}");
    create("{\"version\": \"1.10.0-rc.1\"}");

    assertThat(json(create("{}")).get("version").asString()).isEqualTo("1.10.1");
  }

  @Test
  void versionThatIsNotSemanticIsRejected() {
    HttpResponse<String> response = create("{\"version\": \"1.0\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_VERSION");
  }

  @Test
  void versionIsUniqueInTheFleet() {
    create("{\"version\": \"2.0.0\"}");

    HttpResponse<String> again = create("{\"version\": \"2.0.0\"}");

    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).get("code").asString()).isEqualTo("VERSION_TAKEN");
  }

  @Test
  void viewerCannotCreateReleases() {
    HttpResponse<String> response = world.call("POST", releasesPath(), "{}", viewer);

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void serviceImageByDigestIsStored() {
    long id = world.createRelease(org, fleet, developer);

    HttpResponse<String> response =
        patch(
            id,
            "{\"services\": {\"web\": {\"image\": \""
                + image("web")
                + "\", \"environment\": {\"MODE\": \"prod\"}, \"labels\": {\"tier\": \"front\"}}}}");

    JsonNode web = json(response).get("services").get("web");
    assertThat(web.get("image").asString()).isEqualTo(image("web"));
    assertThat(web.get("environment").get("MODE").asString()).isEqualTo("prod");
  }

  @Test
  void imageByTagIsRejected() {
    long id = world.createRelease(org, fleet, developer);

    HttpResponse<String> response =
        patch(
            id,
            "{\"services\": {\"web\": {\"image\": \"registry.test/"
                + org
                + "/"
                + fleet
                + "/web:latest\"}}}");

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_IMAGE_REFERENCE");
  }

  @Test
  void imageOfAnotherFleetsRepositoryIsRejected() {
    long id = world.createRelease(org, fleet, developer);

    HttpResponse<String> response =
        patch(
            id,
            "{\"services\": {\"web\": {\"image\": \"registry.test/other/fleet/web@"
                + DIGEST
                + "\"}}}");

    assertThat(json(response).get("code").asString()).isEqualTo("INVALID_IMAGE_REFERENCE");
  }

  @Test
  void releaseWithoutServicesCannotSucceed() {
    long id = world.createRelease(org, fleet, developer);

    HttpResponse<String> response = patch(id, "{\"status\": \"SUCCESS\"}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_INCOMPLETE");
  }

  @Test
  void rejectedFinishKeepsServicesUnchanged() {
    long id = world.createRelease(org, fleet, developer);

    HttpResponse<String> response =
        patch(id, "{\"services\": {\"web\": {\"labels\": {}}}, \"status\": \"SUCCESS\"}");
    JsonNode release = json(world.call("GET", "/api/v1/releases/" + id, null, viewer));

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_INCOMPLETE");
    assertThat(release.get("services").isEmpty()).isTrue();
  }

  @Test
  void finalReleaseRejectsNewServices() {
    long id = world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response =
        patch(id, "{\"services\": {\"api\": {\"image\": \"" + image("api") + "\"}}}");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_FINAL");
  }

  @Test
  void finalReleaseRejectsAnotherFinish() {
    long id = world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response = patch(id, "{\"status\": \"FAILED\"}");

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_FINAL");
  }

  @Test
  void finalReleaseRejectsBuildLogLines() {
    long id = world.successfulRelease(org, fleet, developer);

    HttpResponse<String> response =
        world.call(
            "POST", "/api/v1/releases/" + id + "/logs", "{\"lines\": [\"late\"]}", developer);

    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_FINAL");
  }

  @Test
  void finalReleaseKeepsServicesAfterRejection() {
    long id = world.successfulRelease(org, fleet, developer);

    patch(id, "{\"services\": {\"web\": null}}");

    JsonNode release = json(world.call("GET", "/api/v1/releases/" + id, null, viewer));
    assertThat(release.get("services").has("web")).isTrue();
  }

  @Test
  void buildLogLinesAreReadInOrder() {
    long id = world.createRelease(org, fleet, developer);
    world.call(
        "POST", "/api/v1/releases/" + id + "/logs", "{\"lines\": [\"one\", \"two\"]}", developer);
    world.call("POST", "/api/v1/releases/" + id + "/logs", "{\"lines\": [\"three\"]}", developer);

    JsonNode lines = json(world.call("GET", "/api/v1/releases/" + id + "/logs", null, viewer));

    List<String> text = new ArrayList<>();
    lines.forEach(line -> text.add(line.get("line").asString()));
    assertThat(text).containsExactly("one", "two", "three");
  }

  @Test
  void concurrentFinishesHaveExactlyOneWinner() throws Exception {
    long id = world.createRelease(org, fleet, developer);
    String image = world.pushImage(org, fleet, "web");
    patch(id, "{\"services\": {\"web\": {\"image\": \"" + image + "\"}}}");
    int callers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      String status = i % 2 == 0 ? "SUCCESS" : "FAILED";
      results.add(
          pool.submit(
              () -> {
                start.await();
                return patch(id, "{\"status\": \"" + status + "\"}").statusCode();
              }));
    }

    start.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> result : results) {
      statuses.add(result.get());
    }
    pool.shutdown();

    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(callers - 1);
  }

  @Test
  void releaseOfOtherOrganizationIsNotFound() {
    long id = world.createRelease(org, fleet, developer);
    String outsider = world.newFleet().member(world, Role.OWNER);

    HttpResponse<String> response = world.call("GET", "/api/v1/releases/" + id, null, outsider);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("code").asString()).isEqualTo("RELEASE_NOT_FOUND");
  }

  @Test
  void membersListTheFleetsReleasesNewestFirst() {
    long older = world.createRelease(org, fleet, developer);
    long newer = world.createRelease(org, fleet, developer);

    JsonNode list = json(world.call("GET", releasesPath(), null, viewer));

    assertThat(list.get(0).get("id").asLong()).isEqualTo(newer);
    assertThat(list.get(1).get("id").asLong()).isEqualTo(older);
  }

  private HttpResponse<String> create(String body) {
    return world.call("POST", releasesPath(), body, developer);
  }

  private HttpResponse<String> patch(long id, String body) {
    return world.call("PATCH", "/api/v1/releases/" + id, body, developer);
  }

  private String releasesPath() {
    return "/api/v1/orgs/" + org + "/fleets/" + fleet + "/releases";
  }

  private String image(String service) {
    return "registry.test/" + org + "/" + fleet + "/" + service + "@" + DIGEST;
  }
}
