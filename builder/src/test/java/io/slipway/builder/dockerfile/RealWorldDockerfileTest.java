package io.slipway.builder.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import io.slipway.builder.platform.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dockerfiles in the shapes projects really use, parsed and scoped without false alarms. */
class RealWorldDockerfileTest {

  private static VariableScope scope(String text, Map<String, String> buildArgs) {
    return VariableScope.of(
        DockerfileParser.parse(text, "Dockerfile"), buildArgs, Platform.LINUX_ARM64);
  }

  @Test
  void pythonServiceWithVirtualEnvironmentAndHeredoc() {
    String text =
        """
        # syntax=docker/dockerfile:1.7
        ARG PYTHON_VERSION=3.12
        FROM python:${PYTHON_VERSION}-slim AS base
        ENV PYTHONDONTWRITEBYTECODE=1 \\
            PYTHONUNBUFFERED=1 \\
            VIRTUAL_ENV=/opt/venv
        ENV PATH="$VIRTUAL_ENV/bin:$PATH"

        FROM base AS deps
        RUN python -m venv $VIRTUAL_ENV
        COPY requirements.txt .
        RUN --mount=type=cache,target=/root/.cache/pip \\
            pip install -r requirements.txt

        FROM base
        ARG APP_UID=10001
        RUN <<EOT bash
          set -eu
          useradd --uid ${APP_UID} --create-home app
        EOT
        COPY --from=deps $VIRTUAL_ENV $VIRTUAL_ENV
        COPY --chown=${APP_UID}:${APP_UID} app/ /srv/app/
        WORKDIR /srv/app
        USER ${APP_UID}
        EXPOSE 8000
        HEALTHCHECK --interval=10s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health')"
        CMD ["python", "-m", "app"]
        """;

    VariableScope scope = scope(text, Map.of());

    Stage last = scope.dockerfileStage(2);
    assertThat(scope.baseImage(scope.dockerfileStage(0))).isEqualTo("python:3.12-slim");
    assertThat(scope.environment(last)).containsEntry("PATH", "/opt/venv/bin:");
    assertThat(last.instructions().get(1).heredocs().get(0).content())
        .contains("useradd --uid ${APP_UID}");
    assertThat(scope.expand(last.instructions().get(3), "$APP_UID")).isEqualTo("10001");
  }

  @Test
  void balenaStyleTemplateAfterFilling() {
    String text =
        """
        FROM balenalib/raspberrypi4-64-debian-node:20-bookworm-run
        # Install build tools only for native modules.
        RUN install_packages python3 make g++
        WORKDIR /usr/src/app
        COPY package*.json ./
        RUN JOBS=MAX npm ci --omit=dev && npm cache clean --force && rm -rf /tmp/*
        COPY . ./
        ENV UDEV=1
        CMD ["npm", "start"]
        """;

    VariableScope scope = scope(text, Map.of());

    assertThat(scope.environment(scope.dockerfileStage(0))).containsEntry("UDEV", "1");
  }

  @Test
  void staticGoBinaryOnScratch() {
    String text =
        """
        ARG GO_VERSION=1.22
        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
        ARG TARGETOS TARGETARCH
        ARG VERSION=dev
        WORKDIR /src
        COPY . .
        RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build \\
              -ldflags "-X main.version=${VERSION}" -o /out/agent ./cmd/agent

        FROM scratch
        ARG VERSION
        LABEL org.opencontainers.image.version=$VERSION
        COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
        COPY --from=build /out/agent /agent
        ENV PATH=/:$PATH
        USER 65534:65534
        ENTRYPOINT ["/agent"]
        """;

    VariableScope scope = scope(text, Map.of("VERSION", "1.4.2"));

    Stage build = scope.dockerfileStage(0);
    assertThat(scope.variablesBefore(build.instructions().get(2)))
        .containsEntry("TARGETOS", "linux")
        .containsEntry("TARGETARCH", "arm64")
        .containsEntry("VERSION", "1.4.2");
    Instruction label = scope.dockerfileStage(1).instructions().get(1);
    assertThat(scope.expand(label, "$VERSION")).isEqualTo("1.4.2");
  }

  @Test
  void nginxWithBuiltAssetsAndOnbuild() {
    String text =
        """
        FROM node:20-alpine AS assets
        WORKDIR /web
        COPY package.json package-lock.json ./
        RUN npm ci
        COPY . .
        RUN npm run build

        FROM nginx:1.27-alpine
        ARG SERVER_NAME=localhost
        ENV NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx/conf.d
        COPY <<'CONF' /etc/nginx/templates/default.conf.template
        server {
          listen 80;
          server_name ${SERVER_NAME};
          root /usr/share/nginx/html;
        }
        CONF
        COPY --from=assets --chmod=0644 /web/dist/ /usr/share/nginx/html/
        ONBUILD COPY extra/ /usr/share/nginx/html/extra/
        STOPSIGNAL SIGQUIT
        VOLUME ["/var/cache/nginx"]
        """;

    Dockerfile dockerfile = DockerfileParser.parse(text, "Dockerfile");
    VariableScope.of(dockerfile, Map.of(), Platform.LINUX_AMD64);

    Stage server = dockerfile.stages().get(1);
    assertThat(server.instructions())
        .extracting(Instruction::keyword)
        .containsExactly("ARG", "ENV", "COPY", "COPY", "ONBUILD", "STOPSIGNAL", "VOLUME");
    assertThat(server.instructions().get(2).heredocs().get(0).expand()).isFalse();
    assertThat(server.instructions().get(4).trigger().keyword()).isEqualTo("COPY");
    assertThat(dockerfile.dependencyChain(null)).hasSize(2);
  }
}
