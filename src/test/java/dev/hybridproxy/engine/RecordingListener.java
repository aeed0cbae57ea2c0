package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records what a stream delivers; can play a client that leaves after some chunks. */
final class RecordingListener implements ChunkListener {
  final List<JsonObject> chunks = new CopyOnWriteArrayList<>();
  final CompletableFuture<ProxyException> ended = new CompletableFuture<>();
  private final int leaveAfter;

  RecordingListener() {
    this(Integer.MAX_VALUE);
  }

  RecordingListener(int leaveAfter) {
    this.leaveAfter = leaveAfter;
  }

  @Override
  public boolean chunk(JsonObject chunk) {
    if (chunks.size() >= leaveAfter) {
      return false;
    }
    chunks.add(chunk);
    return true;
  }

  @Override
  public void complete() {
    ended.complete(null);
  }

  @Override
  public void fail(ProxyException error) {
    ended.complete(error);
  }

  /** Waits for the end; {@code null} for a normal one, else the error. */
  ProxyException awaitEnd() throws Exception {
    return ended.get(10, TimeUnit.SECONDS);
  }

  String reasoning() {
    return text("reasoning_content");
  }

  String content() {
    return text("content");
  }

  private String text(String key) {
    StringBuilder text = new StringBuilder();
    for (JsonObject chunk : chunks) {
      var choices = chunk.getJsonArray("choices");
      if (choices != null && !choices.isEmpty()) {
        JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
        if (delta != null && delta.containsKey(key) && !delta.isNull(key)) {
          text.append(delta.getString(key));
        }
      }
    }
    return text.toString();
  }

  JsonObject hybrid() {
    return chunks.stream()
        .filter(c -> c.containsKey("hybrid"))
        .findFirst()
        .orElseThrow()
        .getJsonObject("hybrid");
  }
}
