package dev.hybridproxy.backend.qwen;

import static dev.hybridproxy.backend.FixtureUpstream.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hybridproxy.backend.FixtureUpstream;
import dev.hybridproxy.backend.FixtureUpstream.Recorded;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.ChunkStream;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.UpstreamRequest;
import dev.hybridproxy.engine.UpstreamRequest.Leg;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §3.2: the Qwen CLI's OAuth tokens, refreshed, shared and written back safely. */
class QwenOAuthBackendTest {
  private static final Instant NOW = Instant.parse("2025-10-01T12:00:00Z");
  private static final String EXPIRED = "qwen-FAKE-expired-access-token-00000000000000000000";
  private static final String REFRESH = "qwen-FAKE-refresh-token-1111111111111111111111111";
  private static final String FRESH = "qwen-FAKE-fresh-access-token-2222222222222222222222";
  private static final String ROTATED = "qwen-FAKE-rotated-refresh-token-33333333333333333";
  private static final List<String> TOKENS = List.of(EXPIRED, REFRESH, FRESH, ROTATED);

  private static ScheduledExecutorService timers;
  private static StallGuard stallGuard;
  private static UpstreamHttp http;

  @TempDir Path home;
  private Path credentials;
  private FixtureUpstream upstream;
  private final MutableClock clock = new MutableClock(NOW);

  @BeforeAll
  static void startClient() {
    timers = Executors.newSingleThreadScheduledExecutor();
    stallGuard = new StallGuard(timers, Duration.ofMillis(50), System::nanoTime);
    http = new UpstreamHttp(stallGuard);
  }

  @AfterAll
  static void stopClient() {
    http.close();
    stallGuard.close();
    timers.shutdownNow();
  }

  @BeforeEach
  void setUp() throws Exception {
    upstream = new FixtureUpstream();
    Files.createDirectories(home.resolve(".qwen"));
    credentials = home.resolve(".qwen/oauth_creds.json");
    // the CLI's file, with resource_url pointing at the stub (the CLI keeps a scheme it is given)
    JsonObject file =
        Json.createObjectBuilder(FixtureUpstream.json(fixture("qwen-oauth", "oauth_creds.json")))
            .add("resource_url", upstream.base().toString())
            .add("x_cli_field", "kept as it was")
            .build();
    Files.writeString(credentials, file.toString());
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  private QwenOAuthBackend backend() {
    return new QwenOAuthBackend(
        new BackendSettings(
            "qwen-oauth",
            "qwen-oauth",
            URI.create("https://portal.qwen.ai/v1"),
            Optional.empty(),
            Duration.ofSeconds(10),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new BackendSettings.OAuth(
                    credentials,
                    URI.create(upstream.base() + "/api/v1/oauth2/token"),
                    "f0304373b74a44d2b584a3fb70ca9e56"))),
        http,
        clock);
  }

  private static UpstreamRequest request() {
    return new UpstreamRequest(
        Json.createObjectBuilder()
            .add("model", "qwen3-coder-plus")
            .add(
                "messages",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("role", "user")
                            .add("content", "Say hello.")))
            .build(),
        Leg.EXECUTION);
  }

  private void answerChatWithBearer(String token) {
    upstream.on(
        "/v1/chat/completions",
        ex -> {
          if (("Bearer " + token).equals(ex.request().header("Authorization"))) {
            ex.json(200, fixture("qwen-oauth", "plain.response.json"));
          } else {
            ex.json(
                401,
                "{\"error\":{\"message\":\"Invalid access token or token expired\","
                    + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
          }
        });
  }

  private void answerTokenRequests(Duration delay) {
    upstream.on(
        "/api/v1/oauth2/token",
        ex -> {
          Thread.sleep(delay.toMillis());
          ex.json(200, fixture("qwen-oauth", "token.response.json"));
        });
  }

  @Test
  void refreshesAnExpiredTokenBeforeTheCall() throws Exception {
    answerTokenRequests(Duration.ZERO);
    answerChatWithBearer(FRESH);

    JsonObject answer = backend().complete(request());

    assertThat(
            answer
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .isEqualTo("Hello! How can I help you today?");
    List<Recorded> refreshes = upstream.requests("/oauth2/token");
    assertThat(refreshes).hasSize(1);
    Recorded refresh = refreshes.get(0);
    assertThat(refresh.method()).isEqualTo("POST");
    assertThat(refresh.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(refresh.form())
        .isEqualTo(
            Map.of(
                "grant_type", "refresh_token",
                "refresh_token", REFRESH,
                "client_id", "f0304373b74a44d2b584a3fb70ca9e56"));
    List<Recorded> calls = upstream.requests("/v1/chat/completions");
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).header("Authorization")).isEqualTo("Bearer " + FRESH);
  }

  @Test
  void refreshesThirtySecondsBeforeExpiryButNotEarlier() throws Exception {
    answerTokenRequests(Duration.ZERO);
    answerChatWithBearer(EXPIRED);
    long expiry =
        FixtureUpstream.json(Files.readString(credentials))
            .getJsonNumber("expiry_date")
            .longValue();

    clock.set(Instant.ofEpochMilli(expiry).minusSeconds(31));
    backend().complete(request());
    assertThat(upstream.requests("/oauth2/token")).isEmpty();

    answerChatWithBearer(FRESH);
    clock.set(Instant.ofEpochMilli(expiry).minusSeconds(30));
    backend().complete(request());
    assertThat(upstream.requests("/oauth2/token")).hasSize(1);
  }

  @Test
  void writesTheNewTokensBackAtomicallyWithOwnerOnlyPermissions() throws Exception {
    answerTokenRequests(Duration.ZERO);
    answerChatWithBearer(FRESH);
    Object inodeBefore = Files.readAttributes(credentials, "unix:ino").get("ino");

    backend().complete(request());

    JsonObject written = FixtureUpstream.json(Files.readString(credentials));
    assertThat(written.getString("access_token")).isEqualTo(FRESH);
    assertThat(written.getString("refresh_token")).isEqualTo(ROTATED);
    assertThat(written.getString("token_type")).isEqualTo("Bearer");
    assertThat(written.getJsonNumber("expiry_date").longValue())
        .isEqualTo(NOW.plusSeconds(21600).toEpochMilli());
    assertThat(written.getString("resource_url")).isEqualTo(upstream.base().toString());
    assertThat(written.getString("x_cli_field")).isEqualTo("kept as it was");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
        .isEqualTo("rw-------");
    assertThat(Files.readAttributes(credentials, "unix:ino").get("ino"))
        .as("replaced by a rename, not rewritten in place")
        .isNotEqualTo(inodeBefore);
    try (var files = Files.list(credentials.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("oauth_creds.json");
    }
  }

  @Test
  void refreshesOnceAndRetriesOnceAfterA401() throws Exception {
    clock.set(NOW.minusSeconds(3600)); // the file says the token is still valid
    answerTokenRequests(Duration.ZERO);
    answerChatWithBearer(FRESH);

    try (ChunkStream stream = backend().stream(withStream(request()))) {
      assertThat(stream).isNotNull();
    }

    List<Recorded> calls = upstream.requests("/v1/chat/completions");
    assertThat(calls)
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer " + EXPIRED, "Bearer " + FRESH);
    assertThat(upstream.requests("/oauth2/token")).hasSize(1);
  }

  @Test
  void givesUpAfterOneRetryWhenTheFreshTokenIsRefusedToo() throws Exception {
    clock.set(NOW.minusSeconds(3600));
    answerTokenRequests(Duration.ZERO);
    answerChatWithBearer("a token nobody has");

    assertThatThrownBy(() -> backend().complete(request()))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage()).contains("qwen-oauth").doesNotContain("qwen-FAKE");
            });
    assertThat(upstream.requests("/v1/chat/completions")).hasSize(2);
    assertThat(upstream.requests("/oauth2/token")).hasSize(1);
  }

  @Test
  void concurrentRequestsShareOneRefresh() throws Exception {
    answerTokenRequests(Duration.ofMillis(300));
    answerChatWithBearer(FRESH);
    QwenOAuthBackend backend = backend();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return backend.complete(request());
                },
                callers));
      }
      start.countDown();
      for (CompletableFuture<JsonObject> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS).getString("object"))
            .isEqualTo("chat.completion");
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(upstream.requests("/oauth2/token")).hasSize(1);
    assertThat(upstream.requests("/v1/chat/completions"))
        .hasSize(4)
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + FRESH));
  }

  @Test
  void concurrent401sShareOneRefresh() throws Exception {
    clock.set(NOW.minusSeconds(3600));
    answerTokenRequests(Duration.ofMillis(200));
    answerChatWithBearer(FRESH);
    QwenOAuthBackend backend = backend();

    CompletableFuture<JsonObject> first =
        CompletableFuture.supplyAsync(() -> backend.complete(request()));
    CompletableFuture<JsonObject> second =
        CompletableFuture.supplyAsync(() -> backend.complete(request()));
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);

    assertThat(upstream.requests("/oauth2/token")).hasSize(1);
  }

  @Test
  void tellsTheOperatorToSignInAgainWhenTheRefreshTokenIsRevoked() throws Exception {
    upstream.on(
        "/api/v1/oauth2/token",
        ex -> ex.json(400, fixture("qwen-oauth", "token-invalid-grant.json")));
    answerChatWithBearer(FRESH);

    assertThatThrownBy(() -> backend().complete(request()))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage())
                  .contains("invalid_grant")
                  .contains("sign in again")
                  .doesNotContain("qwen-FAKE");
            });
    assertThat(upstream.requests("/v1/chat/completions")).isEmpty();
    assertThat(FixtureUpstream.json(Files.readString(credentials)).getString("access_token"))
        .isEqualTo(EXPIRED);
  }

  @Test
  void picksUpTokensTheQwenCliWroteMeanwhile() throws Exception {
    clock.set(NOW.minusSeconds(3600));
    answerChatWithBearer(EXPIRED);
    QwenOAuthBackend backend = backend();
    backend.complete(request());

    JsonObject renewedByCli =
        Json.createObjectBuilder(FixtureUpstream.json(Files.readString(credentials)))
            .add("access_token", FRESH)
            .build();
    Files.writeString(credentials, renewedByCli.toString());
    Files.setLastModifiedTime(
        credentials, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
    answerChatWithBearer(FRESH);
    backend.complete(request());

    assertThat(upstream.requests("/v1/chat/completions"))
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer " + EXPIRED, "Bearer " + FRESH);
    assertThat(upstream.requests("/oauth2/token")).isEmpty();
  }

  @Test
  void reportsAMissingCredentialsFileWithoutItsPath() throws Exception {
    Files.delete(credentials);

    assertThatThrownBy(() -> backend().complete(request()))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
              assertThat(e.getMessage())
                  .contains("sign in with the Qwen CLI")
                  .doesNotContain(home.toString());
            });
  }

  @Test
  void derivesTheBaseUrlFromResourceUrlAsTheQwenCliDoes() {
    assertThat(QwenCredentials.baseUrlFrom("portal.qwen.ai"))
        .isEqualTo(URI.create("https://portal.qwen.ai/v1"));
    assertThat(QwenCredentials.baseUrlFrom("https://dashscope.aliyuncs.com/compatible-mode/v1"))
        .isEqualTo(URI.create("https://dashscope.aliyuncs.com/compatible-mode/v1"));
    assertThat(QwenCredentials.baseUrlFrom("http://127.0.0.1:8080/"))
        .isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
  }

  @Test
  void usesTheConfiguredBaseUrlWhenTheCredentialsNameNoResourceUrl() throws Exception {
    JsonObject file =
        Json.createObjectBuilder(FixtureUpstream.json(Files.readString(credentials)))
            .remove("resource_url")
            .build();
    Files.writeString(credentials, file.toString());
    clock.set(NOW.minusSeconds(3600));
    QwenOAuthBackend backend =
        new QwenOAuthBackend(
            QwenOAuthContractTest.settings(upstream.base(), Duration.ofSeconds(10), credentials),
            http,
            clock);
    answerChatWithBearer(EXPIRED);

    backend.complete(request());

    assertThat(upstream.last().path()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void neverLogsAToken() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            lines.add(formatter.format(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    capture.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    Level rootLevel = root.getLevel();
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    try {
      answerTokenRequests(Duration.ZERO);
      answerChatWithBearer(FRESH);
      backend().complete(request()); // refresh before the call
      clock.set(NOW.plusSeconds(7 * 3600));
      upstream.on(
          "/api/v1/oauth2/token",
          ex -> ex.json(400, fixture("qwen-oauth", "token-invalid-grant.json")));
      assertThatThrownBy(() -> backend().complete(request())).isInstanceOf(ProxyException.class);
    } finally {
      root.removeHandler(capture);
      root.setLevel(rootLevel);
    }

    assertThat(lines).anySatisfy(l -> assertThat(l).contains("Refreshed the OAuth token"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("invalid_grant"));
    for (String token : TOKENS) {
      assertThat(lines).noneSatisfy(l -> assertThat(l).contains(token));
    }
  }

  private static UpstreamRequest withStream(UpstreamRequest request) {
    return new UpstreamRequest(
        Json.createObjectBuilder(request.body()).add("stream", true).build(), request.leg());
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
