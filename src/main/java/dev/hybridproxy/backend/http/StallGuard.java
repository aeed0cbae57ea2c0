package dev.hybridproxy.backend.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes upstream responses that stay silent for longer than their allowance. One periodic sweep
 * serves every open call, so a chunk costs a volatile write, not a timer.
 */
public final class StallGuard implements AutoCloseable {
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final LongSupplier nanoClock;
  private final ScheduledFuture<?> sweeper;

  public StallGuard(
      ScheduledExecutorService scheduler, Duration sweepEvery, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    long period = Math.max(1, sweepEvery.toMillis());
    this.sweeper =
        scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** Starts watching; {@code onStall} runs once if nothing is touched for {@code allowance}. */
  public Watch watch(Duration allowance, Runnable onStall) {
    Watch watch = new Watch(allowance.toNanos(), onStall);
    watches.add(watch);
    return watch;
  }

  /** Checks every watch once; the scheduler calls it, tests may too. */
  public void sweep() {
    long now = nanoClock.getAsLong();
    for (Watch watch : watches) {
      if (now - watch.lastActivity > watch.allowanceNanos) {
        watches.remove(watch);
        watch.stalled = true;
        watch.onStall.run();
      }
    }
  }

  @Override
  public void close() {
    sweeper.cancel(false);
    watches.clear();
  }

  /** One watched call. */
  public final class Watch {
    private final long allowanceNanos;
    private final Runnable onStall;
    private volatile long lastActivity;
    private volatile boolean stalled;

    private Watch(long allowanceNanos, Runnable onStall) {
      this.allowanceNanos = allowanceNanos;
      this.onStall = onStall;
      this.lastActivity = nanoClock.getAsLong();
    }

    /** Data arrived: the silence starts again. */
    public void touch() {
      lastActivity = nanoClock.getAsLong();
    }

    public boolean stalled() {
      return stalled;
    }

    /** The call ended; stop watching it. */
    public void release() {
      watches.remove(this);
    }
  }
}
