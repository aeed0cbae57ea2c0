package bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns the results into the targets check and the Markdown summary. */
final class Report {
  private Report() {}

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Map<String, Object> results, String group) {
    Object rows = results.get(group);
    return rows == null ? List.of() : (List<Map<String, Object>>) rows;
  }

  static Optional<Map<String, Object>> row(Map<String, Object> results, String group, Object... match) {
    return rows(results, group).stream()
        .filter(
            r -> {
              for (int i = 0; i < match.length; i += 2) {
                if (!String.valueOf(r.get((String) match[i])).equals(String.valueOf(match[i + 1]))) {
                  return false;
                }
              }
              return true;
            })
        .findFirst();
  }

  static double num(Map<String, Object> row, String key) {
    Object value = row == null ? null : row.get(key);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static List<String> targets(Map<String, Object> results) {
    Set<String> names = new LinkedHashSet<>();
    rows(results, "buffered").forEach(r -> names.add((String) r.get("target")));
    return new ArrayList<>(names);
  }

  /**
   * Highest request rate among the concurrency levels whose p99 stayed under 1 s without errors.
   */
  static Map<String, Object> throughput(Map<String, Object> results) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int delay : new int[] {0, 20}) {
      Map<String, Object> byTarget = new java.util.LinkedHashMap<>();
      for (String target : targets(results)) {
        Map<String, Object> best = null;
        for (Map<String, Object> r : rows(results, "buffered")) {
          if (!r.get("target").equals(target) || num(r, "mock_delay_ms") != delay) {
            continue;
          }
          if (num(r, "errors") == 0 && num(r, "p99_ms") < 1000 && (best == null || num(r, "rate") > num(best, "rate"))) {
            best = r;
          }
        }
        byTarget.put(
            target,
            best == null
                ? Json.map("rate", 0.0)
                : Json.map("rate", num(best, "rate"), "at_concurrency", best.get("concurrency"), "p99_ms", num(best, "p99_ms")));
      }
      out.put("mock_" + delay + "ms", byTarget);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<Object> checks(Map<String, Object> results) {
    List<Object> checks = new ArrayList<>();
    Optional<Map<String, Object>> c1 = row(results, "buffered", "mock_delay_ms", 0, "concurrency", 1, "target", "proxy");
    double p50 = c1.map(r -> num(r, "added_p50_ms")).orElse(Double.NaN);
    double p99 = c1.map(r -> num(r, "added_p99_ms")).orElse(Double.NaN);
    checks.add(check("added latency, c=1, buffered, 0 ms mock: p50", "<= 0.3 ms", p50, "ms", p50 <= 0.3));
    checks.add(check("added latency, c=1, buffered, 0 ms mock: p99", "<= 1 ms", p99, "ms", p99 <= 1.0));
    Optional<Map<String, Object>> c64 = row(results, "buffered", "mock_delay_ms", 20, "concurrency", 64, "target", "proxy");
    double ratio = c64.map(r -> num(r, "rate_vs_direct")).orElse(Double.NaN);
    checks.add(check("c=64 against the 20 ms mock, share of the direct rate", ">= 95 %", ratio * 100, "%", ratio >= 0.95));
    Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
    double best = Double.NaN;
    if (throughput != null) {
      Map<String, Object> zero = (Map<String, Object>) throughput.get("mock_0ms");
      best = num((Map<String, Object>) zero.get("proxy"), "rate");
    }
    checks.add(check("0 ms mock: highest rate with p99 < 1 s and no errors", ">= 8000 req/s", best, "req/s", best >= 8000));
    Optional<Map<String, Object>> s512 = row(results, "streams", "streams", 512, "target", "proxy");
    boolean stallFree = s512.map(r -> Boolean.TRUE.equals(r.get("stall_free"))).orElse(false);
    double stall = s512.map(r -> num(r, "stall_rate") * 100).orElse(Double.NaN);
    checks.add(check("512 concurrent streams stall-free (stalled streams)", "0 %", stall, "%", stallFree));
    double ttft = s512.map(r -> num(r, "added_ttft_p99_ms")).orElse(Double.NaN);
    checks.add(check("added TTFT p99 at 512 streams", "<= 5 ms", ttft, "ms", ttft <= 5));
    double close = Double.NaN;
    double after = Double.NaN;
    double execution = Double.NaN;
    for (Map<String, Object> r : rows(results, "hybrid")) {
      if (r.get("target").equals("proxy")) {
        close = max(close, num(r, "close_after_marker_p99_ms"));
        after = max(after, num(r, "events_after_marker_max"));
        execution = max(execution, num(r, "execution_after_marker_p99_ms"));
      }
    }
    checks.add(check("reasoning upstream closed after its end marker, p99 (worst of c=1, c=32)", "<= 10 ms", close, "ms", close <= 10));
    checks.add(check("events written after the end marker (max)", "<= 1", after, "", after <= 1));
    checks.add(check("execution request after the end marker, p99 (worst of c=1, c=32)", "<= 5 ms", execution, "ms", execution <= 5));
    Map<String, Object> memory = (Map<String, Object>) results.getOrDefault("memory", Map.of());
    double at512 = num((Map<String, Object>) memory.get("at_512_streams"), "rss_mb");
    checks.add(check("RSS at 512 streams", "<= 768 MB", at512, "MB", at512 <= 768));
    double idle = num((Map<String, Object>) memory.get("idle"), "rss_mb");
    double afterLoad = num((Map<String, Object>) memory.get("after_load"), "rss_mb");
    double growth = (afterLoad / idle - 1) * 100;
    checks.add(check("RSS after the load vs idle", "<= +10 %", growth, "%", growth <= 10));
    return checks;
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
  }

  private static Map<String, Object> check(String what, String target, double measured, String unit, boolean met) {
    return Json.map("what", what, "target", target, "measured", measured, "unit", unit, "met", met && !Double.isNaN(measured));
  }

  static String f(double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    double abs = Math.abs(value);
    return String.format(Locale.ROOT, abs >= 1000 ? "%,.0f" : abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f", value);
  }

  private static String signed(double value) {
    return Double.isNaN(value) ? "–" : (value >= 0 ? "+" : "") + f(value);
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> results, String date) {
    StringBuilder md = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) results.get("machine");
    List<String> targets = targets(results);
    md.append("# Benchmark ").append(date).append("\n\n");
    md.append("Command: `").append(results.get("command")).append("` — ");
    md.append(machine.get("cores")).append(" cores (").append(machine.get("cpu")).append("), ");
    md.append(machine.get("memory_gb")).append(" GB, ").append(machine.get("os")).append(", ").append(machine.get("java"));
    md.append(". Load, mock and gateway share the cores. Load average before: ").append(results.get("load_before"));
    md.append(", after: ").append(results.get("load_after")).append(". Took ").append(f(num(results, "duration_s"))).append(" s.\n\n");
    md.append("Targets: ");
    ((Map<String, Object>) results.getOrDefault("targets", Map.of())).forEach((k, v) -> md.append("**").append(k).append("** ").append(v).append("; "));
    md.setLength(md.length() - 2);
    md.append(".\n\n");

    md.append("## Targets\n\n| figure | target | measured | |\n|---|---|---|---|\n");
    for (Object o : (List<Object>) results.getOrDefault("targets_check", List.of())) {
      Map<String, Object> c = (Map<String, Object>) o;
      md.append("| ").append(c.get("what")).append(" | ").append(c.get("target")).append(" | ")
          .append(f(num(c, "measured"))).append(' ').append(c.get("unit")).append(" | ")
          .append(Boolean.TRUE.equals(c.get("met")) ? "met" : "**missed**").append(" |\n");
    }

    md.append("\n## 1. Buffered latency (ms): p50 / p99, added = gateway minus direct\n\n");
    md.append("| mock | c |");
    targets.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append("\n|---|---|");
    targets.forEach(t -> md.append("---|"));
    md.append('\n');
    for (int delay : new int[] {0, 20}) {
      for (int c : Bench.CONCURRENCY) {
        md.append("| ").append(delay).append(" ms | ").append(c).append(" |");
        for (String t : targets) {
          Map<String, Object> r = row(results, "buffered", "mock_delay_ms", delay, "concurrency", c, "target", t).orElse(null);
          md.append(' ').append(f(num(r, "p50_ms"))).append(" / ").append(f(num(r, "p99_ms")));
          if (!t.equals("direct") && r != null) {
            md.append(" (").append(signed(num(r, "added_p50_ms"))).append(" / ").append(signed(num(r, "added_p99_ms"))).append(')');
          }
          if (num(r, "errors") > 0) {
            md.append(" ⚠ ").append(f(num(r, "errors"))).append(" errors");
          }
          md.append(" |");
        }
        md.append('\n');
      }
    }

    md.append("\n## 2. Throughput (req/s, closed loop; share of direct)\n\n");
    md.append("| mock | c |");
    targets.forEach(t -> md.append(' ').append(t).append(" |"));
    md.append("\n|---|---|");
    targets.forEach(t -> md.append("---|"));
    md.append('\n');
    for (int delay : new int[] {0, 20}) {
      for (int c : Bench.CONCURRENCY) {
        md.append("| ").append(delay).append(" ms | ").append(c).append(" |");
        for (String t : targets) {
          Map<String, Object> r = row(results, "buffered", "mock_delay_ms", delay, "concurrency", c, "target", t).orElse(null);
          md.append(' ').append(f(num(r, "rate")));
          if (!t.equals("direct")) {
            md.append(" (").append(f(num(r, "rate_vs_direct") * 100)).append(" %)");
          }
          md.append(" |");
        }
        md.append('\n');
      }
    }
    md.append("\nCPU used by the gateway's processes per request (µs, from /proc/<pid>/stat; load generator and mock excluded). It includes the JVM's JIT compiler threads, still busy minutes into a run on 2 shared cores, so read it at the high rates:\n\n| mock | c |");
    targets.stream().filter(t -> !t.equals("direct")).forEach(t -> md.append(' ').append(t).append(" |"));
    md.append("\n|---|---|");
    targets.stream().filter(t -> !t.equals("direct")).forEach(t -> md.append("---|"));
    md.append('\n');
    for (int delay : new int[] {0, 20}) {
      for (int c : Bench.CONCURRENCY) {
        md.append("| ").append(delay).append(" ms | ").append(c).append(" |");
        for (String t : targets) {
          if (!t.equals("direct")) {
            Map<String, Object> r = row(results, "buffered", "mock_delay_ms", delay, "concurrency", c, "target", t).orElse(null);
            md.append(' ').append(f(num(r, "cpu_us_per_request"))).append(" |");
          }
        }
        md.append('\n');
      }
    }
    Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
    if (throughput != null) {
      md.append("\nHighest rate with p99 < 1 s and no errors: ");
      throughput.forEach(
          (mock, byTarget) -> {
            md.append(mock.replace("mock_", "").replace("ms", " ms mock: "));
            ((Map<String, Object>) byTarget).forEach((t, v) -> md.append(t).append(' ').append(f(num((Map<String, Object>) v, "rate"))).append(", "));
            md.setLength(md.length() - 2);
            md.append("; ");
          });
      md.setLength(md.length() - 2);
      md.append(".\n");
    }

    if (!rows(results, "logging").isEmpty()) {
      md.append("\n### Cost of the request log line (proxy, buffered, c=16, 0 ms mock, alternated)\n\n");
      md.append("| request log | req/s | p50 ms | p99 ms | proxy CPU µs/request |\n|---|---|---|---|---|\n");
      for (Map<String, Object> r : rows(results, "logging")) {
        md.append("| ").append(r.get("request_log")).append(" | ").append(f(num(r, "rate"))).append(" | ")
            .append(f(num(r, "p50_ms"))).append(" | ").append(f(num(r, "p99_ms"))).append(" | ")
            .append(f(num(r, "cpu_us_per_request"))).append(" |\n");
      }
    }

    md.append("\n## 3. Streams (role + 64 deltas paced 20 ms + [DONE])\n\n");
    md.append("Stalled = a gap > 200 ms, a missing frame, no `[DONE]` or an error. Added = minus direct.\n\n");
    md.append("| streams | target | streams run | stalled | TTFT p99 ms (added) | gap p99 ms (added) | max gap ms | CPU µs/chunk | errors |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows(results, "streams")) {
      boolean direct = r.get("target").equals("direct");
      md.append("| ").append(r.get("streams")).append(" | ").append(r.get("target")).append(" | ")
          .append(f(num(r, "completed"))).append(" | ").append(f(num(r, "stalled"))).append(" | ")
          .append(f(num(r, "ttft_p99_ms"))).append(direct ? "" : " (" + signed(num(r, "added_ttft_p99_ms")) + ")").append(" | ")
          .append(f(num(r, "gap_p99_ms"))).append(direct ? "" : " (" + signed(num(r, "added_gap_p99_ms")) + ")").append(" | ")
          .append(f(num(r, "max_gap_ms"))).append(" | ")
          .append(direct || num(r, "completed") <= num(r, "errors") ? "" : f(num(r, "cpu_us_per_chunk"))).append(" | ")
          .append(num(r, "errors") > 0 ? f(num(r, "errors")) + " (" + r.get("first_error") + ")" : "0").append(" |\n");
    }

    md.append("\n## 4. Hybrid switch (times measured by the mock from writing the end marker)\n\n");
    md.append("`direct` is a client doing the switch itself: it reads the reasoner stream, hangs up on `</think>` and sends the execution request on a warm connection.\n\n");
    md.append("| c | target | legs | upstream closed p50 / p99 ms | events after marker (max) | execution request p50 / p99 ms | errors |\n|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : rows(results, "hybrid")) {
      md.append("| ").append(r.get("concurrency")).append(" | ").append(r.get("target")).append(" | ")
          .append(f(num(r, "legs_seen_by_mock"))).append(" | ")
          .append(f(num(r, "close_after_marker_p50_ms"))).append(" / ").append(f(num(r, "close_after_marker_p99_ms"))).append(" | ")
          .append(f(num(r, "events_after_marker_max"))).append(" | ")
          .append(f(num(r, "execution_after_marker_p50_ms"))).append(" / ").append(f(num(r, "execution_after_marker_p99_ms"))).append(" | ")
          .append(f(num(r, "errors"))).append(" |\n");
    }

    md.append("\n## 5. Proxy JVM memory and threads (/proc/<pid>/status)\n\n| when | RSS MB | threads |\n|---|---|---|\n");
    Map<String, Object> memory = (Map<String, Object>) results.getOrDefault("memory", Map.of());
    memory.forEach(
        (when, v) -> {
          if (v instanceof Map<?, ?> m) {
            md.append("| ").append(when.replace('_', ' ')).append(" | ").append(f(num((Map<String, Object>) m, "rss_mb")))
                .append(" | ").append(f(num((Map<String, Object>) m, "threads"))).append(" |\n");
          } else {
            md.append("| ").append(when.replace('_', ' ')).append(" | ").append(v instanceof Number n ? f(n.doubleValue()) : v).append(" | |\n");
          }
        });
    md.append("\n`idle` is measured after the warm-up, `idle at start` right after the server became ready, `after load` 30 s after the last request.\n");
    return md.toString();
  }
}
