package it.dev.hybridproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak run (issue 7, {@code bench/soak.sh}; not part of CI): mixed plain and hybrid, streamed
 * and buffered traffic at a fixed concurrency against a packaged proxy on this machine, with 10 %
 * of the requests given an upstream fault and 10 % abandoned by their client. Every other request
 * must succeed; an injected fault may end in any documented way (docs/reliability.md), but never as
 * an internal error or a hang. Samples the server's RSS, threads and heap and the upstream's open
 * connections each minute, and writes a report. JDK only: runs from {@code target/test-classes}
 * without a class path of dependencies. Loopback addresses only.
 *
 * <p>Arguments (as {@code key=value}): {@code minutes}, {@code concurrency}, {@code proxy} (base
 * URL), {@code upstreamPort}, {@code clientKey}, {@code pid} (of the server, for RSS), {@code
 * report} (file), {@code seed}.
 */
public final class SoakRun {
  private static final Pattern ERROR_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
  private static final List<UpstreamFault> FAULTS =
      List.of(
          UpstreamFault.HTTP_500,
          UpstreamFault.HTML_503,
          UpstreamFault.RATE_LIMITED_429,
          UpstreamFault.RESET,
          UpstreamFault.MALFORMED,
          UpstreamFault.NO_DONE,
          UpstreamFault.STALL);

  private final Map<String, String> options;
  private final URI proxy;
  private final String clientKey;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> samples = new CopyOnWriteArrayList<>();
  private final List<String> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private FaultUpstream upstream;

  private SoakRun(Map<String, String> options) {
    this.options = options;
    String base = options.getOrDefault("proxy", "http://127.0.0.1:18400/");
    this.proxy = URI.create(base.endsWith("/") ? base : base + "/");
    this.clientKey = options.getOrDefault("clientKey", "sk-soak-client-0000000000000001");
    String host = proxy.getHost();
    if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
      throw new IllegalArgumentException("the soak run only talks to loopback addresses: " + host);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq > 0) {
        options.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
    }
    System.exit(new SoakRun(options).run());
  }

  private int run() throws Exception {
    double minutes = Double.parseDouble(options.getOrDefault("minutes", "10"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
    long seed = Long.parseLong(options.getOrDefault("seed", "7"));
    upstream = FaultUpstream.start(Integer.parseInt(options.getOrDefault("upstreamPort", "18401")));
    upstream.recording(false);
    upstream.fallback(SoakRun::scriptFor);
    Instant started = Instant.now();
    long end = System.nanoTime() + (long) (minutes * 60e9);
    sample("start");
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    for (int i = 0; i < concurrency; i++) {
      Random random = new Random(seed * 1000 + i);
      clients.execute(
          () -> {
            while (System.nanoTime() < end) {
              oneRequest(random);
            }
          });
    }
    long nextSample = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    int minute = 1;
    while (System.nanoTime() < end) {
      Thread.sleep(
          Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      if (System.nanoTime() >= nextSample) {
        sample("minute " + minute++);
        nextSample += TimeUnit.MINUTES.toNanos(1);
      }
    }
    clients.shutdown();
    boolean drained = clients.awaitTermination(60, TimeUnit.SECONDS);
    boolean closed = upstream.awaitNoOpenConnections(Duration.ofSeconds(15));
    sample("end");
    String report = report(started, minutes, concurrency, drained, closed);
    System.out.println(report);
    String file = options.get("report");
    if (file != null) {
      Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
      Files.writeString(Path.of(file), report);
    }
    upstream.close();
    boolean ok = drained && closed && unexpected.isEmpty() && upstream.abandonedConnections() == 0;
    return ok ? 0 : 1;
  }

  // --- one request -------------------------------------------------------------------------------

  private void oneRequest(Random random) {
    boolean hybrid = random.nextBoolean();
    boolean stream = random.nextBoolean();
    double draw = random.nextDouble();
    UpstreamFault fault = draw < 0.10 ? FAULTS.get(random.nextInt(FAULTS.size())) : null;
    boolean abort = draw >= 0.10 && draw < 0.20;
    String faultLeg = random.nextBoolean() ? "r" : "x";
    String tag = (fault == null ? "ok" : fault.name().toLowerCase()) + "-" + random.nextInt(1000);
    String model;
    if (!hybrid) {
      model = "soak:" + (fault == null ? "ok-" : "f-") + tag;
    } else {
      String reasoner = fault != null && faultLeg.equals("r") ? "f-r-" + tag : "r-" + tag;
      String executor = fault != null && faultLeg.equals("x") ? "f-" + tag : "ok-" + tag;
      model = "hybrid:[soak:" + reasoner + ",soak:" + executor + "]";
    }
    String kind =
        (hybrid ? "hybrid" : "plain")
            + (stream ? " streamed" : " buffered")
            + (fault != null ? " fault=" + fault.name() : abort ? " client-abort" : "");
    String body =
        "{\"model\":\""
            + model
            + "\",\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Soak request "
            + requests.incrementAndGet()
            + "\"}]}";
    long start = System.nanoTime();
    try {
      if (abort) {
        abandon(body, stream, random);
        count("client abort (injected)");
        return;
      }
      String outcome = stream ? streamed(body) : buffered(body);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (fault == null) {
        if (outcome.equals("ok")) {
          latencies.add(millis);
          count("ok");
        } else {
          unexpected(kind + " -> " + outcome);
        }
      } else if (outcome.contains("internal_error") || outcome.contains("server_error")) {
        unexpected(kind + " -> " + outcome);
      } else {
        count("injected upstream fault: " + outcome);
      }
      if (millis > 30_000) {
        unexpected(kind + " took " + millis + " ms");
      }
    } catch (IOException | RuntimeException e) {
      unexpected(kind + " -> " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String buffered(String body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request(body).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200 && response.body().contains("\"choices\"")) {
      return "ok";
    }
    return response.statusCode() + " " + errorType(response.body());
  }

  private String streamed(String body) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(request(body).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        StringBuilder text = new StringBuilder();
        reader.lines().forEach(text::append);
        return response.statusCode() + " " + errorType(text.toString());
      }
      String last = null;
      int done = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) {
          last = line.substring(6);
          if (last.equals("[DONE]")) {
            done++;
          }
        }
      }
      if (last == null) {
        return "200 stream without data";
      }
      if (last.equals("[DONE]")) {
        return done == 1 ? "ok" : "200 stream with " + done + " [DONE]";
      }
      return "200 stream, error event " + errorType(last);
    }
  }

  private HttpRequest.Builder request(String body) {
    return HttpRequest.newBuilder(proxy.resolve("v1/chat/completions"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + clientKey)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** A client that sends its request and hangs up before, or while, the answer comes. */
  private void abandon(String body, boolean stream, Random random)
      throws IOException, InterruptedException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + proxy.getPath()
                  + "v1/chat/completions HTTP/1.1\r\nHost: "
                  + proxy.getAuthority()
                  + "\r\nAuthorization: Bearer "
                  + clientKey
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      if (stream && random.nextBoolean()) {
        socket.setSoTimeout(5000);
        socket.getInputStream().readNBytes(200 + random.nextInt(600));
      } else {
        Thread.sleep(random.nextInt(400));
      }
    }
  }

  private static String errorType(String text) {
    Matcher matcher = ERROR_TYPE.matcher(text);
    return matcher.find() ? matcher.group(1) : "(no error envelope: " + abbreviate(text) + ")";
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
  }

  private void unexpected(String what) {
    count("UNEXPECTED");
    if (unexpected.size() < 50) {
      unexpected.add(what);
    }
  }

  // --- the upstream ------------------------------------------------------------------------------

  /** Behaviour by model name: {@code ok-*} answers, {@code r-*} reasons, {@code f-*} fails. */
  private static FaultUpstream.Script scriptFor(String model) {
    if (model.startsWith("f-")) {
      UpstreamFault fault = faultOf(model);
      UpstreamFault.Channel channel =
          model.startsWith("f-r-")
              ? UpstreamFault.Channel.REASONING
              : UpstreamFault.Channel.CONTENT;
      return ex -> fault.play(ex, channel);
    }
    if (model.startsWith("r-")) {
      return ex -> UpstreamFault.reason(ex, "Plan the answer. ", "Check the plan. ", "Done. ");
    }
    return ex -> {
      if (ex.streaming) {
        for (int i = 0; i < 8; i++) {
          if (!ex.event(UpstreamFault.delta(ex.model, "content", "word" + i + " "))) {
            return;
          }
          FaultUpstream.pause(Duration.ofMillis(15));
        }
        ex.event(UpstreamFault.finish(ex.model));
        ex.event("[DONE]");
        ex.endStream();
      } else {
        FaultUpstream.pause(Duration.ofMillis(80));
        ex.json(200, UpstreamFault.completion(ex.model, "A buffered answer."));
      }
    };
  }

  private static UpstreamFault faultOf(String model) {
    for (UpstreamFault fault : FAULTS) {
      if (model.contains(fault.name().toLowerCase() + "-")) {
        return fault;
      }
    }
    throw new IllegalArgumentException("no fault in " + model);
  }

  // --- samples and report ------------------------------------------------------------------------

  private void sample(String when) {
    String pid = options.get("pid");
    String rss = pid == null ? "-" : rssOf(pid);
    String threads = "-";
    String heap = "-";
    try {
      ServerMetrics metrics = new ServerMetrics(proxy.resolve("/metrics"));
      threads = String.format("%.0f", metrics.threads());
      heap = String.format("%.0f MB", metrics.usedHeap() / 1e6);
    } catch (IOException | RuntimeException e) {
      threads = "unreadable";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String line =
        String.format(
            "%-10s requests %7d | server RSS %9s | threads %5s | heap used %8s | upstream"
                + " connections open %3d",
            when, requests.get(), rss, threads, heap, upstream.openConnections());
    samples.add(line);
    System.out.println("SOAK " + line);
  }

  private static String rssOf(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return (kb / 1024) + " MB";
        }
      }
    } catch (IOException | RuntimeException e) {
      // the server is gone
    }
    return "?";
  }

  private String report(
      Instant started, double minutes, int concurrency, boolean drained, boolean closed) {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    StringBuilder out = new StringBuilder();
    out.append("hybrid-llm-proxy soak run, started ").append(started).append('\n');
    out.append(
        String.format(
            "duration %.1f min, concurrency %d, 10%% injected upstream faults, 10%% client"
                + " aborts%n",
            minutes, concurrency));
    out.append("requests sent: ").append(requests.get()).append('\n');
    out.append("outcomes:\n");
    new TreeMap<>(outcomes).forEach((k, v) -> out.append(String.format("  %7d  %s%n", v.get(), k)));
    if (!sorted.isEmpty()) {
      out.append(
          String.format(
              "latency of successful requests: p50 %d ms, p99 %d ms, max %d ms (n=%d)%n",
              percentile(sorted, 0.50),
              percentile(sorted, 0.99),
              sorted.get(sorted.size() - 1),
              sorted.size()));
    }
    out.append("samples:\n");
    samples.forEach(s -> out.append("  ").append(s).append('\n'));
    out.append("clients drained: ").append(drained).append('\n');
    out.append("upstream connections all closed at the end: ").append(closed).append('\n');
    out.append("upstream calls the proxy never closed: ")
        .append(upstream.abandonedConnections())
        .append('\n');
    out.append("unexpected outcomes: ").append(unexpected.isEmpty() ? "none" : "").append('\n');
    unexpected.forEach(u -> out.append("  ").append(u).append('\n'));
    return out.toString();
  }

  private static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
