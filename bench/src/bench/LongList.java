package bench;

import java.util.Arrays;

/** A growable list of longs with percentiles, for latencies in nanoseconds. */
final class LongList {
  private long[] values = new long[1024];
  private int size;
  private boolean sorted;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
    sorted = false;
  }

  void addAll(LongList other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  /** The {@code p}-th percentile (nearest rank), or NaN when empty. */
  double percentile(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.min(size - 1, Math.max(0, rank - 1))];
  }

  double max() {
    return percentile(100);
  }

  /** The percentile in milliseconds. */
  double ms(double p) {
    return percentile(p) / 1e6;
  }
}
