package dev.hybridproxy.engine;

import static dev.hybridproxy.engine.Chunks.content;
import static dev.hybridproxy.engine.Chunks.deepSeekReasoning;
import static dev.hybridproxy.engine.Chunks.finish;
import static dev.hybridproxy.engine.Chunks.json;
import static dev.hybridproxy.engine.Chunks.miniMaxDetails;
import static dev.hybridproxy.engine.Chunks.openRouterReasoning;
import static dev.hybridproxy.engine.Chunks.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasoningCaptureTest {
  private final ReasoningCapture capture = new ReasoningCapture(16384);

  @Test
  void readsDeepSeekReasoningContentLive() {
    assertThat(capture.accept(deepSeekReasoning("First, "))).isEqualTo("First, ");
    assertThat(capture.accept(deepSeekReasoning("compare."))).isEqualTo("compare.");

    assertThat(capture.text()).isEqualTo("First, compare.");
    assertThat(capture.ended()).isFalse();
  }

  @Test
  void readsOpenRouterReasoningOnceThoughReasoningDetailsRepeatIt() {
    capture.accept(openRouterReasoning("Weigh "));
    capture.accept(openRouterReasoning("both."));

    assertThat(capture.text()).isEqualTo("Weigh both.");
  }

  @Test
  void readsMiniMaxReasoningDetails() {
    capture.accept(miniMaxDetails("The user asks "));
    capture.accept(miniMaxDetails("for a haiku."));

    assertThat(capture.text()).isEqualTo("The user asks for a haiku.");
  }

  @Test
  void closesReasoningStreamAtCloseTag() {
    capture.accept(content("<think>\nPlan the "));
    String last = capture.accept(content("poem.</think>\n\nHere is the poem"));

    assertThat(last).isEqualTo("poem.");
    assertThat(capture.end()).contains(ReasoningEnd.TAG);
    assertThat(capture.text()).isEqualTo("\nPlan the poem.");
  }

  @Test
  void findsACloseTagSplitAcrossThreeChunks() {
    capture.accept(content("<think>Count syllables"));
    capture.accept(content("</thi"));
    assertThat(capture.ended()).isFalse();
    capture.accept(content("nk"));
    capture.accept(content(">Answer"));

    assertThat(capture.end()).contains(ReasoningEnd.TAG);
    assertThat(capture.text()).isEqualTo("Count syllables");
  }

  @Test
  void treatsContentAsReasoningWhenTheOpeningTagIsMissing() {
    capture.accept(content("Okay, the user wants a list."));
    capture.accept(content("</think>The list:"));

    assertThat(capture.end()).contains(ReasoningEnd.TAG);
    assertThat(capture.text()).isEqualTo("Okay, the user wants a list.");
  }

  @Test
  void keepsWhitespaceOnlyChunksInsideThinkTagReasoning() {
    capture.accept(content("<think>First paragraph."));
    capture.accept(content("\n\n"));
    capture.accept(content("Second.</think>"));

    assertThat(capture.text()).isEqualTo("First paragraph.\n\nSecond.");
  }

  @Test
  void doesNotEndFieldReasoningOnWhitespaceContent() {
    capture.accept(deepSeekReasoning("Think."));
    capture.accept(content("\n"));

    assertThat(capture.ended()).isFalse();
  }

  @Test
  void acceptsEveryClosingTagName() {
    for (String tag : new String[] {"</thinking>", "</reason>", "</reasoning>"}) {
      ReasoningCapture fresh = new ReasoningCapture(100);
      fresh.accept(content("step" + tag + "answer"));

      assertThat(fresh.end()).as(tag).contains(ReasoningEnd.TAG);
      assertThat(fresh.text()).isEqualTo("step");
    }
  }

  @Test
  void endsWhenTheReasoningChannelGivesWayToContent() {
    capture.accept(deepSeekReasoning("Think."));
    String text = capture.accept(content("The answer is 4."));

    assertThat(text).isEmpty();
    assertThat(capture.end()).contains(ReasoningEnd.CHANNEL);
    assertThat(capture.text()).isEqualTo("Think.");
  }

  @Test
  void endsWhenTheReasoningChannelGivesWayToToolCalls() {
    capture.accept(deepSeekReasoning("I should look it up."));
    capture.accept(toolCall("get_weather"));

    assertThat(capture.end()).contains(ReasoningEnd.CHANNEL);
  }

  @Test
  void doesNotEndOnANullOrEmptyReasoningDelta() {
    capture.accept(deepSeekReasoning("Think."));
    capture.accept(deepSeekReasoning(""));
    capture.accept(
        json(
            "{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":null,\"content\":null},"
                + "\"finish_reason\":null}]}"));
    capture.accept(content(""));

    assertThat(capture.ended()).isFalse();
    capture.accept(deepSeekReasoning(" More."));
    assertThat(capture.text()).isEqualTo("Think. More.");
  }

  @Test
  void endsOnAnyFinishReason() {
    capture.accept(deepSeekReasoning("Think."));
    capture.accept(finish("length"));

    assertThat(capture.end()).contains(ReasoningEnd.FINISH_REASON);
  }

  @Test
  void endsAtTheCharacterLimit() {
    ReasoningCapture limited = new ReasoningCapture(10);
    limited.accept(deepSeekReasoning("12345"));
    String text = limited.accept(deepSeekReasoning("6789abcdef"));

    assertThat(text).isEqualTo("6789a");
    assertThat(limited.text()).isEqualTo("123456789a");
    assertThat(limited.end()).contains(ReasoningEnd.LIMIT);
  }

  @Test
  void endsAtTheAdaptersReasoningEndSentinel() {
    capture.accept(deepSeekReasoning("Think."));
    capture.accept(ChunkStream.REASONING_END);

    assertThat(capture.end()).contains(ReasoningEnd.CHANNEL);
  }

  @Test
  void ignoresEverythingAfterTheEnd() {
    capture.accept(content("a</think>"));
    String after = capture.accept(deepSeekReasoning("more"));

    assertThat(after).isEmpty();
    assertThat(capture.text()).isEqualTo("a");
  }

  @Test
  void keepsTheReasoningTokensTheUpstreamReported() {
    capture.accept(
        json(
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":90,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":80}}}"));

    assertThat(capture.reasoningTokens()).hasValue(80);
  }

  @Test
  void marksATimeoutOnlyWhenNothingElseEndedTheReasoning() {
    capture.accept(deepSeekReasoning("Think."));
    capture.timedOut();

    assertThat(capture.end()).contains(ReasoningEnd.TIMEOUT);
  }
}
