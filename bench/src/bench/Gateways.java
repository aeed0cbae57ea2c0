package bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The processes under test: the packaged proxy on Liberty, and nginx and Portkey when installed. */
final class Gateways {
  private Gateways() {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code url} until it answers {@code 200}; false when {@code seconds} passed. */
  static boolean awaitReady(String url, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection http = (HttpURLConnection) URI.create(url).toURL().openConnection();
        http.setConnectTimeout(500);
        http.setReadTimeout(2000);
        int status = http.getResponseCode();
        http.disconnect();
        if (status == 200) {
          return true;
        }
      } catch (IOException e) {
        // not yet
      }
      sleep(200);
    }
    return false;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code VmRSS} (kB) and {@code Threads} of a process, from {@code /proc/<pid>/status}. */
  record ProcStatus(long rssKb, int threads) {
    static Optional<ProcStatus> of(long pid) {
      if (pid <= 0) {
        return Optional.empty();
      }
      try {
        long rss = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
          } else if (line.startsWith("Threads:")) {
            threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
          }
        }
        return Optional.of(new ProcStatus(rss, threads));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    double rssMb() {
      return rssKb / 1024.0;
    }
  }

  /**
   * The packaged proxy: a Liberty server named {@code bench} made of the production configuration
   * ({@code server-config/}, as an operator deploys it) and the WAR in {@code apps/}, configured
   * through {@code server.env} alone. The runtime is the one the build installed.
   */
  static final class Liberty implements AutoCloseable {
    final Path wlp;
    final Path serverDir;
    final int port;
    final Path log;
    long pid;

    Liberty(
        Path project, Optional<Path> otherWar, int port, Map<String, String> env, List<String> jvmOptions)
        throws IOException {
      this.wlp = project.resolve("target/liberty/wlp");
      this.serverDir = wlp.resolve("usr/servers/bench");
      this.port = port;
      this.log = serverDir.resolve("logs/messages.log");
      Path config = project.resolve("server-config");
      Path war = otherWar.orElse(project.resolve("target/hybrid-llm-proxy.war"));
      if (!Files.isDirectory(wlp.resolve("bin")) || !Files.isRegularFile(war)) {
        throw new IllegalStateException(
            "no packaged proxy: run `mvn -DskipTests package liberty:create` first (bench/run.sh"
                + " does)");
      }
      deleteTree(serverDir);
      copyTree(config, serverDir);
      Files.createDirectories(serverDir.resolve("apps"));
      Files.copy(war, serverDir.resolve("apps/hybrid-llm-proxy.war"));
      StringBuilder serverEnv = new StringBuilder();
      env.forEach((k, v) -> serverEnv.append(k).append('=').append(v).append('\n'));
      Files.writeString(serverDir.resolve("server.env"), serverEnv);
      if (!jvmOptions.isEmpty()) {
        Path options = serverDir.resolve("jvm.options");
        String existing = Files.exists(options) ? Files.readString(options) : "";
        Files.writeString(options, existing + String.join("\n", jvmOptions) + "\n");
      }
    }

    /**
     * Turns the request log line off (or back on) with a configuration drop-in (named to sort
     * after the local overlay, so that it wins), and waits until the server says it applied it.
     */
    void quietRequestLog(boolean quiet) throws IOException {
      Path dropIn = serverDir.resolve("configDropins/overrides/zz-bench-request-log.xml");
      if (quiet == Files.exists(dropIn)) {
        return;
      }
      long before = Files.exists(log) ? Files.size(log) : 0;
      if (quiet) {
        Files.createDirectories(dropIn.getParent());
        Files.writeString(
            dropIn,
            "<server><logging traceSpecification=\"*=info:dev.hybridproxy.*=info:"
                + "dev.hybridproxy.requests=warning\"/></server>\n");
      } else {
        Files.delete(dropIn);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        sleep(200);
        if (Files.size(log) > before) {
          try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            file.seek(before);
            byte[] added = new byte[(int) Math.min(1 << 20, file.length() - before)];
            file.readFully(added);
            String text = new String(added, java.nio.charset.StandardCharsets.UTF_8);
            if (text.contains("CWWKG0017I") || text.contains("CWWKG0018I")) {
              return;
            }
          }
        }
      }
      System.err.println("the server did not confirm the logging change");
    }

    void start() throws IOException, InterruptedException {
      Process start =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), "start", "bench")
              .redirectErrorStream(true)
              .redirectOutput(serverDir.resolve("start.out").toFile())
              .start();
      if (!start.waitFor(120, TimeUnit.SECONDS) || start.exitValue() != 0) {
        throw new IllegalStateException(
            "Liberty did not start: " + Files.readString(serverDir.resolve("start.out")));
      }
      pid = Long.parseLong(Files.readString(wlp.resolve("usr/servers/.pid/bench.pid")).trim());
      if (!awaitReady("http://127.0.0.1:" + port + "/health/ready", 120)) {
        throw new IllegalStateException("the proxy never became ready; see " + log);
      }
    }

    @Override
    public void close() throws IOException {
      Process stop =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), "stop", "bench")
              .redirectErrorStream(true)
              .redirectOutput(serverDir.resolve("stop.out").toFile())
              .start();
      try {
        stop.waitFor(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** nginx as a plain reverse proxy (the floor of one proxy hop), when it is on the PATH. */
  static final class Nginx implements AutoCloseable {
    final int port;
    final Process process;

    static Optional<Nginx> startIfInstalled(Path work, int upstreamPort) throws IOException {
      Optional<Path> binary = onPath("nginx", "/usr/sbin/nginx");
      if (binary.isEmpty()) {
        return Optional.empty();
      }
      Nginx nginx = new Nginx(binary.get(), work.resolve("nginx"), upstreamPort);
      if (!awaitPort(nginx.port, 10)) {
        nginx.close();
        System.err.println("nginx did not start; see " + work.resolve("nginx/error.log"));
        return Optional.empty();
      }
      return Optional.of(nginx);
    }

    private Nginx(Path binary, Path dir, int upstreamPort) throws IOException {
      deleteTree(dir);
      Files.createDirectories(dir);
      port = freePort();
      String root = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
      String conf =
          root
              + "worker_processes auto;\n"
              + "pid "
              + dir.resolve("nginx.pid")
              + ";\n"
              + "error_log "
              + dir.resolve("error.log")
              + " warn;\n"
              + "events { worker_connections 4096; }\n"
              + "http {\n"
              + "  access_log off;\n"
              + "  client_body_temp_path "
              + dir.resolve("body")
              + ";\n"
              + "  proxy_temp_path "
              + dir.resolve("proxy")
              + ";\n"
              + "  fastcgi_temp_path "
              + dir.resolve("fastcgi")
              + ";\n"
              + "  uwsgi_temp_path "
              + dir.resolve("uwsgi")
              + ";\n"
              + "  scgi_temp_path "
              + dir.resolve("scgi")
              + ";\n"
              + "  upstream mock { server 127.0.0.1:"
              + upstreamPort
              + "; keepalive 1024; }\n"
              + "  server {\n"
              + "    listen 127.0.0.1:"
              + port
              + " backlog=4096;\n"
              + "    keepalive_requests 1000000;\n"
              + "    location / {\n"
              + "      proxy_pass http://mock;\n"
              + "      proxy_http_version 1.1;\n"
              + "      proxy_set_header Connection \"\";\n"
              + "      proxy_buffering off;\n"
              + "      proxy_read_timeout 60s;\n"
              + "    }\n"
              + "  }\n"
              + "}\n";
      Path confFile = dir.resolve("nginx.conf");
      Files.writeString(confFile, conf);
      process =
          new ProcessBuilder(
                  binary.toString(),
                  "-p",
                  dir.toString(),
                  "-c",
                  confFile.toString(),
                  "-g",
                  "daemon off;")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nginx.out").toFile())
              .start();
    }

    /** The master and its workers. */
    List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      pids.add(process.pid());
      process.descendants().forEach(p -> pids.add(p.pid()));
      return pids;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The Portkey gateway ({@code @portkey-ai/gateway}), when installed with npm into {@code
   * $PORTKEY_GATEWAY_DIR} (default {@code ~/.cache/hybrid-proxy-bench/portkey}; {@code
   * bench/install-optional.sh} puts it there).
   */
  static final class Portkey implements AutoCloseable {
    final int port;
    final Process process;
    final String version;

    static Optional<Portkey> startIfInstalled(Path work) throws IOException {
      String dir =
          Optional.ofNullable(System.getenv("PORTKEY_GATEWAY_DIR"))
              .orElse(System.getProperty("user.home") + "/.cache/hybrid-proxy-bench/portkey");
      Path pkg = Path.of(dir, "node_modules/@portkey-ai/gateway");
      Path script = pkg.resolve("build/start-server.js");
      Optional<Path> node = onPath("node", "/usr/bin/node");
      if (!Files.isRegularFile(script) || node.isEmpty()) {
        return Optional.empty();
      }
      String json = Files.readString(pkg.resolve("package.json"));
      String version = MockUpstream.stringField(json, "version");
      Portkey portkey = new Portkey(node.get(), script, work.resolve("portkey"), version);
      if (!awaitPort(portkey.port, 30)) {
        portkey.close();
        System.err.println("Portkey did not start; see " + work.resolve("portkey/portkey.out"));
        return Optional.empty();
      }
      return Optional.of(portkey);
    }

    private Portkey(Path node, Path script, Path dir, String version) throws IOException {
      this.version = version;
      deleteTree(dir);
      Files.createDirectories(dir);
      port = freePort();
      ProcessBuilder builder =
          new ProcessBuilder(node.toString(), script.toString(), "--port=" + port, "--headless")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("portkey.out").toFile());
      builder.environment().put("NODE_ENV", "production");
      process = builder.start();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static boolean awaitPort(int port, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return socket.isConnected();
      } catch (IOException e) {
        sleep(100);
      }
    }
    return false;
  }

  static Optional<Path> onPath(String name, String... fallbacks) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    for (String fallback : fallbacks) {
      if (Files.isExecutable(Path.of(fallback))) {
        return Optional.of(Path.of(fallback));
      }
    }
    return Optional.empty();
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(path);
      }
    }
  }
}
