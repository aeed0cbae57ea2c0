package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.PrimitiveIterator;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class ReasoningPolicyTest {
  private static final String MODEL = "minimax:MiniMax-M2";

  private static ReasoningPolicy policy(double p, double... draws) {
    PrimitiveIterator.OfDouble next = DoubleStream.of(draws).iterator();
    return new ReasoningPolicy(p, 4, Duration.ofSeconds(8), 2, next::nextDouble);
  }

  @Test
  void neverReasonsOutsideTheForcedTurnsWithProbabilityZero() {
    ReasoningPolicy.Decision decision = policy(0).decide(MODEL, 4, OptionalDouble.empty());

    assertThat(decision.reason()).isFalse();
    assertThat(decision.rule()).isEqualTo(ReasoningPolicy.Rule.PROBABILITY);
  }

  @Test
  void alwaysReasonsWithProbabilityOne() {
    assertThat(policy(1).decide(MODEL, 40, OptionalDouble.empty()).reason()).isTrue();
  }

  @Test
  void reasonsWhenTheDrawFallsBelowTheProbability() {
    ReasoningPolicy policy = policy(0.5, 0.49, 0.5, 0.01);

    assertThat(policy.decide(MODEL, 9, OptionalDouble.empty()).reason()).isTrue();
    assertThat(policy.decide(MODEL, 9, OptionalDouble.empty()).reason()).isFalse();
    assertThat(policy.decide(MODEL, 9, OptionalDouble.empty()).reason()).isTrue();
  }

  @Test
  void reasonsInTheLastForcedTurnWhateverTheProbability() {
    ReasoningPolicy.Decision decision = policy(0).decide(MODEL, 3, OptionalDouble.empty());

    assertThat(decision.reason()).isTrue();
    assertThat(decision.rule()).isEqualTo(ReasoningPolicy.Rule.FORCED);
  }

  @Test
  void stopsForcingAtTheFirstTurnAfterTheWindow() {
    assertThat(policy(0).decide(MODEL, 4, OptionalDouble.empty()).reason()).isFalse();
  }

  @Test
  void letsTheRequestOverrideTheProbability() {
    assertThat(policy(1).decide(MODEL, 5, OptionalDouble.of(0)).reason()).isFalse();
    assertThat(policy(0).decide(MODEL, 5, OptionalDouble.of(1)).reason()).isTrue();
    assertThat(policy(0, 0.2).decide(MODEL, 5, OptionalDouble.of(0.3)).reason()).isTrue();
  }

  @Test
  void skipsTheNextNonForcedRequestsAfterASlowReasoningLeg() {
    ReasoningPolicy policy = policy(1);
    policy.recordLatency(MODEL, Duration.ofMillis(8001));

    assertThat(policy.decide(MODEL, 0, OptionalDouble.empty()).reason()).as("forced").isTrue();
    ReasoningPolicy.Decision first = policy.decide(MODEL, 5, OptionalDouble.empty());
    ReasoningPolicy.Decision second = policy.decide(MODEL, 5, OptionalDouble.empty());
    ReasoningPolicy.Decision third = policy.decide(MODEL, 5, OptionalDouble.empty());

    assertThat(first.reason()).isFalse();
    assertThat(first.rule()).isEqualTo(ReasoningPolicy.Rule.BACKOFF);
    assertThat(second.reason()).isFalse();
    assertThat(third.reason()).isTrue();
    assertThat(policy.decide("other:model", 5, OptionalDouble.empty()).reason()).isTrue();
  }

  @Test
  void doesNotBackOffAfterALegAtTheThreshold() {
    ReasoningPolicy policy = policy(1);
    policy.recordLatency(MODEL, Duration.ofSeconds(8));

    assertThat(policy.decide(MODEL, 5, OptionalDouble.empty()).reason()).isTrue();
  }

  @Test
  void zeroThresholdDisablesTheBackoff() {
    ReasoningPolicy policy = new ReasoningPolicy(1, 4, Duration.ZERO, 2, () -> 0.5);
    policy.recordLatency(MODEL, Duration.ofMinutes(5));

    assertThat(policy.decide(MODEL, 5, OptionalDouble.empty()).reason()).isTrue();
  }

  @Test
  void countsAssistantMessagesAsTurns() {
    assertThat(
            ReasoningPolicy.turnIndex(
                json("{\"m\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"a\"},"
                        + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"tool\",\"content\":\"c\"},"
                        + "{\"role\":\"assistant\",\"content\":\"d\"},{\"role\":\"user\",\"content\":\"e\"}]}")
                    .getJsonArray("m")))
        .isEqualTo(2);
  }

  @Test
  void readsTheProbabilityFromTheBodyBeforeTheHeader() {
    ChatRequest request =
        new ChatRequest(
            json("{\"model\":\"m\",\"messages\":[],\"reasoning_injection_probability\":0.25}"),
            Optional.of("0.75"));

    assertThat(ReasoningPolicy.requestedProbability(request)).hasValue(0.25);
  }

  @Test
  void readsTheProbabilityHeader() {
    ChatRequest request =
        new ChatRequest(json("{\"model\":\"m\",\"messages\":[]}"), Optional.of(" 0.75 "));

    assertThat(ReasoningPolicy.requestedProbability(request)).hasValue(0.75);
  }

  @Test
  void rejectsAProbabilityHeaderOutOfRange() {
    ChatRequest request =
        new ChatRequest(json("{\"model\":\"m\",\"messages\":[]}"), Optional.of("1.5"));

    assertThatThrownBy(() -> ReasoningPolicy.requestedProbability(request))
        .isInstanceOfSatisfying(
            ProxyException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("X-Hybrid-Reasoning-Probability", "1.5");
            });
  }
}
