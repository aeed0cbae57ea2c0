package dev.hybridproxy.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's own threads: {@code streams} grows with the number of open upstream streams (each
 * reads one blocking response), {@code timers} runs heartbeats, stall sweeps and deadlines.
 */
public record Workers(ExecutorService streams, ScheduledExecutorService timers)
    implements AutoCloseable {

  public static Workers create() {
    ThreadPoolExecutor streams =
        new ThreadPoolExecutor(
            4,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            named("upstream"));
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, named("proxy-timer"));
    timers.setRemoveOnCancelPolicy(true);
    return new Workers(streams, timers);
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    streams.shutdownNow();
    timers.shutdownNow();
  }
}
