package dev.hybridproxy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Giving up an upstream call before its headers arrived aborts the request in flight. */
class UpstreamCallTest {
  private final ExecutorService workers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  /** An upstream that never answers: its call waits until the worker is interrupted. */
  private static final class SilentBackend implements Backend {
    final CountDownLatch waiting = new CountDownLatch(1);
    final CompletableFuture<Boolean> aborted = new CompletableFuture<>();

    @Override
    public String name() {
      return "silent";
    }

    @Override
    public JsonObject complete(UpstreamRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ChunkStream stream(UpstreamRequest request) {
      waiting.countDown();
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(30));
        aborted.complete(false);
      } catch (InterruptedException e) {
        aborted.complete(true);
      }
      throw ProxyException.of(ErrorKind.UPSTREAM_ERROR, "aborted");
    }

    @Override
    public List<String> models() {
      return List.of();
    }
  }

  private static UpstreamRequest request() {
    return new UpstreamRequest(
        ChatRequest.parse(
                "{\"model\":\"silent:m\",\"messages\":[{\"role\":\"user\"}]}"
                    .getBytes(StandardCharsets.UTF_8),
                Optional.empty())
            .body(),
        UpstreamRequest.Leg.PLAIN);
  }

  @Test
  void closingBeforeTheHeadersAbortsTheRequestInFlight() throws Exception {
    SilentBackend backend = new SilentBackend();
    UpstreamCall call = UpstreamCall.start(backend, request(), workers);
    assertThat(backend.waiting.await(5, TimeUnit.SECONDS)).isTrue();

    call.close();

    assertThat(backend.aborted.get(5, TimeUnit.SECONDS))
        .as("the waiting worker was interrupted")
        .isTrue();
    assertThat(call.await()).isNull();
    assertThat(call.accepted()).isFalse();
  }

  @Test
  void aPlainStreamWhoseClientLeftAbortsTheRequestInFlight() throws Exception {
    SilentBackend backend = new SilentBackend();
    PlainStream session = new PlainStream(backend, request(), "silent:m", workers);
    session.start();
    assertThat(session.awaitStart(java.time.Duration.ofMillis(50))).isFalse();
    assertThat(backend.waiting.await(5, TimeUnit.SECONDS)).isTrue();

    session.cancel();

    assertThat(backend.aborted.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCallClosedBeforeItsWorkerRanIsNeverSent() throws Exception {
    SilentBackend backend = new SilentBackend();
    CountDownLatch release = new CountDownLatch(1);
    UpstreamCall call =
        UpstreamCall.start(
            backend,
            request(),
            task ->
                workers.execute(
                    () -> {
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      task.run();
                    }));

    call.close();
    release.countDown();

    assertThat(call.await()).isNull();
    assertThat(backend.waiting.await(300, TimeUnit.MILLISECONDS)).as("never sent").isFalse();
  }
}
