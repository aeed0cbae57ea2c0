package dev.hybridproxy.engine;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * What the reasoning leg of one hybrid request did, as the {@code hybrid} metadata object (SPEC
 * §8.3) and the {@code X-Hybrid-Reasoning} header show it.
 *
 * @param backend the reasoning backend
 * @param model the reasoning model
 * @param status what became of the reasoning
 * @param decision the policy rule that decided whether to reason
 * @param end why the reasoning stopped, if it ran
 * @param chars the length of the plain reasoning handed to the execution model
 * @param durationMs how long the leg took
 * @param upstreamClosed whether the proxy cut the reasoning upstream off early
 * @param tokens reasoning tokens, reported by the upstream or estimated
 * @param tokensEstimated whether {@code tokens} is an estimate (chars / 4)
 * @param error why the leg failed, for status {@code failed} and {@code timeout}
 */
record HybridReport(
    String backend,
    String model,
    Status status,
    String decision,
    Optional<ReasoningEnd> end,
    int chars,
    long durationMs,
    boolean upstreamClosed,
    long tokens,
    boolean tokensEstimated,
    Optional<String> error) {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final String HEADER = "X-Hybrid-Reasoning";

  /** {@code hybrid.reasoning.status}. */
  enum Status {
    USED,
    SKIPPED,
    TIMEOUT,
    FAILED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The whole {@code hybrid} object. */
  JsonObject toJson(String executionBackend, String executionModel, long executionMs) {
    JsonObjectBuilder reasoning =
        JSON.createObjectBuilder()
            .add("backend", backend)
            .add("model", model)
            .add("status", status.label())
            .add("decision", decision);
    end.ifPresentOrElse(e -> reasoning.add("end", e.label()), () -> reasoning.addNull("end"));
    reasoning
        .add("chars", chars)
        .add("duration_ms", durationMs)
        .add("upstream_closed", upstreamClosed);
    if (tokensEstimated) {
      reasoning.add("tokens_estimated", true);
    }
    error.ifPresent(e -> reasoning.add("error", e));
    return JSON.createObjectBuilder()
        .add("reasoning", reasoning)
        .add(
            "execution",
            JSON.createObjectBuilder()
                .add("backend", executionBackend)
                .add("model", executionModel)
                .add("duration_ms", executionMs))
        .build();
  }

  /**
   * The execution leg's usage with the reasoning leg's tokens in {@code
   * completion_tokens_details.reasoning_tokens} (added to what the execution model reported).
   */
  JsonObject usage(JsonObject executionUsage) {
    if (status == Status.SKIPPED) {
      return executionUsage;
    }
    JsonObject details =
        executionUsage.get("completion_tokens_details") instanceof JsonObject d
            ? d
            : JsonObject.EMPTY_JSON_OBJECT;
    long own =
        details.get("reasoning_tokens") instanceof JsonNumber number ? number.longValue() : 0;
    return JSON.createObjectBuilder(executionUsage)
        .add(
            "completion_tokens_details",
            JSON.createObjectBuilder(details).add("reasoning_tokens", own + tokens))
        .build();
  }
}
