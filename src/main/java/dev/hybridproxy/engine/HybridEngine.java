package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The hybrid backend (SPEC §5–§8): decides whether to reason, runs the reasoning leg with early
 * close, injects the reasoning into the execution request and answers from the execution model,
 * buffered or streamed. Plain Java; built by the configuration, which owns its threads and clocks.
 */
public final class HybridEngine {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final Logger LOG = System.getLogger(HybridEngine.class.getName());

  private final BackendRegistry backends;
  private final BackendQuirks quirks;
  private final HybridSettings settings;
  private final ReasoningPolicy policy;
  private final Executor executor;
  private final ScheduledExecutorService timers;
  private final LongSupplier nanoClock;
  private final Clock clock;
  private final Telemetry telemetry;

  /**
   * @param executor runs upstream calls and streamed flows (one blocking reader each)
   * @param timers runs the reasoning-leg deadlines
   * @param nanoClock measures durations (reasoning latency for the backoff, metadata)
   * @param clock stamps {@code created} on the chunks the proxy makes itself
   */
  public HybridEngine(
      BackendRegistry backends,
      BackendQuirks quirks,
      HybridSettings settings,
      ReasoningPolicy policy,
      Executor executor,
      ScheduledExecutorService timers,
      LongSupplier nanoClock,
      Clock clock) {
    this(backends, quirks, settings, policy, executor, timers, nanoClock, clock, Telemetry.NONE);
  }

  /** As above, reporting decisions and reasoning legs to {@code telemetry}. */
  public HybridEngine(
      BackendRegistry backends,
      BackendQuirks quirks,
      HybridSettings settings,
      ReasoningPolicy policy,
      Executor executor,
      ScheduledExecutorService timers,
      LongSupplier nanoClock,
      Clock clock,
      Telemetry telemetry) {
    this.telemetry = telemetry;
    this.backends = backends;
    this.quirks = quirks;
    this.settings = settings;
    this.policy = policy;
    this.executor = executor;
    this.timers = timers;
    this.nanoClock = nanoClock;
    this.clock = clock;
  }

  /** SPEC §4.2: whether {@code disable_hybrid_backend} is set. */
  public boolean disabled() {
    return settings.disabled();
  }

  static ProxyException disabledError() {
    return ProxyException.of(ErrorKind.HYBRID_DISABLED, "Hybrid backend is disabled")
        .withParam("model");
  }

  /** A buffered hybrid answer. */
  public ChatAnswer complete(ChatRequest request, ModelSelector.Hybrid selector) {
    Plan plan = plan(request, selector);
    Outcome outcome =
        plan.decision().reason()
            ? settle(plan, reasoningLeg(plan).run(ReasoningLeg.Observer.NONE))
            : skipped(plan);
    long start = nanoClock.getAsLong();
    JsonObject answer;
    try {
      answer = plan.executionBackend().complete(executionRequest(plan, outcome));
    } catch (ProxyException e) {
      throw outcome.paid() ? e.forbiddingRetry() : e;
    }
    long executionMs = millisSince(start);
    return new ChatAnswer(
        buffered(plan, outcome, answer, executionMs),
        Map.of(HybridReport.HEADER, outcome.report().status().label()));
  }

  /** A streamed hybrid answer; the caller waits for it to start, then attaches its listener. */
  public StreamSession stream(ChatRequest request, ModelSelector.Hybrid selector) {
    HybridStream session = new HybridStream(this, plan(request, selector));
    session.start();
    return session;
  }

  /**
   * One request's route and decision.
   *
   * @param identity id, created and model of every chunk of the answer
   */
  record Plan(
      ChatRequest request,
      ModelRef reasoningRef,
      Backend reasoningBackend,
      ModelRef executionRef,
      Backend executionBackend,
      ReasoningPolicy.Decision decision,
      ChunkIdentity identity) {}

  /**
   * What the reasoning leg gave.
   *
   * @param plain the normalised reasoning to inject (empty for none)
   * @param paid whether the reasoning upstream accepted the request
   */
  record Outcome(String plain, HybridReport report, boolean paid) {}

  private Plan plan(ChatRequest request, ModelSelector.Hybrid selector) {
    Backend reasoning = backends.resolve(selector.reasoning());
    Backend execution = backends.resolve(selector.execution());
    int turn = ReasoningPolicy.turnIndex(request.messages());
    ReasoningPolicy.Decision decision =
        policy.decide(
            reasoningKey(selector.reasoning()),
            turn,
            ReasoningPolicy.requestedProbability(request));
    LOG.log(
        Level.DEBUG,
        "Hybrid {0}: {1} reasoning ({2}: {3})",
        request.model(),
        decision.reason() ? "with" : "without",
        decision.rule().label(),
        decision.explanation());
    ChunkIdentity identity =
        new ChunkIdentity(
            request.model(),
            "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
            clock.instant().getEpochSecond());
    return new Plan(
        request,
        selector.reasoning(),
        reasoning,
        selector.execution(),
        execution,
        decision,
        identity);
  }

  ReasoningLeg reasoningLeg(Plan plan) {
    JsonObject client = plan.request().body();
    Map<String, JsonValue> forced =
        new LinkedHashMap<>(
            quirks
                .of(plan.reasoningBackend().name())
                .reasoningParams(plan.reasoningRef().model(), client));
    forced.put("stream", JsonValue.TRUE);
    JsonObject body = UpstreamBody.of(client, plan.reasoningRef(), Map.of(), forced);
    return new ReasoningLeg(
        plan.reasoningBackend(),
        new UpstreamRequest(body, UpstreamRequest.Leg.REASONING),
        settings.maxChars(),
        settings.reasoningTimeout(),
        timers,
        nanoClock);
  }

  /**
   * Turns a finished reasoning leg into what the execution leg gets, or into the error the client
   * gets when the failure mode is {@code fail}.
   */
  Outcome settle(Plan plan, ReasoningLeg.Result result) {
    String key = reasoningKey(plan.reasoningRef());
    Duration took = Duration.ofNanos(result.durationNanos());
    policy.recordLatency(key, took);
    String plain = ReasoningText.plain(result.raw());
    HybridReport.Status status;
    Optional<String> error = Optional.empty();
    if (result.failure().isPresent()) {
      status = HybridReport.Status.FAILED;
      error = Optional.of(result.failure().get().getMessage());
    } else if (result.end().filter(e -> e == ReasoningEnd.TIMEOUT).isPresent()) {
      status = HybridReport.Status.TIMEOUT;
      error =
          Optional.of(
              "The reasoning model did not finish within "
                  + settings.reasoningTimeout().toSeconds()
                  + " s");
    } else if (plain.isEmpty()) {
      status = HybridReport.Status.FAILED;
      error = Optional.of("The reasoning model produced no reasoning");
    } else {
      status = HybridReport.Status.USED;
    }
    if (status != HybridReport.Status.USED) {
      LOG.log(
          Level.WARNING, "Reasoning leg of {0} {1}: {2}", key, status.label(), error.orElse(""));
      if (settings.failureModeFor(plan.reasoningBackend().name())
          == HybridSettings.FailureMode.FAIL) {
        throw failure(plan, result, error.orElse(""));
      }
    }
    if (status == HybridReport.Status.FAILED) {
      plain = "";
    }
    OptionalLong reported = result.reasoningTokens();
    HybridReport report =
        new HybridReport(
            plan.reasoningBackend().name(),
            plan.reasoningRef().model(),
            status,
            plan.decision().rule().label(),
            result.end(),
            plain.length(),
            TimeUnit.NANOSECONDS.toMillis(result.durationNanos()),
            result.upstreamClosed(),
            reported.orElse((plain.length() + 3) / 4),
            reported.isEmpty() && !plain.isEmpty(),
            error);
    telemetry.hybridDecision(status.label());
    telemetry.reasoningLeg(
        plan.reasoningBackend().name(),
        took,
        Duration.ofNanos(result.closeNanos()),
        result.upstreamClosed() ? reported.orElse((plain.length() + 3) / 4) : 0);
    return new Outcome(plain, report, result.accepted());
  }

  /**
   * The error of a reasoning leg that failed in {@code fail} mode: 502 {@code
   * hybrid_reasoning_failed}, except that a 4xx keeps its status: a 429 with its {@code
   * Retry-After}, and a request the reasoning backend cannot take (the proxy could not translate
   * it, or the upstream refused it as invalid) stays the client's error, which no retry can cure.
   */
  private ProxyException failure(Plan plan, ReasoningLeg.Result result, String reason) {
    ProxyException error;
    ProxyException cause = result.failure().orElse(null);
    if (cause != null && cause.status() >= 400 && cause.status() < 500) {
      error = cause;
    } else {
      error =
          ProxyException.of(
                  ErrorKind.HYBRID_REASONING_FAILED,
                  "The reasoning model '"
                      + plan.reasoningRef().label()
                      + "' failed and hybrid_reasoning_failure_mode is 'fail': "
                      + reason)
              .withParam("model");
    }
    return result.accepted() ? error.forbiddingRetry() : error;
  }

  Outcome skipped(Plan plan) {
    telemetry.hybridDecision(HybridReport.Status.SKIPPED.label());
    return new Outcome(
        "",
        new HybridReport(
            plan.reasoningBackend().name(),
            plan.reasoningRef().model(),
            HybridReport.Status.SKIPPED,
            plan.decision().rule().label(),
            Optional.empty(),
            0,
            0,
            false,
            0,
            false,
            Optional.empty()),
        false);
  }

  /** The execution leg's request: the client's body with the reasoning injected (SPEC §6). */
  UpstreamRequest executionRequest(Plan plan, Outcome outcome) {
    JsonObject client = plan.request().body();
    BackendQuirks.Quirks execution = quirks.of(plan.executionBackend().name());
    JsonObject base = client;
    if (!outcome.plain().isEmpty()) {
      JsonArray messages =
          ReasoningInjection.inject(
              client.getJsonArray("messages"),
              ReasoningText.tagged(outcome.plain(), execution.tagName()),
              execution.systemMessages()
                  ? ReasoningInjection.Strategy.SYSTEM
                  : ReasoningInjection.Strategy.USER_PREFIX,
              settings.repeatMessages());
      base = JSON.createObjectBuilder(client).add("messages", messages).build();
    }
    JsonObject body =
        UpstreamBody.of(
            base,
            plan.executionRef(),
            Map.of(),
            execution.executionParams(plan.executionRef().model()));
    return new UpstreamRequest(
        body, UpstreamRequest.Leg.EXECUTION, Optional.of(settings.executionTimeout()));
  }

  /** SPEC §8.2: the execution answer, cleaned, with the reasoning, metadata and usage added. */
  private JsonObject buffered(Plan plan, Outcome outcome, JsonObject answer, long executionMs) {
    JsonObject cleaned = ExecutionOutputFilter.completion(answer);
    JsonObjectBuilder body = JSON.createObjectBuilder(cleaned).add("model", plan.request().model());
    if (cleaned.get("choices") instanceof JsonArray choices && !outcome.plain().isEmpty()) {
      JsonArrayBuilder withReasoning = JSON.createArrayBuilder();
      for (JsonValue value : choices) {
        if (value instanceof JsonObject choice
            && choice.get("message") instanceof JsonObject message) {
          withReasoning.add(
              JSON.createObjectBuilder(choice)
                  .add("message", withReasoning(message, outcome.plain())));
        } else {
          withReasoning.add(value);
        }
      }
      body.add("choices", withReasoning);
    }
    if (cleaned.get("usage") instanceof JsonObject usage) {
      body.add("usage", outcome.report().usage(usage));
    }
    body.add("hybrid", hybridJson(plan, outcome, executionMs));
    return body.build();
  }

  private JsonObject withReasoning(JsonObject message, String plain) {
    return switch (settings.output()) {
      case FIELDS ->
          JSON.createObjectBuilder(message)
              .add("reasoning_content", plain)
              .add("reasoning", plain)
              .build();
      case THINK_TAGS -> {
        String content = message.get("content") instanceof JsonString s ? s.getString() : "";
        yield JSON.createObjectBuilder(message)
            .add("content", "<think>\n" + plain + "\n</think>\n\n" + content)
            .build();
      }
      case NONE -> message;
    };
  }

  JsonObject hybridJson(Plan plan, Outcome outcome, long executionMs) {
    return outcome
        .report()
        .toJson(plan.executionBackend().name(), plan.executionRef().model(), executionMs);
  }

  /** The knobs this engine runs with (SPEC §9). */
  public HybridSettings settings() {
    return settings;
  }

  Executor executor() {
    return executor;
  }

  long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - startNanos);
  }

  long nanos() {
    return nanoClock.getAsLong();
  }

  private static String reasoningKey(ModelRef ref) {
    return ref.label();
  }
}
