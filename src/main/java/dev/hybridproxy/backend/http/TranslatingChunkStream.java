package dev.hybridproxy.backend.http;

import dev.hybridproxy.engine.ChunkStream;
import jakarta.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A {@link ChunkStream} over an upstream event stream in another protocol. The adapter turns each
 * event into zero or more chunks with {@link #emit(JsonObject)} and says when the answer is over
 * with {@link #finish()}; any failure closes the upstream before it propagates. After {@link
 * #close()} nothing more is returned. At the end of the answer the reading thread reads the rest of
 * the body before it returns {@code null} ({@link UpstreamEventStream#closeAtEnd()}).
 */
public abstract class TranslatingChunkStream implements ChunkStream {
  private final UpstreamEventStream events;
  private final Deque<JsonObject> pending = new ArrayDeque<>();
  private boolean finished;
  private volatile boolean closed;

  protected TranslatingChunkStream(UpstreamEventStream events) {
    this.events = events;
  }

  /** Translates one upstream event; called on the reading thread only. */
  protected abstract void translate(SseEvent event);

  /** Called once when the upstream ended without {@link #finish()}; may emit a last chunk. */
  protected void endOfStream() {}

  protected final void emit(JsonObject chunk) {
    pending.add(chunk);
  }

  /** The answer is complete: chunks already emitted are still returned, then {@code null}. */
  protected final void finish() {
    finished = true;
  }

  @Override
  public final JsonObject next() {
    try {
      while (pending.isEmpty()) {
        if (finished) {
          events.closeAtEnd();
          return null;
        }
        SseEvent event = events.next();
        if (closed) {
          return null;
        }
        if (event == null) {
          finished = true;
          endOfStream();
          continue;
        }
        if (!event.data().isBlank() && !event.isDone()) {
          translate(event);
        } else if (event.isDone()) {
          finished = true;
        }
      }
      return closed ? null : pending.poll();
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
  }

  @Override
  public final void close() {
    closed = true;
    events.close();
  }
}
