package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's OpenAI chat models (thinking enabled) pointed at the proxy, plain and hybrid,
 * streaming and not: what an IDE assistant built on LangChain4j sees.
 */
@ExtendWith(ArquillianExtension.class)
class LangChain4jIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final String HYBRID = "hybrid:[mock:r-lc4j,mock:x-lc4j]";

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  private String baseUrl() {
    return base.toString().replaceAll("/+$", "") + "/v1";
  }

  @BeforeEach
  void scriptUpstreams() {
    STUB.script(
        "r-lc4j",
        ex -> {
          String id = "chatcmpl-r-lc4j";
          for (String part : List.of("<think>", "Compare ", "both ", "options.", "</think>", "A is better")) {
            if (!ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", part))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(20));
          }
          ex.end();
        });
    STUB.script(
        "x-lc4j",
        ex -> {
          if (ex.body.getBoolean("stream", false)) {
            String id = "chatcmpl-x-lc4j";
            for (String part : List.of("Option ", "A.")) {
              ex.event(StubUpstream.contentChunk(id, "x-lc4j", part));
              StubUpstream.pause(Duration.ofMillis(20));
            }
            ex.event(StubUpstream.finishChunk(id, "x-lc4j"));
            ex.event("[DONE]");
            ex.end();
          } else {
            ex.json(
                200,
                "{\"id\":\"chatcmpl-x-lc4j\",\"object\":\"chat.completion\",\"created\":1755137933,"
                    + "\"model\":\"x-lc4j\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"Option A.\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}");
          }
        });
  }

  /** What a streamed answer delivered to LangChain4j's handler. */
  private record Streamed(String thinking, String text, ChatResponse response) {}

  private Streamed stream(String model) throws Exception {
    OpenAiStreamingChatModel chat =
        OpenAiStreamingChatModel.builder()
            .baseUrl(baseUrl())
            .apiKey(ProxyClient.CLIENT_KEY)
            .modelName(model)
            .returnThinking(true)
            .timeout(Duration.ofSeconds(30))
            .build();
    StringBuilder thinking = new StringBuilder();
    StringBuilder text = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    chat.chat(
        "Which option is better?",
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            text.append(partial);
          }

          @Override
          public void onPartialThinking(PartialThinking partial) {
            thinking.append(partial.text());
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    return new Streamed(thinking.toString(), text.toString(), response);
  }

  @Test
  void streamsTheHybridReasoningAsThinkingThenTheAnswer() throws Exception {
    Streamed streamed = stream(HYBRID);

    assertThat(streamed.thinking()).isEqualTo("Compare both options.");
    assertThat(streamed.text()).isEqualTo("Option A.");
    assertThat(streamed.response().aiMessage().text()).isEqualTo("Option A.");
    assertThat(streamed.response().aiMessage().thinking()).isEqualTo("Compare both options.");
  }

  @Test
  void streamsAPlainModelWithoutThinking() throws Exception {
    Streamed streamed = stream("mock:x-lc4j");

    assertThat(streamed.text()).isEqualTo("Option A.");
    assertThat(streamed.thinking()).isEmpty();
  }

  @Test
  void returnsTheHybridReasoningAsThinkingOfABufferedAnswer() {
    OpenAiChatModel chat =
        OpenAiChatModel.builder()
            .baseUrl(baseUrl())
            .apiKey(ProxyClient.CLIENT_KEY)
            .modelName(HYBRID)
            .returnThinking(true)
            .timeout(Duration.ofSeconds(30))
            .build();

    ChatResponse response = chat.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(dev.langchain4j.data.message.UserMessage.from("Which option is better?"))
        .build());

    assertThat(response.aiMessage().text()).isEqualTo("Option A.");
    assertThat(response.aiMessage().thinking()).isEqualTo("Compare both options.");
  }
}
