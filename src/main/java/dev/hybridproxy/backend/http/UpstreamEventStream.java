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

  /** What is read past the end of an answer, at most, before its connection is given up instead. */
  static final int MAX_TRAILING_BYTES = 64 * 1024;

  /** How long the end of the body may take to come after the end of the answer. */
  static final Duration TRAILING_WAIT = Duration.ofSeconds(1);

  private final String backend;
  private final Response response;
  private final InputStream in;
  private final SseDecoder decoder;
  private final StallGuard guard;
  private final StallGuard.Watch watch;
  private final Duration allowance;
  private final AtomicBoolean closed = new AtomicBoolean();

  public UpstreamEventStream(
      String backend, Response response, StallGuard guard, Duration allowance) {
    this.backend = backend;
    this.response = response;
    this.allowance = allowance;
    this.guard = guard;
    this.watch = guard.watch(allowance, this::closeResponse);
    this.in = response.readEntity(InputStream.class);
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

  /**
   * The upstream said the answer is complete ({@code [DONE]}, {@code message_stop}): reads what is
   * left of the body (the end of the chunked encoding, normally there already), then closes. A
   * response closed before its last byte cancels its exchange, and the JDK client may then close a
   * connection that has just gone back to its pool for another request, which fails with
   * "connection closed locally"; read to its end, the connection is reused whole. A body that goes
   * on is cut after {@link #MAX_TRAILING_BYTES} or {@link #TRAILING_WAIT}. Only the reading thread
   * calls it: a thread that gives a call up (a client that left) must never wait for a body.
   */
  public void closeAtEnd() {
    if (!closed.get()) {
      watch.release();
      StallGuard.Watch trailing = guard.watch(TRAILING_WAIT, this::closeResponse);
      try {
        byte[] skipped = new byte[4096];
        long total = 0;
        int n;
        while (total <= MAX_TRAILING_BYTES && (n = in.read(skipped)) >= 0) {
          total += n;
        }
      } catch (IOException | RuntimeException e) {
        // broken or cut: closed below either way
      } finally {
        trailing.release();
      }
    }
    close();
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
