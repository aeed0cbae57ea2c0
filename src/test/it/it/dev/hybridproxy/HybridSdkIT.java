package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hybrid backend driven by the official OpenAI Java SDK, streaming and not. The SDK reaches
 * fields outside the OpenAI schema ({@code hybrid}, {@code reasoning_content}) only through {@code
 * _additionalProperties()}, which it marks deprecated on some types.
 */
@SuppressWarnings("deprecation")
@ExtendWith(ArquillianExtension.class)
class HybridSdkIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final String MODEL = "hybrid:[mock:r-sdk,mock:x-sdk]";

  @ArquillianResource private URL base;
  private OpenAIClient openai;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeEach
  void setUp() {
    openai =
        OpenAIOkHttpClient.builder()
            .baseUrl(base.toString().replaceAll("/+$", "") + "/v1")
            .apiKey(ProxyClient.CLIENT_KEY)
            .maxRetries(0)
            .timeout(Duration.ofSeconds(30))
            .build();
    STUB.script(
        "r-sdk",
        ex -> {
          String id = "chatcmpl-r-sdk";
          for (String part : List.of("<think>", "Greet ", "warmly.", "</think>", "Hi from R")) {
            if (!ex.event(StubUpstream.contentChunk(id, "MiniMax-M2", part))) {
              return;
            }
            StubUpstream.pause(Duration.ofMillis(30));
          }
          ex.end();
        });
    STUB.script(
        "x-sdk",
        ex -> {
          if (ex.body.getBoolean("stream", false)) {
            String id = "chatcmpl-x-sdk";
            for (String part : List.of("Hello", ", ", "friend!")) {
              ex.event(StubUpstream.contentChunk(id, "x-sdk", part));
              StubUpstream.pause(Duration.ofMillis(20));
            }
            ex.event(StubUpstream.finishChunk(id, "x-sdk"));
            ex.event("[DONE]");
            ex.end();
          } else {
            ex.json(
                200,
                "{\"id\":\"chatcmpl-x-sdk\",\"object\":\"chat.completion\",\"created\":1755137933,"
                    + "\"model\":\"x-sdk\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"Hello, friend!\",\"refusal\":null},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
                    + "\"completion_tokens\":3,\"total_tokens\":12}}");
          }
        });
  }

  private static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hi").build();
  }

  private static JsonNode json(JsonValue value) {
    return value.convert(JsonNode.class);
  }

  @Test
  void answersABufferedRequestWithReasoningAndMetadata() {
    ChatCompletion completion = openai.chat().completions().create(params());

    assertThat(completion.model()).isEqualTo(MODEL);
    ChatCompletion.Choice choice = completion.choices().get(0);
    assertThat(choice.message().content()).contains("Hello, friend!");
    assertThat(json(choice.message()._additionalProperties().get("reasoning_content")).asText())
        .isEqualTo("Greet warmly.");
    JsonNode hybrid = json(completion._additionalProperties().get("hybrid"));
    assertThat(hybrid.path("reasoning").path("status").asText()).isEqualTo("used");
    assertThat(hybrid.path("reasoning").path("end").asText()).isEqualTo("tag");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(12);
  }

  @Test
  void streamsReasoningThenTheAnswerToTheSdk() {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    List<String> ids = new ArrayList<>();
    List<JsonNode> hybrid = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        openai.chat().completions().createStreaming(params())) {
      stream
          .stream()
          .forEach(
              chunk -> {
                ids.add(chunk.id());
                assertThat(chunk.model()).isEqualTo(MODEL);
                JsonValue meta = chunk._additionalProperties().get("hybrid");
                if (meta != null) {
                  hybrid.add(json(meta));
                }
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                  choice.delta().content().ifPresent(content::append);
                  JsonValue thought = choice.delta()._additionalProperties().get("reasoning_content");
                  if (thought != null) {
                    reasoning.append(json(thought).asText());
                  }
                }
              });
    }

    assertThat(reasoning.toString()).isEqualTo("Greet warmly.");
    assertThat(content.toString()).isEqualTo("Hello, friend!");
    assertThat(ids).containsOnly(ids.get(0));
    assertThat(hybrid).hasSize(1);
    assertThat(hybrid.get(0).path("reasoning").path("status").asText()).isEqualTo("used");
  }
}
