package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health, metrics, the OpenAPI document and graceful shutdown on the real server. */
@ExtendWith(ArquillianExtension.class)
class OperationsIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final URI SERVER = URI.create("http://localhost:" + Integer.getInteger("it.http.port") + "/");

  @ArquillianResource private URL base;
  @ArquillianResource private Deployer deployer;
  private ProxyClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  @Deployment(name = "main", testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @Deployment(name = "stoppable", managed = false, testable = false)
  static WebArchive stoppable() {
    return ShrinkWrap.create(WebArchive.class, "proxy-stoppable.war").merge(ProxyDeployment.war());
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
  }

  private HttpResponse<String> serverGet(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(SERVER.resolve(path)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(String text) {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  @Test
  void reportsLiveAndReadyWithoutCredentials() throws Exception {
    HttpResponse<String> live = serverGet("health/live");
    HttpResponse<String> ready = serverGet("health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(json(live.body()).getString("status")).isEqualTo("UP");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonObject check = json(ready.body()).getJsonArray("checks").stream()
        .map(v -> v.asJsonObject())
        .filter(c -> c.getString("name").equals("backends"))
        .findFirst()
        .orElseThrow();
    assertThat(check.getString("status")).isEqualTo("UP");
    assertThat(check.getJsonObject("data").getInt("backends")).isGreaterThanOrEqualTo(3);
    assertThat(ready.body()).doesNotContain("sk-");
  }

  @Test
  void countsRequestsByRouteBackendAndStatus() throws Exception {
    STUB.script(
        "metered",
        ex -> ex.json(200, "{\"id\":\"m\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"metered\",\"choices\":[]}"));
    double before = requestCount("200");

    for (int i = 0; i < 3; i++) {
      assertThat(
              client
                  .post("v1/chat/completions", "{\"model\":\"mock:metered\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                  .statusCode())
          .isEqualTo(200);
    }

    String metrics =
        serverGet("metrics")
            .body()
            .lines()
            .filter(l -> l.startsWith("proxy_"))
            .collect(java.util.stream.Collectors.joining("\n"));
    assertThat(requestCount("200") - before).isEqualTo(3.0);
    assertThat(metrics)
        .containsPattern("proxy_request_duration_seconds_bucket\\{[^}]*backend=\"mock\"[^}]*le=\"0\\.5\"");
    assertThat(metrics).contains("proxy_upstream_latency_seconds_count{backend=\"mock\"");
    assertThat(metrics).doesNotContain("sk-it-");
  }

  @Test
  void leavesLibertysPerRequestStatisticsOffAndKeepsTheThreadPool() throws Exception {
    STUB.script(
        "metered-twice",
        ex -> ex.json(200, "{\"id\":\"m\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"metered-twice\",\"choices\":[]}"));
    assertThat(
            client
                .post("v1/chat/completions", "{\"model\":\"mock:metered-twice\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .statusCode())
        .isEqualTo(200);

    String metrics = serverGet("metrics").body();

    assertThat(metrics).contains("proxy_requests_total{", "threadpool_activeThreads");
    assertThat(metrics).doesNotContain("http_server_request_duration", "REST_request", "servlet_request");
  }

  private double requestCount(String status) throws Exception {
    String metrics = serverGet("metrics").body();
    Matcher matcher =
        Pattern.compile(
                "proxy_requests_total\\{[^}]*backend=\"mock\"[^}]*route=\"/v1/chat/completions\"[^}]*status=\""
                    + status
                    + "\"[^}]*\\} ([0-9.Ee+]+)")
            .matcher(metrics);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  @Test
  void publishesTheOpenApiDocument() throws Exception {
    HttpResponse<String> document = serverGet("openapi");

    assertThat(document.statusCode()).isEqualTo(200);
    assertThat(document.body()).contains("/v1/chat/completions", "/v1/models", "invalid_request_error");
  }

  @Test
  void letsAStreamInFlightFinishItsGracePeriodThenEndsItWithAnErrorEvent() throws Exception {
    STUB.script(
        "long-story",
        ex -> {
          for (int i = 0; i < 100; i++) {
            if (!ex.event(StubUpstream.contentChunk("chatcmpl-long", "long-story", "part " + i + " "))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(100));
          }
          ex.end();
        });
    deployer.deploy("stoppable");
    ProxyClient stoppable =
        new ProxyClient(URI.create(SERVER + "proxy-stoppable/").toURL());
    CountDownLatch streaming = new CountDownLatch(1);
    CompletableFuture<ProxyClient.Stream> stream =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stoppable.stream(
                    "{\"model\":\"mock:long-story\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"tell\"}]}",
                    line -> {
                      if (line.isData()) {
                        streaming.countDown();
                      }
                      return false;
                    });
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
    long undeployStart = System.nanoTime();

    deployer.undeploy("stoppable");

    ProxyClient.Stream result = stream.get(20, TimeUnit.SECONDS);
    List<ProxyClient.Line> data = result.data();
    ProxyClient.Line last = data.get(data.size() - 1);
    StringBuilder tail = new StringBuilder();
    for (ProxyClient.Line line : data.subList(Math.max(0, data.size() - 4), data.size())) {
      tail.append(TimeUnit.NANOSECONDS.toMillis(line.arrivedNanos() - undeployStart))
          .append(" ms: ")
          .append(line.data())
          .append('\n');
    }
    assertThat(last.data()).as(tail.toString()).contains("\"error\"").contains("shutting down");
    long ranOnMillis = TimeUnit.NANOSECONDS.toMillis(last.arrivedNanos() - undeployStart);
    assertThat(ranOnMillis).as("the grace period is 2 s").isBetween(1500L, 9000L);
    assertThat(result.content()).contains("part 10 ");
  }
}
