package bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The benchmark: starts the mock upstream, the packaged proxy on Liberty and (when installed)
 * nginx and Portkey, then measures every figure through each gateway and directly against the
 * mock, in the same run, and writes {@code bench/results/<date>.json}, a Markdown summary and PNG
 * charts.
 *
 * <p>Options: {@code --quick} (short phases, for trying the suite out), {@code --out DIR}, {@code
 * --project DIR}, {@code --skip nginx,portkey}, {@code --war FILE} (another build of the proxy, to
 * compare two builds), {@code --only buffered,logging,streams,hybrid} (some groups only). {@code BENCH_JVM_OPTIONS} adds lines to the proxy's
 * jvm.options (e.g. {@code -XX:StartFlightRecording=filename=/tmp/p.jfr}); {@code BENCH_SERVER_ENV}
 * (comma-separated {@code KEY=VALUE}) adds proxy settings.
 */
public final class Bench {
  static final int[] CONCURRENCY = {1, 16, 64, 256};
  static final int[] STREAMS = {64, 128, 256, 512};
  static final int[] HYBRID_CONCURRENCY = {1, 32};
  static final String API_KEY = "sk-bench-not-a-real-key-000000";

  /** One way to reach the mock: directly or through a gateway. */
  record Gateway(
      String name, LoadClient.Target http, UnaryOperator<String> model, Supplier<List<Long>> pids) {

    /** CPU time (user + system) its processes used so far, in nanoseconds. */
    long cpuNanos() {
      long ticks = 0;
      for (long pid : pids.get()) {
        try {
          String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
          // gone, or not Linux
        }
      }
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }
  }

  private final Path project;
  private final Path out;
  private final boolean quick;
  private final List<String> skip;
  private final Optional<Path> war;
  private final List<String> only;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Object> results = new LinkedHashMap<>();
  private Sampler sampler;

  Bench(Path project, Path out, boolean quick, List<String> skip, Optional<Path> war, List<String> only) {
    this.only = only;
    this.war = war;
    this.project = project;
    this.out = out;
    this.quick = quick;
    this.skip = skip;
  }

  public static void main(String[] args) throws Exception {
    Path project = Path.of(".").toAbsolutePath().normalize();
    Path out = null;
    boolean quick = false;
    List<String> skip = new ArrayList<>();
    Optional<Path> war = Optional.empty();
    List<String> only = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--project" -> project = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--skip" -> skip.addAll(List.of(args[++i].split(",")));
        case "--war" -> war = Optional.of(Path.of(args[++i]).toAbsolutePath());
        case "--only" -> only.addAll(List.of(args[++i].split(",")));
        case "--report" -> {
          report(Path.of(args[++i]));
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      out = project.resolve("bench/results");
    }
    new Bench(project, out, quick, skip, war, only).run();
  }

  /** Writes the Markdown summary and charts of a results file again (after a report change). */
  @SuppressWarnings("unchecked")
  static void report(Path json) throws IOException {
    Map<String, Object> results = (Map<String, Object>) JsonReader.read(Files.readString(json));
    results.put("targets_check", Report.checks(results));
    String date = json.getFileName().toString().replace(".json", "");
    Path dir = json.toAbsolutePath().getParent();
    Files.writeString(json, Json.write(results));
    Charts.latency(results, dir.resolve(date + "-latency.png"));
    Charts.streams(results, dir.resolve(date + "-streams.png"));
    Files.writeString(dir.resolve(date + ".md"), Report.markdown(results, date));
  }

  private boolean runs(String group) {
    return only.isEmpty() || only.contains(group);
  }

  private long seconds(double full, double quickSeconds) {
    return (long) ((quick ? quickSeconds : full) * 1e9);
  }

  void run() throws Exception {
    long began = System.nanoTime();
    Path work = out.resolve("tmp");
    Files.createDirectories(work);
    results.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    results.put("command", "bench/run.sh" + (quick ? " --quick" : "") + war.map(w -> " --war " + w.getFileName()).orElse(""));
    Map<String, Object> machine = Machine.describe();
    machine.put("open_liberty", Machine.libertyVersion(project.resolve("target/liberty/wlp")));
    results.put("machine", machine);
    results.put("load_before", Machine.loadAverage());
    log("machine: " + results.get("machine"));
    log("load average before: " + results.get("load_before"));

    try (MockUpstream mock = new MockUpstream()) {
      int proxyPort = Gateways.freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("HTTP_PORT", Integer.toString(proxyPort));
      env.put("HTTPS_PORT", Integer.toString(Gateways.freePort()));
      env.put("BACKENDS_MOCK_TYPE", "openai");
      env.put("BACKENDS_MOCK_API_URL", "http://127.0.0.1:" + mock.port() + "/v1");
      env.put("BACKENDS_MOCK_API_KEY", API_KEY);
      env.put("BACKENDS_MOCK_MODELS", "fast,slow20,stream,reasoner,executor");
      for (String setting : System.getenv().getOrDefault("BENCH_SERVER_ENV", "").split(",")) {
        if (setting.contains("=")) {
          env.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
      }
      List<String> jvmOptions = new ArrayList<>();
      for (String option : System.getenv().getOrDefault("BENCH_JVM_OPTIONS", "").split(" ")) {
        if (!option.isBlank()) {
          jvmOptions.add(option);
        }
      }
      results.put("proxy_settings", env.keySet().stream().filter(k -> !k.endsWith("API_KEY")).map(k -> k + "=" + env.get(k)).toList());
      log("starting the packaged proxy on Liberty (port " + proxyPort + ")");
      long libertyStart = System.nanoTime();
      try (Gateways.Liberty liberty = new Gateways.Liberty(project, war, proxyPort, env, jvmOptions)) {
        liberty.start();
        log(String.format("proxy ready in %.1f s (pid %d)", (System.nanoTime() - libertyStart) / 1e9, liberty.pid));
        Optional<Gateways.Nginx> nginx =
            skip.contains("nginx") ? Optional.empty() : Gateways.Nginx.startIfInstalled(work, mock.port());
        Optional<Gateways.Portkey> portkey =
            skip.contains("portkey") ? Optional.empty() : Gateways.Portkey.startIfInstalled(work);
        try {
          List<Gateway> gateways = new ArrayList<>();
          gateways.add(new Gateway("direct", new LoadClient.Target("direct", mock.port(), "/v1/chat/completions", Map.of()), m -> m, List::of));
          gateways.add(new Gateway("proxy", new LoadClient.Target("proxy", proxyPort, "/v1/chat/completions", Map.of()), m -> "mock:" + m, () -> List.of(liberty.pid)));
          nginx.ifPresent(n -> gateways.add(new Gateway("nginx", new LoadClient.Target("nginx", n.port, "/v1/chat/completions", Map.of()), m -> m, n::pids)));
          portkey.ifPresent(
              p ->
                  gateways.add(
                      new Gateway(
                          "portkey",
                          new LoadClient.Target(
                              "portkey",
                              p.port,
                              "/v1/chat/completions",
                              Map.of(
                                  "x-portkey-provider", "openai",
                                  "x-portkey-custom-host", "http://127.0.0.1:" + mock.port() + "/v1",
                                  "Authorization", "Bearer " + API_KEY)),
                          m -> m,
                          () -> List.of(p.process.pid()))));
          Map<String, Object> targets = new LinkedHashMap<>();
          targets.put("direct", "the mock upstream itself (Java NIO, loopback)");
          targets.put("proxy", "hybrid-llm-proxy WAR on Open Liberty " + machine.get("open_liberty") + ", as packaged (server-config/, backends in server.env)");
          nginx.ifPresent(n -> targets.put("nginx", "nginx " + Machine.nginxVersion() + ", plain reverse proxy, upstream keepalive, proxy_buffering off"));
          portkey.ifPresent(p -> targets.put("portkey", "@portkey-ai/gateway " + p.version + " on node " + Machine.nodeVersion()));
          results.put("targets", targets);
          log("targets: " + targets.keySet());

          sampler = new Sampler();
          sampler.watch("proxy", liberty.pid);
          portkey.ifPresent(p -> sampler.watch("portkey", p.process.pid()));
          sampler.start();

          Map<String, Object> memory = new LinkedHashMap<>();
          memory.put("idle_at_start", sampler.now("proxy"));
          warmUp(gateways);
          sampler.phase("idle");
          Gateways.sleep(quick ? 1000 : 3000);
          memory.put("idle", sampler.now("proxy"));

          if (runs("buffered")) {
            buffered(gateways);
          }
          if (runs("logging")) {
            loggingCost(gateways.get(1), liberty);
          }
          if (runs("streams")) {
            streams(gateways, memory);
          }
          if (runs("hybrid")) {
            hybrid(gateways, mock);
          }

          sampler.phase("after");
          Gateways.sleep(quick ? 2000 : 30_000);
          memory.put("after_load", sampler.now("proxy"));
          memory.put("peak", sampler.peak("proxy"));
          portkey.ifPresent(p -> memory.put("portkey_peak", sampler.peak("portkey")));
          nginx.ifPresent(n -> memory.put("nginx_rss_mb_after", nginx.get().pids().stream().map(Gateways.ProcStatus::of).flatMap(Optional::stream).mapToDouble(Gateways.ProcStatus::rssMb).sum()));
          results.put("memory", memory);
          sampler.close();
        } finally {
          nginx.ifPresent(Gateways.Nginx::close);
          portkey.ifPresent(Gateways.Portkey::close);
        }
      }
    }
    results.put("load_after", Machine.loadAverage());
    results.put("duration_s", (System.nanoTime() - began) / 1e9);
    results.put("targets_check", Report.checks(results));
    String date = LocalDate.now().toString();
    Files.createDirectories(out);
    Files.writeString(out.resolve(date + ".json"), Json.write(results));
    Charts.latency(results, out.resolve(date + "-latency.png"));
    Charts.streams(results, out.resolve(date + "-streams.png"));
    String summary = Report.markdown(results, date);
    Files.writeString(out.resolve(date + ".md"), summary);
    log("wrote " + out.resolve(date + ".json") + ", .md and charts");
    System.out.println();
    System.out.println(summary);
  }

  /**
   * Runs each code path until the JIT settles: buffered load on the proxy for at least 45 s and
   * until three 2-second rounds in a row agree within 5 % (at most 90 s; a cold JIT also gives
   * steady rates, only lower ones), then streams, the hybrid flow and a round of each other
   * gateway.
   */
  private void warmUp(List<Gateway> gateways) throws IOException {
    sampler.phase("warmup");
    log("warming up until the proxy's rate settles (JIT, pools)");
    Gateway proxy = gateways.get(1);
    long start = System.nanoTime();
    long minimum = start + seconds(45, 6);
    long deadline = start + seconds(90, 10);
    double last = 0;
    int rounds = 0;
    int steady = 0;
    while (System.nanoTime() < deadline && (steady < 2 || System.nanoTime() < minimum)) {
      LoadClient.Result r = LoadClient.run(plan(proxy, 16, 0, seconds(2, 1), false, "fast", 0));
      rounds++;
      steady = last > 0 && Math.abs(r.rate() - last) / last < 0.05 ? steady + 1 : 0;
      last = r.rate();
    }
    log(String.format("proxy warm after %d rounds (%.0f req/s at c=16)", rounds, last));
    LoadClient.run(plan(proxy, 1, 0, seconds(2, 1), false, "slow20", 0));
    LoadClient.run(plan(proxy, 128, 0, seconds(3, 1.5), true, "stream", seconds(0.2, 0.2)));
    LoadClient.run(hybridPlan(proxy, 8, seconds(3, 1)));
    for (Gateway gateway : gateways.subList(2, gateways.size())) {
      LoadClient.run(plan(gateway, 16, 0, seconds(3, 1), false, "fast", 0));
      LoadClient.run(plan(gateway, 64, 0, seconds(1.5, 1.5), true, "stream", 0));
    }
  }

  private LoadClient.Plan plan(Gateway gateway, int c, long warm, long measure, boolean streaming, String model, long stagger) {
    String upstreamModel = gateway.model.apply(model);
    return new LoadClient.Plan(
        gateway.http,
        c,
        warm,
        measure,
        streaming,
        streaming ? 1 + MockUpstream.STREAM_DELTAS : 0,
        stagger,
        id -> body(upstreamModel, streaming, ids.incrementAndGet()));
  }

  private LoadClient.Plan hybridPlan(Gateway proxy, int c, long measure) {
    return new LoadClient.Plan(
        proxy.http,
        c,
        0,
        measure,
        true,
        0,
        0,
        id -> body("hybrid:[mock:reasoner,mock:executor]", true, ids.incrementAndGet()));
  }

  static byte[] body(String model, boolean stream, long id) {
    return ("{\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to the benchmark."
            + " bench-id-"
            + id
            + "\"}],\"max_tokens\":64,\"stream\":"
            + stream
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Groups 1 and 2: buffered answers at each concurrency, mock at 0 ms and 20 ms. */
  private void buffered(List<Gateway> gateways) throws IOException {
    List<Object> rows = new ArrayList<>();
    for (String mode : List.of("fast", "slow20")) {
      for (int c : CONCURRENCY) {
        Map<String, LoadClient.Result> byTarget = new LinkedHashMap<>();
        for (Gateway gateway : gateways) {
          sampler.phase("buffered");
          long measure = seconds(c == 1 ? 4 : 3, 1);
          long cpuBefore = gateway.cpuNanos();
          LoadClient.Result r = LoadClient.run(plan(gateway, c, seconds(0.5, 0.3), measure, false, mode, 0));
          r.cpuNanos = gateway.cpuNanos() - cpuBefore;
          byTarget.put(gateway.name, r);
          log(String.format(
              "buffered %-6s c=%-3d %-7s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d%s",
              mode, c, gateway.name, r.rate(), r.latencies.ms(50), r.latencies.ms(99), r.errors,
              r.firstError == null ? "" : " (" + r.firstError + ")"));
        }
        LoadClient.Result direct = byTarget.get("direct");
        byTarget.forEach(
            (name, r) ->
                rows.add(
                    Json.map(
                        "mock_delay_ms", mode.equals("fast") ? 0 : 20,
                        "concurrency", c,
                        "target", name,
                        "requests", r.completed,
                        "errors", r.errors,
                        "first_error", r.firstError,
                        "rate", r.rate(),
                        "p50_ms", r.latencies.ms(50),
                        "p90_ms", r.latencies.ms(90),
                        "p99_ms", r.latencies.ms(99),
                        "max_ms", r.latencies.ms(100),
                        "added_p50_ms", r.latencies.ms(50) - direct.latencies.ms(50),
                        "added_p99_ms", r.latencies.ms(99) - direct.latencies.ms(99),
                        "rate_vs_direct", r.rate() / direct.rate(),
                        "cpu_us_per_request", r.cpuPerRequestMicros())));
      }
    }
    results.put("buffered", rows);
    results.put("throughput", Report.throughput(results));
  }

  /**
   * What the one log line per request costs: buffered c=16 against the 0 ms mock with the line
   * written (the default) and with {@code dev.hybridproxy.requests} turned down to warnings by a
   * configuration drop-in, alternated twice.
   */
  private void loggingCost(Gateway proxy, Gateways.Liberty liberty) throws IOException {
    sampler.phase("logging");
    List<Object> rows = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (boolean quiet : new boolean[] {false, true}) {
        liberty.quietRequestLog(quiet);
        long cpuBefore = proxy.cpuNanos();
        LoadClient.Result r = LoadClient.run(plan(proxy, 16, seconds(0.5, 0.3), seconds(3, 1), false, "fast", 0));
        r.cpuNanos = proxy.cpuNanos() - cpuBefore;
        rows.add(
            Json.map(
                "request_log", quiet ? "off" : "on (default)",
                "rate", r.rate(),
                "p50_ms", r.latencies.ms(50),
                "p99_ms", r.latencies.ms(99),
                "cpu_us_per_request", r.cpuPerRequestMicros(),
                "errors", r.errors));
        log(String.format("request log %-4s c=16  %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  proxy CPU %5.0f us/request",
            quiet ? "off" : "on", r.rate(), r.latencies.ms(50), r.latencies.ms(99), r.cpuPerRequestMicros()));
      }
    }
    liberty.quietRequestLog(false);
    results.put("logging", rows);
  }

  /** Group 3: concurrent paced streams. */
  private void streams(List<Gateway> gateways, Map<String, Object> memory) throws IOException {
    List<Object> rows = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int n : STREAMS) {
      Map<String, LoadClient.Result> byTarget = new LinkedHashMap<>();
      for (Gateway gateway : gateways) {
        if (failed.contains(gateway.name)) {
          continue; // every stream failed at a lower level already
        }
        sampler.phase("streams-" + n + "-" + gateway.name);
        long cpuBefore = gateway.cpuNanos();
        LoadClient.Result r =
            LoadClient.run(plan(gateway, n, 0, seconds(2.5, 1.2), true, "stream", TimeUnit.MILLISECONDS.toNanos(200)));
        r.cpuNanos = gateway.cpuNanos() - cpuBefore;
        byTarget.put(gateway.name, r);
        if (r.completed > 0 && r.errors >= r.completed) {
          failed.add(gateway.name);
        }
        log(String.format(
            "streams %-4d %-7s streams %5d  stalled %4d  TTFT p99 %7.2f ms  gap p99 %6.2f ms  max gap %6.1f ms  errors %d%s",
            n, gateway.name, r.completed, r.stalled, r.ttft.ms(99), r.gaps.ms(99), r.maxGapPerStream.ms(100), r.errors,
            r.firstError == null ? "" : " (" + r.firstError + ")"));
        if (gateway.name.equals("proxy") && n == STREAMS[STREAMS.length - 1]) {
          memory.put("at_" + n + "_streams", sampler.peakOfPhase("proxy", "streams-" + n + "-proxy"));
        }
      }
      LoadClient.Result direct = byTarget.get("direct");
      byTarget.forEach(
          (name, r) ->
              rows.add(
                  Json.map(
                      "streams", n,
                      "target", name,
                      "completed", r.completed,
                      "stalled", r.stalled,
                      "stall_rate", r.completed == 0 ? 1.0 : (double) r.stalled / r.completed,
                      "errors", r.errors,
                      "first_error", r.firstError,
                      "ttft_p50_ms", r.ttft.ms(50),
                      "ttft_p99_ms", r.ttft.ms(99),
                      "gap_p50_ms", r.gaps.ms(50),
                      "gap_p99_ms", r.gaps.ms(99),
                      "max_gap_ms", r.maxGapPerStream.ms(100),
                      "added_ttft_p99_ms", r.ttft.ms(99) - direct.ttft.ms(99),
                      "added_gap_p99_ms", r.gaps.ms(99) - direct.gaps.ms(99),
                      "stall_free", r.completed > 0 && r.stalled == 0 && r.errors == 0,
                      "cpu_us_per_chunk",
                          r.completed > r.errors
                              ? r.cpuNanos / 1e3 / (r.completed * (1 + MockUpstream.STREAM_DELTAS))
                              : Double.NaN)));
    }
    results.put("streams", rows);
  }

  /** Group 4: the hybrid switch, through the proxy and done by the client itself. */
  private void hybrid(List<Gateway> gateways, MockUpstream mock) throws Exception {
    List<Object> rows = new ArrayList<>();
    Gateway proxy = gateways.get(1);
    for (int c : HYBRID_CONCURRENCY) {
      sampler.phase("hybrid");
      long from = ids.get() + 1;
      LoadClient.Result r = LoadClient.run(hybridPlan(proxy, c, seconds(c == 1 ? 4 : 3, 1.5)));
      long to = ids.get();
      rows.add(hybridRow("proxy", c, mock, from, to, r.completed, r.errors, r.firstError, r.latencies));
      from = ids.get() + 1;
      DirectHybrid.Result d = DirectHybrid.run(mock.port(), c, seconds(c == 1 ? 4 : 3, 1.5), ids);
      to = ids.get();
      rows.add(hybridRow("direct", c, mock, from, to, d.completed, d.errors, d.firstError, d.latencies));
    }
    results.put("hybrid", rows);
  }

  private Map<String, Object> hybridRow(
      String target, int c, MockUpstream mock, long from, long to, long completed, long errors, String firstError, LongList latencies) {
    LongList close = new LongList();
    LongList execution = new LongList();
    LongList after = new LongList();
    int unclosed = 0;
    for (long id = from; id <= to; id++) {
      MockUpstream.HybridRecord record = mock.hybrid.remove(id);
      if (record == null || record.markerWritten == 0) {
        continue;
      }
      if (record.disconnectSeen != 0) {
        close.add(record.disconnectSeen - record.markerWritten);
      } else {
        unclosed++;
      }
      if (record.executionArrived != 0) {
        execution.add(record.executionArrived - record.markerWritten);
      }
      after.add(record.eventsAfterMarker);
    }
    Map<String, Object> row =
        Json.map(
            "target", target,
            "concurrency", c,
            "requests", completed,
            "errors", errors,
            "first_error", firstError,
            "legs_seen_by_mock", after.size(),
            "reasoning_streams_not_closed", unclosed,
            "close_after_marker_p50_ms", close.ms(50),
            "close_after_marker_p99_ms", close.ms(99),
            "close_after_marker_max_ms", close.ms(100),
            "events_after_marker_p99", after.percentile(99),
            "events_after_marker_max", after.percentile(100),
            "execution_after_marker_p50_ms", execution.ms(50),
            "execution_after_marker_p99_ms", execution.ms(99),
            "execution_after_marker_max_ms", execution.ms(100),
            "request_p50_ms", latencies.ms(50),
            "request_p99_ms", latencies.ms(99));
    log(String.format(
        "hybrid c=%-3d %-7s legs %4d  close after marker p50 %6.2f p99 %6.2f ms  events after max %.0f  execution after marker p50 %6.2f p99 %6.2f ms  errors %d%s",
        c, target, after.size(), close.ms(50), close.ms(99), after.percentile(100), execution.ms(50), execution.ms(99), errors,
        firstError == null ? "" : " (" + firstError + ")"));
    return row;
  }

  static void log(String line) {
    System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + line);
  }

  /**
   * The client doing the hybrid switch itself, as fast as a client can: streams the reasoner
   * directly, hangs up on the end marker, sends the execution request on a warm connection.
   */
  static final class DirectHybrid {
    static final class Result {
      final LongList latencies = new LongList();
      long completed;
      long errors;
      String firstError;
    }

    static Result run(int port, int concurrency, long durationNanos, AtomicLong ids) throws InterruptedException {
      Result result = new Result();
      long end = System.nanoTime() + durationNanos;
      List<Thread> threads = new ArrayList<>();
      Map<Thread, LongList> latencies = new ConcurrentHashMap<>();
      AtomicLong errors = new AtomicLong();
      AtomicLong completed = new AtomicLong();
      String[] firstError = new String[1];
      for (int i = 0; i < concurrency; i++) {
        Thread thread =
            new Thread(
                () -> {
                  LongList mine = new LongList();
                  latencies.put(Thread.currentThread(), mine);
                  try (Socket execution = socket(port)) {
                    while (System.nanoTime() < end) {
                      long id = ids.incrementAndGet();
                      long start = System.nanoTime();
                      try (Socket reasoning = socket(port)) {
                        send(reasoning, port, body("reasoner", true, id));
                        readUntil(reasoning.getInputStream(), "</think>".getBytes(StandardCharsets.US_ASCII));
                      }
                      send(execution, port, body("executor", true, id));
                      readUntil(execution.getInputStream(), "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                      mine.add(System.nanoTime() - start);
                      completed.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                      if (firstError[0] == null) {
                        firstError[0] = e.toString();
                      }
                    }
                  }
                },
                "direct-hybrid-" + i);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      latencies.values().forEach(result.latencies::addAll);
      result.completed = completed.get();
      result.errors = errors.get();
      result.firstError = firstError[0];
      return result;
    }

    private static Socket socket(int port) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      return socket;
    }

    private static void send(Socket socket, int port, byte[] body) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(new LoadClient.Target("direct", port, "/v1/chat/completions", Map.of()).request(body));
      out.flush();
    }

    /** Reads until {@code marker} went by (it may straddle two reads). */
    private static void readUntil(InputStream in, byte[] marker) throws IOException {
      byte[] buffer = new byte[16 * 1024];
      byte[] window = new byte[marker.length];
      int filled = 0;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          throw new IOException("stream ended before " + new String(marker, StandardCharsets.US_ASCII).trim());
        }
        for (int i = 0; i < n; i++) {
          if (filled < window.length) {
            window[filled++] = buffer[i];
          } else {
            System.arraycopy(window, 1, window, 0, window.length - 1);
            window[window.length - 1] = buffer[i];
          }
          if (filled == window.length && java.util.Arrays.equals(window, marker)) {
            return;
          }
        }
      }
    }
  }

  /** Samples RSS and threads of the watched processes every 100 ms, with peaks per phase. */
  static final class Sampler extends Thread implements AutoCloseable {
    private final Map<String, Long> pids = new ConcurrentHashMap<>();
    private final Map<String, Gateways.ProcStatus> peaks = new ConcurrentHashMap<>();
    private volatile String phase = "start";
    private volatile boolean running = true;

    Sampler() {
      super("sampler");
      setDaemon(true);
    }

    void watch(String name, long pid) {
      pids.put(name, pid);
    }

    void phase(String name) {
      phase = name;
    }

    @Override
    public void run() {
      while (running) {
        pids.forEach(
            (name, pid) ->
                Gateways.ProcStatus.of(pid)
                    .ifPresent(
                        status -> {
                          peaks.merge(name + "|" + phase, status, Sampler::max);
                          if (!phase.equals("idle") && !phase.equals("after")) {
                            peaks.merge(name + "|load", status, Sampler::max);
                          }
                        }));
        Gateways.sleep(100);
      }
    }

    private static Gateways.ProcStatus max(Gateways.ProcStatus a, Gateways.ProcStatus b) {
      return new Gateways.ProcStatus(Math.max(a.rssKb(), b.rssKb()), Math.max(a.threads(), b.threads()));
    }

    Map<String, Object> now(String name) {
      return describe(Gateways.ProcStatus.of(pids.getOrDefault(name, -1L)).orElse(null));
    }

    Map<String, Object> peak(String name) {
      return describe(peaks.get(name + "|load"));
    }

    Map<String, Object> peakOfPhase(String name, String phase) {
      return describe(peaks.get(name + "|" + phase));
    }

    private static Map<String, Object> describe(Gateways.ProcStatus status) {
      return status == null ? Json.map() : Json.map("rss_mb", status.rssMb(), "threads", status.threads());
    }

    @Override
    public void close() {
      running = false;
    }
  }
}
