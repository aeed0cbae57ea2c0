package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted upstream stream. An endless one, after its chunks, blocks until it is closed, like a
 * reasoning model that would go on answering.
 */
final class FakeStream implements ChunkStream {
  private final List<JsonObject> chunks;
  private final boolean endless;
  private final Runnable onEachRead;
  final CountDownLatch closed = new CountDownLatch(1);
  final AtomicInteger read = new AtomicInteger();

  private FakeStream(List<JsonObject> chunks, boolean endless, Runnable onEachRead) {
    this.chunks = chunks;
    this.endless = endless;
    this.onEachRead = onEachRead;
  }

  static FakeStream of(JsonObject... chunks) {
    return new FakeStream(List.of(chunks), false, () -> {});
  }

  static FakeStream endless(JsonObject... chunks) {
    return new FakeStream(List.of(chunks), true, () -> {});
  }

  /** Endless, running {@code onEachRead} before handing out each chunk (to move a fake clock). */
  static FakeStream endless(Runnable onEachRead, JsonObject... chunks) {
    return new FakeStream(List.of(chunks), true, onEachRead);
  }

  boolean isClosed() {
    return closed.getCount() == 0;
  }

  @Override
  public JsonObject next() {
    if (isClosed()) {
      return null;
    }
    int index = read.get();
    if (index < chunks.size()) {
      onEachRead.run();
      read.incrementAndGet();
      return chunks.get(index);
    }
    if (endless) {
      try {
        closed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return null;
  }

  @Override
  public void close() {
    closed.countDown();
  }
}
