package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The official OpenAI Java SDK on the plain proxy path: it gets exactly what the upstream sent. */
@ExtendWith(ArquillianExtension.class)
class OpenAiSdkIT {
  private static final StubUpstream STUB = StubUpstream.get();

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
        "sdk-plain",
        ex -> {
          if (ex.body.getBoolean("stream", false)) {
            for (String part : List.of("Plain ", "and ", "simple.")) {
              ex.event(StubUpstream.contentChunk("chatcmpl-sdk-plain", "sdk-plain-0613", part));
              StubUpstream.pause(Duration.ofMillis(20));
            }
            ex.event(StubUpstream.finishChunk("chatcmpl-sdk-plain", "sdk-plain-0613"));
            ex.event(
                "{\"id\":\"chatcmpl-sdk-plain\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
                    + "\"model\":\"sdk-plain-0613\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
                    + "\"completion_tokens\":3,\"total_tokens\":8}}");
            ex.event("[DONE]");
            ex.end();
          } else {
            ex.json(
                200,
                "{\"id\":\"chatcmpl-sdk-plain\",\"object\":\"chat.completion\",\"created\":1755137933,"
                    + "\"model\":\"sdk-plain-0613\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"Plain and simple.\",\"refusal\":null},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
                    + "\"completion_tokens\":3,\"total_tokens\":8}}");
          }
        });
    STUB.script(
        "sdk-limited",
        ex ->
            ex.respond(
                429,
                "application/json",
                "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                Map.of("Retry-After", "3")));
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build();
  }

  @Test
  void getsTheUpstreamAnswerBuffered() {
    ChatCompletion completion = openai.chat().completions().create(params("mock:sdk-plain"));

    assertThat(completion.id()).isEqualTo("chatcmpl-sdk-plain");
    assertThat(completion.model()).isEqualTo("mock:sdk-plain");
    assertThat(completion.choices().get(0).message().content()).contains("Plain and simple.");
    assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(8);
  }

  @Test
  void streamsTheUpstreamChunksWithUsage() {
    StringBuilder content = new StringBuilder();
    long[] usage = {0};
    try (StreamResponse<ChatCompletionChunk> stream =
        openai
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model("mock:sdk-plain")
                    .addUserMessage("Hi")
                    .streamOptions(
                        com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                            .includeUsage(true)
                            .build())
                    .build())) {
      stream
          .stream()
          .forEach(
              chunk -> {
                assertThat(chunk.id()).isEqualTo("chatcmpl-sdk-plain");
                assertThat(chunk.model()).isEqualTo("mock:sdk-plain");
                chunk.choices().forEach(c -> c.delta().content().ifPresent(content::append));
                chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
              });
    }

    assertThat(content.toString()).isEqualTo("Plain and simple.");
    assertThat(usage[0]).isEqualTo(8);
    assertThat(STUB.requests("sdk-plain").get(STUB.requests("sdk-plain").size() - 1).body
            .getJsonObject("stream_options").getBoolean("include_usage"))
        .isTrue();
  }

  @Test
  void surfacesAnUpstreamRateLimitAsTheSdkException() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> openai.chat().completions().create(params("mock:sdk-limited")))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(429);
              assertThat(e.headers().values("Retry-After")).containsExactly("3");
            });
  }
}
