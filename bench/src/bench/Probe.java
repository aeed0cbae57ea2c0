package bench;

import java.util.Map;

/**
 * One phase of load against a server that is already running, for profiling by hand: {@code java
 * -cp target/bench-classes bench.Probe PORT MODEL CONCURRENCY SECONDS [stream]}.
 */
public final class Probe {
  private Probe() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String model = args[1];
    int c = Integer.parseInt(args[2]);
    long nanos = (long) (Double.parseDouble(args[3]) * 1e9);
    boolean stream = args.length > 4 && args[4].equals("stream");
    LoadClient.Result r =
        LoadClient.run(
            new LoadClient.Plan(
                new LoadClient.Target("probe", port, "/v1/chat/completions", Map.of()),
                c,
                0,
                nanos,
                stream,
                stream ? 1 + MockUpstream.STREAM_DELTAS : 0,
                stream ? 200_000_000L : 0,
                id -> Bench.body(model, stream, id)));
    System.out.printf(
        "%.0f req/s  p50 %.3f ms  p99 %.3f ms  errors %d %s  stalled %d  ttft p99 %.2f ms  gap p99 %.2f ms%n",
        r.rate(), r.latencies.ms(50), r.latencies.ms(99), r.errors, r.firstError == null ? "" : r.firstError,
        r.stalled, r.ttft.ms(99), r.gaps.ms(99));
  }
}
