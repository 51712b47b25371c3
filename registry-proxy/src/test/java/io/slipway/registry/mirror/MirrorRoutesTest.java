package io.slipway.registry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slipway.registry.RegistrySettings;
import io.slipway.registry.reference.RepositoryName;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorRoutesTest {

  private static final URI UPSTREAM = URI.create("http://127.0.0.1:5000");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static MirrorRoutes routes(RegistrySettings.Mirror... mirrors) {
    return new MirrorRoutes(
        List.of(mirrors),
        mirror ->
            new UpstreamClient(
                mirror, HTTP, Clock.systemUTC(), MirrorPullThrough.UPSTREAM_TIMEOUT));
  }

  private static RegistrySettings.Mirror mirror(String prefix, String upstreamPrefix) {
    return new RegistrySettings.Mirror(prefix, UPSTREAM, upstreamPrefix, null, null);
  }

  private static String upstreamNameOf(MirrorRoutes routes, String repository) {
    return routes.resolve(new RepositoryName(repository)).orElseThrow().upstreamName();
  }

  @Test
  void emptyUpstreamPrefixDropsMirrorPrefix() {
    MirrorRoutes routes = routes(mirror("mirror/hub", ""));

    assertThat(upstreamNameOf(routes, "mirror/hub/library/debian")).isEqualTo("library/debian");
  }

  @Test
  void upstreamPrefixReplacesMirrorPrefix() {
    MirrorRoutes routes = routes(mirror("base", "acme/images"));

    assertThat(upstreamNameOf(routes, "base/debian")).isEqualTo("acme/images/debian");
  }

  @Test
  void longestPrefixWins() {
    MirrorRoutes routes = routes(mirror("mirror", "outer"), mirror("mirror/inner", "inner"));

    assertThat(upstreamNameOf(routes, "mirror/inner/app")).isEqualTo("inner/app");
    assertThat(upstreamNameOf(routes, "mirror/other/app")).isEqualTo("outer/other/app");
  }

  @Test
  void prefixAloneAndLookalikesAreNotMirrored() {
    MirrorRoutes routes = routes(mirror("mirror/hub", ""));

    assertThat(routes.resolve(new RepositoryName("mirror/hub"))).isEmpty();
    assertThat(routes.resolve(new RepositoryName("mirror/hubcap/app"))).isEmpty();
    assertThat(routes.resolve(new RepositoryName("acme/app"))).isEmpty();
  }

  @Test
  void duplicatePrefixIsRejected() {
    assertThatThrownBy(() -> routes(mirror("hub", ""), mirror("hub", "other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'hub'");
  }

  @Test
  void upstreamWithoutHttpSchemeIsRejected() {
    RegistrySettings.Mirror ftp =
        new RegistrySettings.Mirror("hub", URI.create("ftp://127.0.0.1/x"), "", null, null);

    assertThatThrownBy(() -> routes(ftp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://127.0.0.1/x");
  }

  @Test
  void invalidPrefixIsRejected() {
    assertThatThrownBy(() -> routes(mirror("Hub", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Hub");
  }
}
