package dev.hybridproxy.backend.http;

import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream {@code text/event-stream} response read event by event. Closing it closes the Jersey
 * response, which is what makes the upstream see the disconnect; a stall longer than the allowance
 * closes it too and surfaces as a 504.
 */
public final class UpstreamEventStream implements AutoCloseable {
  /** Events larger than this are treated as a malformed stream. */
  public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final String backend;
  private final Response response;
  private final SseDecoder decoder;
  private final StallGuard.Watch watch;
  private final Duration allowance;
  private final AtomicBoolean closed = new AtomicBoolean();

  public UpstreamEventStream(
      String backend, Response response, StallGuard guard, Duration allowance) {
    this.backend = backend;
    this.response = response;
    this.allowance = allowance;
    this.watch = guard.watch(allowance, this::closeResponse);
    InputStream in = response.readEntity(InputStream.class);
    this.decoder = new SseDecoder(in, MAX_EVENT_BYTES);
  }

  /** The next event, or {@code null} at the end of the stream or after {@link #close()}. */
  public SseEvent next() {
    if (closed.get()) {
      return stalledOrEnd();
    }
    try {
      SseEvent event = decoder.next();
      watch.touch();
      if (event == null) {
        watch.release();
      }
      return event;
    } catch (IOException | RuntimeException e) {
      if (closed.get()) {
        return stalledOrEnd();
      }
      close();
      throw ProxyException.of(
          ErrorKind.UPSTREAM_ERROR,
          "The stream from backend '" + backend + "' broke off: " + e.getClass().getSimpleName(),
          e);
    }
  }

  private SseEvent stalledOrEnd() {
    if (watch.stalled()) {
      throw ProxyException.of(
          ErrorKind.UPSTREAM_TIMEOUT,
          "Backend '" + backend + "' sent nothing for " + allowance.toSeconds() + " s");
    }
    return null;
  }

  @Override
  public void close() {
    watch.release();
    closeResponse();
  }

  private void closeResponse() {
    if (closed.compareAndSet(false, true)) {
      try {
        response.close();
      } catch (RuntimeException e) {
        // already broken; nothing more to release
      }
    }
  }
}
