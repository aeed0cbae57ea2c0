package dev.hybridproxy.api;

import dev.hybridproxy.config.ProxySettings;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import dev.hybridproxy.engine.StreamSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams being answered right now, for a graceful shutdown: new requests are refused, the
 * streams in flight get {@code shutdown_grace_period} to finish, and the rest end with an error
 * event and their upstream calls cancelled.
 */
@ApplicationScoped
public class InFlightStreams {
  private static final Logger LOG = System.getLogger(InFlightStreams.class.getName());

  private final Map<SseChunkWriter, StreamSession> streams = new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;
  private ProxySettings settings;

  protected InFlightStreams() {}

  @Inject
  public InFlightStreams(ProxySettings settings) {
    this.settings = settings;
  }

  void add(SseChunkWriter writer, StreamSession session) {
    streams.put(writer, session);
  }

  void remove(SseChunkWriter writer) {
    streams.remove(writer);
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  int size() {
    return streams.size();
  }

  void onShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
    shuttingDown = true;
    if (streams.isEmpty()) {
      return;
    }
    Duration grace = settings.shutdownGracePeriod();
    LOG.log(
        Level.INFO,
        "Shutting down: waiting up to {0} s for {1} streams in flight",
        grace.toSeconds(),
        streams.size());
    long deadline = System.nanoTime() + grace.toNanos();
    while (!streams.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    ProxyException error =
        ProxyException.of(
            ErrorKind.UNAVAILABLE, "The server is shutting down; the answer was cut short");
    streams.forEach(
        (writer, session) -> {
          session.cancel();
          writer.fail(error);
        });
    streams.clear();
  }
}
