package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Answers that outlive the servlet container's default asynchronous timeout (30 s): both kinds of
 * answer are suspended requests, and reasoning models routinely write for minutes.
 */
@ExtendWith(ArquillianExtension.class)
class LongAnswerIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final int SECONDS = 36;

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @Test
  void deliversStreamedAndBufferedAnswersThatTakeLongerThanThirtySeconds() throws Exception {
    STUB.script(
        "marathon-stream",
        ex -> {
          for (int second = 0; second < SECONDS; second++) {
            ex.event(StubUpstream.contentChunk("chatcmpl-marathon", "marathon", "."));
            StubUpstream.pause(Duration.ofSeconds(1));
          }
          ex.event(StubUpstream.finishChunk("chatcmpl-marathon", "marathon"));
          ex.event("[DONE]");
          ex.end();
        });
    STUB.script(
        "marathon-json",
        ex -> {
          StubUpstream.pause(Duration.ofSeconds(SECONDS)); // a model thinking before it answers
          ex.json(
              200,
              "{\"id\":\"chatcmpl-marathon\",\"object\":\"chat.completion\",\"created\":1755137933,"
                  + "\"model\":\"marathon\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                  + "\"assistant\",\"content\":\"finally\"},\"finish_reason\":\"stop\"}]}");
        });
    ProxyClient client = new ProxyClient(base);

    CompletableFuture<HttpResponse<String>> buffered =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.post(
                    Duration.ofSeconds(SECONDS + 20),
                    "v1/chat/completions",
                    "{\"model\":\"patient:marathon-json\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Go\"}]}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    ProxyClient.Stream stream =
        client.stream(
            "{\"model\":\"mock:marathon-stream\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Go\"}]}");

    assertThat(stream.response().statusCode()).isEqualTo(200);
    assertThat(stream.content()).isEqualTo(".".repeat(SECONDS));
    assertThat(stream.data().get(stream.data().size() - 1).data()).isEqualTo("[DONE]");
    HttpResponse<String> answer = buffered.get();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"content\":\"finally\"");
  }
}
