package dev.hybridproxy.api;

import dev.hybridproxy.engine.ChunkListener;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.JsonObject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes one streamed answer to the client as SSE: a comment at once (so headers leave before the
 * first token), a {@code : keep-alive} comment whenever nothing was sent for a heartbeat interval,
 * each chunk as {@code data: {json}}, then {@code data: [DONE]} or one error event. A send that
 * fails means the client is gone: {@code onClientGone} runs once and nothing more is written.
 */
final class SseChunkWriter implements ChunkListener {
  private static final String DONE = "[DONE]";

  private final SseEventSink sink;
  private final Sse sse;
  private final Runnable onClientGone;
  private final long heartbeatNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;
  private volatile long lastSend;
  private final RequestRecord record;
  private final Consumer<SseChunkWriter> onEnd;
  private ScheduledFuture<?> heartbeat;

  SseChunkWriter(
      SseEventSink sink,
      Sse sse,
      Runnable onClientGone,
      Duration heartbeatInterval,
      RequestRecord record,
      Consumer<SseChunkWriter> onEnd) {
    this.onEnd = onEnd;
    this.sink = sink;
    this.sse = sse;
    this.onClientGone = onClientGone;
    this.heartbeatNanos = heartbeatInterval.toNanos();
    this.record = record;
  }

  /** Sends the first comment and starts the heartbeat. */
  void open(ScheduledExecutorService timers) {
    send(sse.newEventBuilder().comment("keep-alive").build());
    long period = Math.max(1, heartbeatNanos / 4);
    heartbeat = timers.scheduleAtFixedRate(this::beat, period, period, TimeUnit.NANOSECONDS);
  }

  private void beat() {
    if (closed) {
      stopHeartbeat();
      return;
    }
    if (System.nanoTime() - lastSend < heartbeatNanos || !lock.tryLock()) {
      return; // data flowed recently, or a send is in progress
    }
    try {
      send(sse.newEventBuilder().comment("keep-alive").build());
    } finally {
      lock.unlock();
    }
  }

  private boolean sentData;

  @Override
  public boolean chunk(JsonObject chunk) {
    if (!sentData) {
      sentData = true;
      if (record != null) {
        record.firstToken();
      }
    }
    return data(chunk.toString());
  }

  @Override
  public void complete() {
    data(DONE);
    close();
    finish(200, "ok");
  }

  @Override
  public void fail(ProxyException error) {
    data(ErrorEnvelopeMapper.envelope(error).toString());
    close();
    finish(200, "error_event:" + error.status());
  }

  private void finish(int status, String outcome) {
    onEnd.accept(this);
    if (record != null) {
      record.finish(status, outcome);
    }
  }

  private boolean data(String json) {
    lock.lock();
    try {
      return send(sse.newEventBuilder().data(json).build());
    } finally {
      lock.unlock();
    }
  }

  private boolean send(OutboundSseEvent event) {
    if (closed) {
      return false;
    }
    if (sink.isClosed()) {
      clientGone();
      return false;
    }
    try {
      CompletionStage<?> sent = sink.send(event);
      lastSend = System.nanoTime();
      sent.whenComplete(
          (ignored, failure) -> {
            if (failure != null) {
              clientGone();
            }
          });
      return !closed;
    } catch (RuntimeException e) {
      clientGone();
      return false;
    }
  }

  private void clientGone() {
    if (!closed) {
      closed = true;
      stopHeartbeat();
      onClientGone.run();
      closeSink();
      finish(200, "client_closed");
    }
  }

  private void close() {
    closed = true;
    stopHeartbeat();
    closeSink();
  }

  private void stopHeartbeat() {
    ScheduledFuture<?> beat = heartbeat;
    if (beat != null) {
      beat.cancel(false);
    }
  }

  private void closeSink() {
    try {
      sink.close();
    } catch (RuntimeException e) {
      // the client is gone already
    }
  }
}
