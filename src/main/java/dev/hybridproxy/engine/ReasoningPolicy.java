package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Decides per request whether the reasoning leg runs (SPEC §7), from the request alone plus a
 * little per-model latency memory: forced initial turns, then adaptive backoff, then chance.
 */
public final class ReasoningPolicy {
  /** The header that overrides the probability for one request. */
  public static final String PROBABILITY_HEADER = "X-Hybrid-Reasoning-Probability";

  /** Which rule decided. */
  public enum Rule {
    FORCED("forced_initial_turns"),
    BACKOFF("adaptive_backoff"),
    PROBABILITY("probability");

    private final String label;

    Rule(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The outcome for one request, with a line for the logs. */
  public record Decision(boolean reason, Rule rule, String explanation) {}

  private final double probability;
  private final int forceInitialTurns;
  private final Duration latencyThreshold;
  private final int backoffTurns;
  private final DoubleSupplier random;
  private final Map<String, Integer> backoff = new ConcurrentHashMap<>();

  /**
   * @param random draws uniformly from [0, 1)
   */
  public ReasoningPolicy(
      double probability,
      int forceInitialTurns,
      Duration latencyThreshold,
      int backoffTurns,
      DoubleSupplier random) {
    this.probability = probability;
    this.forceInitialTurns = forceInitialTurns;
    this.latencyThreshold = latencyThreshold;
    this.backoffTurns = backoffTurns;
    this.random = random;
  }

  public static ReasoningPolicy from(HybridSettings settings, DoubleSupplier random) {
    return new ReasoningPolicy(
        settings.probability(),
        settings.forceInitialTurns(),
        settings.latencyThreshold(),
        settings.backoffTurns(),
        random);
  }

  /**
   * @param reasoningModel the reasoning {@code backend:model}, the key of the backoff memory
   * @param turn the request's turn index ({@link #turnIndex(JsonArray)})
   * @param override the request's own probability, if it sent one
   */
  public Decision decide(String reasoningModel, int turn, OptionalDouble override) {
    if (turn < forceInitialTurns) {
      return new Decision(
          true, Rule.FORCED, "turn " + turn + " < " + forceInitialTurns + " forced initial turns");
    }
    int[] left = {0};
    backoff.computeIfPresent(
        reasoningModel,
        (key, remaining) -> {
          left[0] = remaining;
          return remaining > 1 ? remaining - 1 : null;
        });
    if (left[0] > 0) {
      return new Decision(
          false,
          Rule.BACKOFF,
          reasoningModel + " was slow; " + (left[0] - 1) + " more request(s) will skip reasoning");
    }
    double p = override.orElse(probability);
    if (p <= 0) {
      return new Decision(false, Rule.PROBABILITY, "probability 0");
    }
    if (p >= 1) {
      return new Decision(true, Rule.PROBABILITY, "probability 1");
    }
    double draw = random.getAsDouble();
    return new Decision(
        draw < p, Rule.PROBABILITY, "drew " + draw + (draw < p ? " < " : " >= ") + p);
  }

  /** A reasoning leg of this model ran for {@code took}; a slow one starts a backoff. */
  public void recordLatency(String reasoningModel, Duration took) {
    if (latencyThreshold.isZero() || backoffTurns == 0) {
      return;
    }
    if (took.compareTo(latencyThreshold) > 0) {
      backoff.put(reasoningModel, backoffTurns);
    }
  }

  /** SPEC §7.1: the number of assistant messages in the request. */
  public static int turnIndex(JsonArray messages) {
    int turns = 0;
    for (JsonValue message : messages) {
      if (message instanceof JsonObject object
          && "assistant".equals(object.getString("role", null))) {
        turns++;
      }
    }
    return turns;
  }

  /**
   * The request's own probability: the body field (already validated) or else the header; a
   * malformed header is a 400.
   */
  public static OptionalDouble requestedProbability(ChatRequest request) {
    JsonValue field = request.body().get(ChatRequest.PROBABILITY_FIELD);
    if (field instanceof JsonNumber number) {
      return OptionalDouble.of(number.doubleValue());
    }
    if (request.probabilityHeader().isEmpty()) {
      return OptionalDouble.empty();
    }
    String header = request.probabilityHeader().get().strip();
    try {
      double value = Double.parseDouble(header);
      if (value >= 0 && value <= 1) {
        return OptionalDouble.of(value);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProxyException.of(
        ErrorKind.INVALID_REQUEST,
        "Invalid "
            + PROBABILITY_HEADER
            + " header '"
            + (header.length() > 40 ? header.substring(0, 40) + "…" : header)
            + "': expected a number from 0 to 1.");
  }
}
