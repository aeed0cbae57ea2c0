package dev.hybridproxy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks out an address after too many failed authentications within a window: further requests from
 * it get 429 with {@code Retry-After} until the lockout expires. Bounded in memory: at most {@code
 * maxTracked} addresses are remembered, the stalest forgotten first.
 */
public final class FailureLockout {
  private final int maxFailures;
  private final Duration window;
  private final Duration lockout;
  private final Clock clock;
  private final int maxTracked;
  private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

  private static final class Failures {
    Instant windowStart;
    int count;
    Instant lockedUntil = Instant.MIN;
    volatile Instant lastSeen;

    Failures(Instant now) {
      this.lastSeen = now;
    }
  }

  public FailureLockout(
      int maxFailures, Duration window, Duration lockout, Clock clock, int maxTracked) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.lockout = lockout;
    this.clock = clock;
    this.maxTracked = maxTracked;
  }

  /** How long the address must still wait, if it is locked out now. */
  public Optional<Duration> lockedFor(String address) {
    Failures failures = byAddress.get(address);
    if (failures == null) {
      return Optional.empty();
    }
    synchronized (failures) {
      Instant now = clock.instant();
      if (now.isBefore(failures.lockedUntil)) {
        return Optional.of(Duration.between(now, failures.lockedUntil));
      }
      return Optional.empty();
    }
  }

  /** Records a failed attempt; returns the lockout it started, if it started one. */
  public Optional<Duration> recordFailure(String address) {
    if (maxFailures <= 0) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (byAddress.size() >= maxTracked && !byAddress.containsKey(address)) {
      forgetStalest();
    }
    Failures failures = byAddress.computeIfAbsent(address, a -> new Failures(now));
    synchronized (failures) {
      failures.lastSeen = now;
      if (failures.windowStart == null || now.isAfter(failures.windowStart.plus(window))) {
        failures.windowStart = now;
        failures.count = 0;
      }
      failures.count++;
      if (failures.count >= maxFailures) {
        failures.lockedUntil = now.plus(lockout);
        failures.count = 0;
        failures.windowStart = null;
        return Optional.of(lockout);
      }
      return Optional.empty();
    }
  }

  /** A successful authentication clears the address's record. */
  public void recordSuccess(String address) {
    Failures failures = byAddress.get(address);
    if (failures != null) {
      synchronized (failures) {
        if (!clock.instant().isBefore(failures.lockedUntil)) {
          byAddress.remove(address);
        }
      }
    }
  }

  private void forgetStalest() {
    byAddress.entrySet().stream()
        .min((a, b) -> a.getValue().lastSeen.compareTo(b.getValue().lastSeen))
        .ifPresent(oldest -> byAddress.remove(oldest.getKey()));
  }
}
