package dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hybridproxy.backend.Backends;
import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.config.ProxySettings;
import dev.hybridproxy.config.SettingsReader;
import dev.hybridproxy.config.SettingsSource;
import dev.hybridproxy.engine.Backend;
import dev.hybridproxy.engine.BackendQuirks;
import dev.hybridproxy.engine.BackendRegistry;
import dev.hybridproxy.engine.ChatAnswer;
import dev.hybridproxy.engine.ChatCompletions;
import dev.hybridproxy.engine.ChatRequest;
import dev.hybridproxy.engine.ChunkListener;
import dev.hybridproxy.engine.HybridEngine;
import dev.hybridproxy.engine.HybridSettings;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.ReasoningPolicy;
import dev.hybridproxy.engine.StreamSession;
import dev.hybridproxy.engine.Telemetry;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile input (issue 7): property-based tests over the request body, the model selector and the
 * probability header, run through the real request pipeline in plain Java — {@link
 * ChatRequest#parse}, selector parsing, routing, the hybrid engine and the real adapters of every
 * wire type, on {@link InMemoryUpstreams} instead of the network. Every case must end as a 4xx
 * {@link ProxyException} or a valid answer (never another exception, never a hang), and every
 * upstream call must go to a configured backend's own URL with that backend's own key. Seeds are
 * fixed so that CI is repeatable; 10,000 cases in all.
 */
class HostileInputTest {
  /** Far above any case's time on a loaded 2-core machine; only a real hang reaches it. */
  private static final Duration CASE_LIMIT = Duration.ofSeconds(30);

  /** The configured backends: one of every wire type, built-ins with presets, no qwen file. */
  private static final Map<String, String> ENVIRONMENT =
      Map.ofEntries(
          Map.entry("OPENAI_API_KEY", "sk-fuzz-openai-000000000000"),
          Map.entry("DEEPSEEK_API_KEY", "sk-fuzz-deepseek-0000000000"),
          Map.entry("MINIMAX_API_KEY", "sk-fuzz-minimax-00000000000"),
          Map.entry("OPENROUTER_API_KEY", "sk-fuzz-openrouter-0000000"),
          Map.entry("ANTHROPIC_API_KEY", "sk-ant-fuzz-00000000000000"),
          Map.entry("GEMINI_API_KEY", "AIza-fuzz-0000000000000000"),
          Map.entry("BACKENDS_LOCAL_LLM_TYPE", "openai"),
          Map.entry("BACKENDS_LOCAL_LLM_API_URL", "http://127.0.0.1:11434/v1"),
          Map.entry("BACKENDS_VERTEX_TYPE", "gemini"),
          Map.entry("BACKENDS_VERTEX_API_URL", "https://vertex.upstream.test/v1beta"),
          Map.entry("BACKENDS_VERTEX_API_KEY", "AIza-fuzz-vertex-0000000000"),
          Map.entry("BACKENDS_VERTEX_SYSTEM_MESSAGES", "false"),
          Map.entry("DEFAULT_BACKEND", "deepseek"));

  /** The same, with the other hybrid switches: repeat mode and reasoning as think tags. */
  private static final Map<String, String> OTHER_SWITCHES =
      Map.of(
          "HYBRID_BACKEND_REPEAT_MESSAGES", "true",
          "HYBRID_REASONING_OUTPUT", "think-tags",
          "HYBRID_REASONING_FAILURE_MODE", "fail");

  private static final HostileSelectors SELECTORS =
      new HostileSelectors(
          List.of(
              "deepseek",
              "openai",
              "anthropic",
              "gemini",
              "minimax",
              "openrouter",
              "local-llm",
              "vertex"),
          List.of(
              "deepseek-reasoner",
              "gpt-4o",
              "o3",
              "o4-mini",
              "gpt-5",
              "claude-sonnet-4-5",
              "gemini-2.5-flash",
              "models/gemini-2.5-pro",
              "MiniMax-M2",
              "anthropic/claude-3-haiku:beta",
              "qwen3:8b"));

  private static final ExecutorService CASES = Executors.newSingleThreadExecutor();
  private static final ScheduledExecutorService TIMERS = Executors.newScheduledThreadPool(1);
  private static final InMemoryUpstreams UPSTREAMS = new InMemoryUpstreams();
  private static final Pipeline DEFAULTS = new Pipeline(ENVIRONMENT);
  private static final Pipeline SWITCHED = new Pipeline(withSwitches());

  private static Map<String, String> withSwitches() {
    Map<String, String> all = new LinkedHashMap<>(ENVIRONMENT);
    all.putAll(OTHER_SWITCHES);
    return all;
  }

  private static final Map<String, Integer> OUTCOMES = new java.util.TreeMap<>();

  @AfterContainer
  static void stop() {
    CASES.shutdownNow();
    TIMERS.shutdownNow();
    System.out.println("HOSTILE-INPUT outcomes: " + OUTCOMES);
  }

  // --- properties ------------------------------------------------------------------------------

  @Property(
      tries = 6000,
      seed = "7001",
      shrinking = ShrinkingMode.BOUNDED,
      edgeCases = EdgeCasesMode.NONE)
  void everyBodyIsRefusedWithA4xxOrAnswered(
      @ForAll("bodies") byte[] body, @ForAll("probabilityHeaders") Optional<String> header) {
    check(DEFAULTS, body, header);
  }

  @Property(
      tries = 3000,
      seed = "7002",
      shrinking = ShrinkingMode.BOUNDED,
      edgeCases = EdgeCasesMode.NONE)
  void noSelectorReachesAHostThatIsNotConfigured(
      @ForAll("selectors") String selector, @ForAll boolean stream, @ForAll boolean switched) {
    String body =
        "{\"model\":"
            + HostileJson.quote(selector)
            + ",\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    check(switched ? SWITCHED : DEFAULTS, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  @Property(
      tries = 1000,
      seed = "7003",
      shrinking = ShrinkingMode.BOUNDED,
      edgeCases = EdgeCasesMode.NONE)
  void theOtherHybridSwitchesHoldUpToo(
      @ForAll("plausibleBodies") String body,
      @ForAll("probabilityHeaders") Optional<String> header) {
    check(SWITCHED, body.getBytes(StandardCharsets.UTF_8), header);
  }

  // --- known hostile shapes, kept as examples ----------------------------------------------------

  @Example
  void aToolCallWhoseFunctionIsNotAnObjectIsA400OnEveryWireType() {
    for (String backend : List.of("deepseek", "anthropic", "gemini")) {
      String body =
          "{\"model\":\""
              + backend
              + ":m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
              + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
              + "\"function\":\"f\"}]},{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"1\"}]}";
      check(DEFAULTS, utf8(body), Optional.empty());
    }
  }

  @Example
  void aNumberWithAnExponentTooLargeForJavaIsA400() {
    assertClientError(
        DEFAULTS,
        "{\"model\":\"deepseek:x\",\"temperature\":1e99999999999,\"messages\":[{\"role\":\"user\"}]}");
  }

  @Example
  void nestingDeeperThanTheParserAllowsIsA400() {
    assertClientError(
        DEFAULTS,
        "{\"model\":\"deepseek:x\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "[".repeat(5000)
            + "]".repeat(5000)
            + "}]}");
  }

  private static void assertClientError(Pipeline pipeline, String body) {
    Outcome outcome = run(pipeline, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    assertThat(outcome.refusal()).as("refused as a client error").isNotNull();
    assertThat(outcome.refusal().status()).isEqualTo(400);
  }

  // --- the check every case goes through -------------------------------------------------------

  /** How one case ended: refused (4xx) or answered. */
  private record Outcome(ProxyException refusal, List<InMemoryUpstreams.Call> calls) {}

  private static void check(Pipeline pipeline, byte[] body, Optional<String> header) {
    Outcome outcome = run(pipeline, body, header);
    String key =
        outcome.refusal() == null
            ? "answered, upstream calls " + outcome.calls().size()
            : outcome.refusal().status() + " " + outcome.refusal().code();
    OUTCOMES.merge(key, 1, Integer::sum);
    if (outcome.refusal() != null) {
      assertThat(outcome.refusal().status())
          .as("a refusal is a client error: %s", outcome.refusal().getMessage())
          .isBetween(400, 499);
      assertThat(outcome.refusal().type()).isNotBlank();
    }
    for (InMemoryUpstreams.Call call : outcome.calls()) {
      pipeline.assertConfigured(call);
    }
  }

  private static Outcome run(Pipeline pipeline, byte[] body, Optional<String> header) {
    UPSTREAMS.clear();
    Future<ProxyException> future = CASES.submit(() -> pipeline.serve(body, header));
    ProxyException refusal;
    try {
      refusal = future.get(CASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("the request hung for " + CASE_LIMIT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new AssertionError("neither a 4xx nor an answer: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Outcome(refusal, UPSTREAMS.calls());
  }

  /** The engine exactly as ProxyConfiguration builds it, on the in-memory upstreams. */
  private static final class Pipeline {
    private final ProxySettings settings;
    private final ChatCompletions chat;

    Pipeline(Map<String, String> environment) {
      SettingsSource source =
          new SettingsSource() {
            @Override
            public Optional<String> get(String key) {
              return Optional.ofNullable(environment.get(key));
            }

            @Override
            public Iterable<String> names() {
              return environment.keySet();
            }
          };
      SettingsReader reader = new SettingsReader(source);
      settings = reader.read();
      HybridSettings hybrid = reader.hybrid();
      UpstreamHttp http =
          new UpstreamHttp(
              new StallGuard(TIMERS, Duration.ofMillis(250), System::nanoTime),
              Telemetry.NONE,
              UPSTREAMS);
      List<Backend> backends =
          settings.backends().stream().map(b -> Backends.create(b, http)).toList();
      BackendRegistry registry = new BackendRegistry(backends, settings.defaultBackend());
      BackendQuirks quirks = new BackendQuirks();
      for (BackendSettings backend : settings.backends()) {
        quirks =
            quirks.with(
                backend.name(),
                backend.type(),
                backend.systemMessages(),
                backend.reasoningParams(),
                backend.executionParams());
      }
      HybridEngine engine =
          new HybridEngine(
              registry,
              quirks,
              hybrid,
              ReasoningPolicy.from(hybrid, () -> 0.5),
              Runnable::run,
              TIMERS,
              System::nanoTime,
              Clock.systemUTC());
      chat = new ChatCompletions(registry, engine, Runnable::run);
    }

    /** Serves one request; the 4xx refusal, or {@code null} for a valid answer. */
    ProxyException serve(byte[] body, Optional<String> header) throws Exception {
      try {
        ChatRequest request = ChatRequest.parse(body, header);
        if (request.stream()) {
          stream(request);
        } else {
          ChatAnswer answer = chat.complete(request);
          assertThat(answer.body().getString("model")).isEqualTo(request.model());
        }
        return null;
      } catch (ProxyException e) {
        return e;
      }
    }

    private void stream(ChatRequest request) throws Exception {
      StreamSession session = chat.stream(request);
      session.awaitStart(Duration.ofSeconds(2));
      List<JsonObject> chunks = new ArrayList<>();
      CompletableFuture<ProxyException> end = new CompletableFuture<>();
      session.deliverTo(
          new ChunkListener() {
            @Override
            public boolean chunk(JsonObject chunk) {
              chunks.add(chunk);
              return true;
            }

            @Override
            public void complete() {
              end.complete(null);
            }

            @Override
            public void fail(ProxyException error) {
              end.complete(error);
            }
          });
      ProxyException failure = end.get(CASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
      if (failure != null) {
        throw failure;
      }
      assertThat(chunks).isNotEmpty();
      for (JsonObject chunk : chunks) {
        assertThat(chunk.getString("model")).isEqualTo(request.model());
      }
    }

    /** A call went to a configured backend's URL, with that backend's key and no other. */
    void assertConfigured(InMemoryUpstreams.Call call) {
      BackendSettings target =
          settings.backends().stream()
              .filter(b -> sameOrigin(b.apiUrl(), call.uri()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("a call to an unconfigured host: " + call.uri()));
      String base = target.apiUrl().getPath().replaceAll("/+$", "");
      assertThat(call.uri().getPath()).as("path of %s", call.uri()).startsWith(base + "/");
      for (String segment : call.uri().getRawPath().split("/")) {
        assertThat(segment).as("a dot segment in %s", call.uri()).isNotIn(".", "..");
      }
      assertThat(call.uri().getRawFragment()).isNull();
      String headers = call.headers().toString();
      assertThat(headers).doesNotContain("\r").doesNotContain("\n");
      for (BackendSettings other : settings.backends()) {
        if (other != target && other.apiKey().isPresent()) {
          assertThat(headers + call.body())
              .as("the key of %s in a call to %s", other.name(), target.name())
              .doesNotContain(other.apiKey().get());
        }
      }
      target
          .apiKey()
          .ifPresent(key -> assertThat(headers).as("the backend's own key").contains(key));
    }

    private static boolean sameOrigin(URI configured, URI called) {
      return configured.getScheme().equalsIgnoreCase(called.getScheme())
          && configured.getHost().equalsIgnoreCase(String.valueOf(called.getHost()))
          && port(configured) == port(called)
          && called.getRawUserInfo() == null;
    }

    private static int port(URI uri) {
      return uri.getPort() >= 0
          ? uri.getPort()
          : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
  }

  // --- generators ------------------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            10, HostileJson.plausibleRequests(SELECTORS.routable()).map(HostileInputTest::utf8)),
        Tuple.of(3, HostileJson.plausibleRequests(SELECTORS.any()).map(HostileInputTest::utf8)),
        Tuple.of(2, requestBodies().map(HostileInputTest::utf8)),
        Tuple.of(1, HostileJson.values(4).map(HostileInputTest::utf8)),
        Tuple.of(2, mutatedBodies()),
        Tuple.of(1, structuralAttacks().map(HostileInputTest::utf8)));
  }

  @Provide
  Arbitrary<String> requestBodies() {
    return HostileJson.requests(selectors());
  }

  @Provide
  Arbitrary<String> plausibleBodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, HostileJson.plausibleRequests(SELECTORS.routable())),
        Tuple.of(1, HostileJson.plausibleRequests(SELECTORS.any())),
        Tuple.of(1, HostileJson.requests(SELECTORS.any())));
  }

  @Provide
  Arbitrary<String> selectors() {
    return SELECTORS.any();
  }

  @Provide
  Arbitrary<Optional<String>> probabilityHeaders() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(Optional.empty())),
        Tuple.of(
            2,
            Arbitraries.of(
                    "0",
                    "1",
                    "0.5",
                    "-0",
                    "1.0000001",
                    "-1",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "1e999",
                    "0x1p-2",
                    " 0.3 ",
                    "",
                    "\r\n0.5",
                    "0,5",
                    "½",
                    "9".repeat(400))
                .map(Optional::of)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30).map(Optional::of)));
  }

  /** A valid body's bytes, damaged: invalid UTF-8, cut short, flipped, foreign byte-order marks. */
  private Arbitrary<byte[]> mutatedBodies() {
    Arbitrary<byte[]> literals =
        Arbitraries.of(
                "01",
                "1.",
                ".5",
                "+1",
                "NaN",
                "-Infinity",
                "\"\\x41\"",
                "\"\\u12\"",
                "\"open",
                "'single'")
            .map(HostileInputTest::utf8);
    Arbitrary<byte[]> insertions =
        Arbitraries.of(
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xE2, (byte) 0x82},
            new byte[] {0},
            new byte[] {'\r', '\n'},
            new byte[] {(byte) 0xFE, (byte) 0xFF},
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    return Combinators.combine(
            requestBodies(),
            Arbitraries.oneOf(insertions, literals),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.of("insert", "truncate", "flip", "prefix"))
        .as(
            (body, bytes, where, how) -> {
              byte[] original = utf8(body);
              int at = (int) (where * original.length);
              return switch (how) {
                case "insert" -> splice(original, at, bytes);
                case "truncate" -> java.util.Arrays.copyOf(original, at);
                case "flip" -> {
                  byte[] copy = original.clone();
                  if (at < copy.length) {
                    copy[at] = (byte) (copy[at] ^ 0x80);
                  }
                  yield copy;
                }
                default -> splice(original, 0, bytes);
              };
            });
  }

  /** Deep nesting, huge strings, huge numbers, many fields, duplicate keys. */
  private Arbitrary<String> structuralAttacks() {
    Arbitrary<Integer> depth = Arbitraries.of(10, 500, 999, 1000, 1001, 5000, 50_000);
    return Arbitraries.oneOf(
        depth.map(d -> wrapRequest("[".repeat(d) + "]".repeat(d))),
        depth.map(d -> wrapRequest("{\"a\":".repeat(d) + "1" + "}".repeat(d))),
        depth.map(d -> "[".repeat(d) + "]".repeat(d)),
        Arbitraries.of(1_000, 100_000, 2_000_000)
            .map(n -> wrapRequest(HostileJson.quote("A".repeat(n)))),
        Arbitraries.of(
                "1e99999999999",
                "1e2147483648",
                "-1e-99999999999",
                "1e999999",
                "123456789012345678901234567890123456789012345678901234567890",
                "0." + "0".repeat(2000) + "1",
                "1" + "0".repeat(5000))
            .map(
                n ->
                    "{\"model\":\"anthropic:claude-x\",\"max_tokens\":"
                        + n
                        + ",\"temperature\":"
                        + n
                        + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":"
                        + n
                        + "},\"reasoning_injection_probability\":"
                        + n
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
        Arbitraries.of(10, 5000)
            .map(
                n -> {
                  StringBuilder fields = new StringBuilder("{\"model\":\"deepseek:x\"");
                  for (int i = 0; i < n; i++) {
                    fields.append(",\"f").append(i % 50).append("\":").append(i);
                  }
                  return fields.append(",\"messages\":[{\"role\":\"user\"}]}").toString();
                }));
  }

  private static String wrapRequest(String content) {
    return "{\"model\":\"hybrid:[deepseek:r,gemini:gemini-2.5-flash]\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":"
        + content
        + "}]}";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] splice(byte[] original, int at, byte[] inserted) {
    byte[] out = new byte[original.length + inserted.length];
    System.arraycopy(original, 0, out, 0, at);
    System.arraycopy(inserted, 0, out, at, inserted.length);
    System.arraycopy(original, at, out, at + inserted.length, original.length - at);
    return out;
  }
}
