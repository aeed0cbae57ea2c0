package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds what a stream produces until the web layer attaches its listener, then passes everything on
 * in order, one call at a time. Once the client is gone (or the session is cancelled) it drops
 * everything and answers {@code false}.
 */
final class BufferedListener implements ChunkListener {
  private static final Object DONE = new Object();

  private final List<Object> pending = new ArrayList<>();
  private ChunkListener target;
  private boolean gone;
  private boolean ended;

  @Override
  public synchronized boolean chunk(JsonObject chunk) {
    if (gone || ended) {
      return false;
    }
    if (target == null) {
      pending.add(chunk);
      return true;
    }
    if (!target.chunk(chunk)) {
      gone = true;
    }
    return !gone;
  }

  @Override
  public synchronized void complete() {
    end(DONE);
  }

  @Override
  public synchronized void fail(ProxyException error) {
    end(error);
  }

  private void end(Object event) {
    if (gone || ended) {
      return;
    }
    ended = true;
    if (target == null) {
      pending.add(event);
    } else {
      deliver(event);
    }
  }

  /**
   * Attaches the real listener and hands it what was held.
   *
   * @return {@code false} when the client turned out to be gone
   */
  synchronized boolean attach(ChunkListener listener) {
    target = listener;
    for (Object event : pending) {
      if (gone) {
        break;
      }
      deliver(event);
    }
    pending.clear();
    return !gone;
  }

  /** The client is gone: nothing more is passed on. */
  synchronized void discard() {
    gone = true;
    pending.clear();
  }

  private void deliver(Object event) {
    if (event == DONE) {
      target.complete();
    } else if (event instanceof ProxyException error) {
      target.fail(error);
    } else if (!target.chunk((JsonObject) event)) {
      gone = true;
    }
  }
}
