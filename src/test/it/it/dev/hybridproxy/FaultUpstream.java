package it.dev.hybridproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream on a raw {@link ServerSocket}, scripted per model. Unlike {@link
 * StubUpstream} it can hold its response headers back, reset a connection mid-stream ({@code
 * SO_LINGER 0}), cut a body short, and tell exactly when the proxy hangs up. Every answer says
 * {@code Connection: close}, so a connection still open after its script ended is one the proxy
 * never closed: {@link #openConnections()} counts them. JDK only, so the soak driver can use it
 * too.
 */
public final class FaultUpstream implements AutoCloseable {
  private static FaultUpstream instance;
  private static final Pattern MODEL =
      Pattern.compile("\"model\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final ServerSocket server;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "fault-upstream");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private volatile Function<String, Script> fallback = model -> null;
  private volatile boolean recording = true;

  /** What the upstream does for one model. */
  @FunctionalInterface
  public interface Script {
    void answer(Exchange exchange) throws IOException, InterruptedException;
  }

  private FaultUpstream(int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    Thread acceptor = new Thread(this::acceptLoop, "fault-upstream-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The one instance of this test JVM, on the port backend {@code faulty} points at. */
  public static synchronized FaultUpstream get() {
    if (instance == null) {
      try {
        instance = new FaultUpstream(Integer.getInteger("it.fault.port"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the fault upstream", e);
      }
    }
    return instance;
  }

  /** A new upstream on a port of its own (0: any free port), for tools such as the soak run. */
  public static FaultUpstream start(int port) throws IOException {
    return new FaultUpstream(port);
  }

  public int port() {
    return server.getLocalPort();
  }

  public void script(String model, Script script) {
    scripts.put(model, script);
  }

  /** Scripts for models no {@link #script} names (the soak run picks its behaviour by model). */
  public void fallback(Function<String, Script> scriptFor) {
    this.fallback = scriptFor;
  }

  /** Whether requests are kept for {@link #requests(String)}; a long soak turns it off. */
  public void recording(boolean on) {
    this.recording = on;
  }

  /** Every request for a model, oldest first. */
  public List<Exchange> requests(String model) {
    return exchanges.stream().filter(e -> model.equals(e.model)).toList();
  }

  /** Every request received so far. */
  public List<Exchange> requests() {
    return List.copyOf(exchanges);
  }

  /** Connections accepted and not yet closed. */
  public int openConnections() {
    return open.get();
  }

  /** Scripts that waited for the proxy to hang up and gave up: each is a leaked upstream call. */
  public int abandonedConnections() {
    return abandoned.get();
  }

  /** Requests answered (any way) since start. */
  public long served() {
    return served.get();
  }

  /** Waits until no connection is open; {@code true} when that happened in time. */
  public boolean awaitNoOpenConnections(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (open.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return open.get() == 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.incrementAndGet();
        pool.execute(() -> serve(socket));
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      Exchange exchange = Exchange.read(socket);
      if (exchange == null) {
        return;
      }
      served.incrementAndGet();
      if (exchange.path.endsWith("/models")) {
        exchange.json(200, "{\"object\":\"list\",\"data\":[]}");
        return;
      }
      if (recording) {
        exchanges.add(exchange);
      }
      Script script = exchange.model == null ? null : scripts.get(exchange.model);
      if (script == null && exchange.model != null) {
        script = fallback.apply(exchange.model);
      }
      if (script == null) {
        exchange.json(
            404,
            "{\"error\":{\"message\":\"The model does not"
                + " exist\",\"type\":\"invalid_request_error\","
                + "\"param\":\"model\",\"code\":\"model_not_found\"}}");
        return;
      }
      script.answer(exchange);
      if (exchange.waitedInVain) {
        abandoned.incrementAndGet();
      }
    } catch (IOException e) {
      // the proxy hung up or the script reset the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.decrementAndGet();
    }
  }

  /** One request and its connection. */
  public static final class Exchange {
    public final String method;
    public final String path;

    /** Header names in lower case. */
    public final Map<String, String> headers;

    public final String body;
    public final String model;
    public final boolean streaming;
    public final long receivedNanos = System.nanoTime();

    /** Completes with {@link System#nanoTime()} once the proxy closed its end. */
    public final CompletableFuture<Long> hungUp = new CompletableFuture<>();

    /** Response bytes written successfully (body and framing). */
    public final AtomicLong bytesWritten = new AtomicLong();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean chunked;
    private volatile boolean waitedInVain;

    private Exchange(
        Socket socket,
        InputStream in,
        String method,
        String path,
        Map<String, String> headers,
        String body) {
      this.socket = socket;
      this.in = in;
      this.method = method;
      this.path = path;
      this.headers = Map.copyOf(headers);
      this.body = body;
      Matcher model = MODEL.matcher(body);
      this.model = model.find() ? model.group(1) : null;
      this.streaming = body.replace(" ", "").contains("\"stream\":true");
      OutputStream raw;
      try {
        raw = socket.getOutputStream();
      } catch (IOException e) {
        raw = OutputStream.nullOutputStream();
      }
      this.out = raw;
    }

    static Exchange read(Socket socket) throws IOException {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > 64 * 1024) {
          throw new IOException("request head too large");
        }
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).strip());
        }
      }
      byte[] body;
      if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
        body = readChunked(in);
      } else {
        body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      }
      String target = requestLine.length > 1 ? requestLine[1] : "/";
      int query = target.indexOf('?');
      return new Exchange(
          socket,
          in,
          requestLine[0],
          query < 0 ? target : target.substring(0, query),
          headers,
          new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readChunked(InputStream in) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        int length = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (length == 0) {
          while (!readLine(in).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(length));
        readLine(in);
      }
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A complete answer with {@code Content-Length}. */
    public void respond(int status, String contentType, String body, String... extraHeaders)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      writeHead(status, contentType, "Content-Length: " + bytes.length, extraHeaders);
      writeBytes(bytes);
    }

    public void json(int status, String body) throws IOException {
      respond(status, "application/json", body);
    }

    /**
     * Sends headers promising {@code declaredLength} bytes of JSON and then only {@code part} of
     * them; what happens next is the script's choice (stall, reset, or close early).
     */
    public void partialJson(String part, int declaredLength) throws IOException {
      writeHead(200, "application/json", "Content-Length: " + declaredLength);
      writeBytes(part.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a {@code text/event-stream} answer in chunked transfer coding. */
    public void startStream() throws IOException {
      if (!chunked) {
        writeHead(200, "text/event-stream", "Transfer-Encoding: chunked");
        chunked = true;
      }
    }

    /** Writes one {@code data:} event as its own HTTP chunk; false once the proxy has gone. */
    public boolean event(String data) {
      return chunk("data: " + data + "\n\n");
    }

    /** Writes raw SSE text as one HTTP chunk; false once the proxy has gone. */
    public boolean chunk(String text) {
      try {
        startStream();
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 16);
        frame.writeBytes(
            (Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        frame.writeBytes(payload);
        frame.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        writeBytes(frame.toByteArray());
        return true;
      } catch (IOException e) {
        hungUp.complete(System.nanoTime());
        return false;
      }
    }

    /** Ends a chunked answer properly (whether or not a {@code [DONE]} event was sent). */
    public void endStream() {
      try {
        writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        hungUp.complete(System.nanoTime());
      }
    }

    /**
     * Sends nothing more and waits for the proxy to close the connection; {@code false} (and the
     * connection counted as abandoned) when it did not within {@code max}.
     */
    public boolean awaitHangUp(Duration max) {
      try {
        socket.setSoTimeout(50);
        long deadline = System.nanoTime() + max.toNanos();
        byte[] sink = new byte[4096];
        while (System.nanoTime() < deadline) {
          try {
            if (in.read(sink) < 0) {
              hungUp.complete(System.nanoTime());
              return true;
            }
          } catch (SocketTimeoutException e) {
            // still open
          }
        }
        waitedInVain = true;
        return false;
      } catch (IOException e) {
        hungUp.complete(System.nanoTime());
        return true;
      }
    }

    /** Resets the connection: {@code SO_LINGER 0} then close, so the proxy reads an RST. */
    public void reset() throws IOException {
      try {
        out.flush();
        socket.setSoLinger(true, 0);
      } catch (SocketException e) {
        // already gone
      }
      socket.close();
    }

    /** Closes the connection at once (a FIN), whatever the body promised. */
    public void closeNow() throws IOException {
      socket.close();
    }

    private void writeHead(int status, String contentType, String framing, String... extra)
        throws IOException {
      StringBuilder head =
          new StringBuilder("HTTP/1.1 ")
              .append(status)
              .append(' ')
              .append(reason(status))
              .append("\r\nContent-Type: ")
              .append(contentType)
              .append("\r\n")
              .append(framing)
              .append("\r\nConnection: close\r\n");
      for (int i = 0; i + 1 < extra.length; i += 2) {
        head.append(extra[i]).append(": ").append(extra[i + 1]).append("\r\n");
      }
      writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void writeBytes(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
      bytesWritten.addAndGet(bytes.length);
    }

    private static String reason(int status) {
      return switch (status) {
        case 200 -> "OK";
        case 404 -> "Not Found";
        case 429 -> "Too Many Requests";
        case 500 -> "Internal Server Error";
        case 503 -> "Service Unavailable";
        default -> "Status";
      };
    }
  }

  /** Sleeps, for scripts. */
  public static void pause(Duration duration) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
  }
}
