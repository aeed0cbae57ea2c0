package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible upstream on one NIO selector thread, its behaviour chosen by the request's
 * {@code model}:
 *
 * <ul>
 *   <li>{@code fast}: a buffered answer at once; {@code slow20}: the same after 20 ms;
 *   <li>{@code stream} (with {@code stream: true}): a role chunk, 64 content deltas paced 20 ms,
 *       {@code [DONE]};
 *   <li>{@code reasoner}: {@code <think>} deltas paced 10 ms, a delta closing the tag (the end
 *       marker), then a long answer paced 10 ms; records when it wrote the marker, when it saw the
 *       client hang up and how many events it wrote in between;
 *   <li>{@code executor}: records when the request arrived, then answers a short stream at once.
 * </ul>
 *
 * Requests are correlated by a {@code bench-id-N} token anywhere in their body. Timers run on a
 * separate thread (precise to ~0.1 ms) and hand their writes to the selector thread.
 */
final class MockUpstream implements AutoCloseable {
  static final int STREAM_DELTAS = 64;
  static final long STREAM_PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  static final int THINK_DELTAS = 12;
  static final int ANSWER_DELTAS = 200;
  static final long REASONING_PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** What the mock saw of one hybrid request (all times {@link System#nanoTime()}). */
  static final class HybridRecord {
    volatile long markerWritten;
    volatile long disconnectSeen;
    volatile int eventsAfterMarker;
    volatile long executionArrived;
    volatile boolean reasonerFinishedNormally;
  }

  final Map<Long, HybridRecord> hybrid = new ConcurrentHashMap<>();
  final AtomicLong requests = new AtomicLong();

  private final ServerSocketChannel server;
  private final Selector selector;
  private final Thread loop;
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;

  private static final byte[] BUFFERED_BODY =
      ("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1700000000,"
              + "\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
              + "\"assistant\",\"content\":\"Hello! This is a short answer from the benchmark"
              + " mock upstream.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
              + "\"completion_tokens\":14,\"total_tokens\":26}}")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BUFFERED_RESPONSE =
      concat(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + BUFFERED_BODY.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII),
          BUFFERED_BODY);
  private static final byte[] SSE_HEAD =
      ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODELS_BODY =
      ("{\"object\":\"list\",\"data\":[{\"id\":\"fast\",\"object\":\"model\",\"created\":0,"
              + "\"owned_by\":\"bench\"}]}")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHUNKED_END = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  MockUpstream() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
    server.configureBlocking(false);
    selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    timers.setRemoveOnCancelPolicy(true);
    loop = new Thread(this::run, "mock-upstream");
    loop.setDaemon(true);
    loop.start();
  }

  /** Runs the mock alone, for trying a gateway by hand: {@code java bench.MockUpstream}. */
  public static void main(String[] args) throws Exception {
    try (MockUpstream mock = new MockUpstream()) {
      System.out.println("mock upstream on http://127.0.0.1:" + mock.port() + "/v1 (Ctrl+C ends)");
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  int port() {
    return server.socket().getLocalPort();
  }

  private void run() {
    while (running) {
      try {
        selector.select();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept();
            continue;
          }
          Conn conn = (Conn) key.attachment();
          if (key.isValid() && key.isWritable()) {
            conn.flush();
          }
          if (key.isValid() && key.isReadable()) {
            conn.read();
          }
        }
        // reads first: a hang-up that arrived with a tick is seen before the tick writes
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          System.err.println("mock upstream: " + e);
        }
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel channel;
    while ((channel = server.accept()) != null) {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn conn = new Conn(channel);
      conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
    }
  }

  /** Runs {@code task} on the selector thread after {@code delayNanos}. */
  private void later(long delayNanos, Runnable task) {
    timers.schedule(
        () -> {
          tasks.add(task);
          selector.wakeup();
        },
        delayNanos,
        TimeUnit.NANOSECONDS);
  }

  /** One client connection: HTTP/1.1 keep-alive, one request at a time. */
  private final class Conn {
    final SocketChannel channel;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    boolean closed;
    boolean busy; // a response is being produced
    Stream stream; // the paced stream in progress, if any

    Conn(SocketChannel channel) {
      this.channel = channel;
    }

    void read() {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      int n;
      try {
        n = channel.read(in);
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        peerGone();
        return;
      }
      parse();
    }

    /** Parses as many complete requests as the buffer holds (one at a time). */
    void parse() {
      while (!busy && !closed) {
        int headEnd = indexOf(in, 0, in.position(), HEAD_END);
        if (headEnd < 0) {
          return;
        }
        String head = new String(in.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
        int bodyStart = headEnd + 4;
        long length = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            continue;
          }
          String name = line.substring(0, colon).trim();
          if (name.equalsIgnoreCase("content-length")) {
            length = Long.parseLong(line.substring(colon + 1).trim());
          } else if (name.equalsIgnoreCase("transfer-encoding")
              && line.substring(colon + 1).toLowerCase().contains("chunked")) {
            chunked = true;
          }
        }
        byte[] body;
        int consumed;
        if (chunked) {
          ByteArrayBuilder decoded = new ByteArrayBuilder();
          consumed = dechunk(in.array(), bodyStart, in.position(), decoded);
          if (consumed < 0) {
            return;
          }
          body = decoded.toArray();
        } else {
          if (in.position() - bodyStart < length) {
            return;
          }
          body = new byte[(int) length];
          System.arraycopy(in.array(), bodyStart, body, 0, (int) length);
          consumed = bodyStart + (int) length;
        }
        long arrived = System.nanoTime();
        int remaining = in.position() - consumed;
        System.arraycopy(in.array(), consumed, in.array(), 0, remaining);
        in.position(remaining);
        String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
        handle(requestLine, body, arrived);
      }
    }

    void handle(String requestLine, byte[] body, long arrived) {
      requests.incrementAndGet();
      String[] parts = requestLine.split(" ");
      String method = parts.length > 0 ? parts[0] : "";
      String path = parts.length > 1 ? parts[1] : "";
      if (method.equals("GET") && path.endsWith("/models")) {
        send(response(200, "application/json", MODELS_BODY));
        return;
      }
      if (!method.equals("POST") || !path.endsWith("/chat/completions")) {
        send(response(404, "application/json", "{\"error\":{\"message\":\"not found\"}}"));
        return;
      }
      String text = new String(body, StandardCharsets.UTF_8);
      String model = stringField(text, "model");
      boolean streamed = booleanField(text, "stream");
      long benchId = benchId(text);
      if (model == null) {
        send(response(400, "application/json", "{\"error\":{\"message\":\"no model\"}}"));
        return;
      }
      switch (model) {
        case "fast" -> send(BUFFERED_RESPONSE);
        case "slow20" -> {
          busy = true;
          later(
              TimeUnit.MILLISECONDS.toNanos(20),
              () -> {
                busy = false;
                send(BUFFERED_RESPONSE);
                parse();
              });
        }
        case "stream" -> {
          if (!streamed) {
            send(BUFFERED_RESPONSE);
          } else {
            startStream(new PacedStream());
          }
        }
        case "reasoner" -> startStream(new ReasonerStream(record(benchId)));
        case "executor" -> {
          HybridRecord record = record(benchId);
          if (record != null) {
            record.executionArrived = arrived;
          }
          if (streamed) {
            startStream(new ExecutorStream());
          } else {
            send(BUFFERED_RESPONSE);
          }
        }
        default ->
            send(
                response(
                    404,
                    "application/json",
                    "{\"error\":{\"message\":\"unknown model\",\"code\":\"model_not_found\"}}"));
      }
    }

    HybridRecord record(long benchId) {
      return benchId < 0 ? null : hybrid.computeIfAbsent(benchId, id -> new HybridRecord());
    }

    void startStream(Stream s) {
      busy = true;
      stream = s;
      s.conn = this;
      send(SSE_HEAD);
      s.begin(System.nanoTime());
    }

    void endStream() {
      send(CHUNKED_END);
      stream = null;
      busy = false;
      parse();
    }

    void send(byte[] bytes) {
      if (closed) {
        return;
      }
      out.add(ByteBuffer.wrap(bytes));
      flush();
    }

    /** Writes what is queued; returns whether the bytes left this process (or were queued). */
    void flush() {
      try {
        while (!out.isEmpty()) {
          ByteBuffer head = out.peek();
          channel.write(head);
          if (head.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
          }
          out.poll();
        }
        if (key.isValid()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      } catch (IOException e) {
        peerGone();
      }
    }

    void peerGone() {
      if (closed) {
        return;
      }
      closed = true;
      long now = System.nanoTime();
      if (stream != null) {
        stream.clientGone(now);
        stream = null;
      }
      out.clear();
      key.cancel();
      try {
        channel.close();
      } catch (IOException e) {
        // gone already
      }
    }
  }

  /** A streamed answer written by timer ticks on the selector thread. */
  private abstract static class Stream {
    Conn conn;

    abstract void begin(long now);

    void clientGone(long now) {}

    /** Writes one SSE event as an HTTP chunk; {@code false} when the client is gone. */
    boolean event(String data) {
      if (conn.closed) {
        return false;
      }
      byte[] payload = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
      byte[] size = (Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      conn.send(concat(size, payload, CRLF));
      return !conn.closed;
    }
  }

  private static String chunk(String id, String delta, String finish) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock-model\","
        + "\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  private static String content(String text) {
    return "{\"content\":\"" + text + "\"}";
  }

  private static final String ROLE = "{\"role\":\"assistant\",\"content\":\"\"}";

  /** Role chunk at once, then 64 deltas on a fixed 20 ms schedule, then [DONE]. */
  private final class PacedStream extends Stream {
    long start;
    int sent;

    @Override
    void begin(long now) {
      start = now;
      if (event(chunk("chatcmpl-stream", ROLE, null))) {
        tick();
      }
    }

    void tick() {
      long due = start + (sent + 1) * STREAM_PACE_NANOS;
      later(
          Math.max(0, due - System.nanoTime()),
          () -> {
            if (conn.closed) {
              return;
            }
            sent++;
            boolean last = sent == STREAM_DELTAS;
            if (!event(chunk("chatcmpl-stream", content("token" + sent + " "), last ? "stop" : null))) {
              return;
            }
            if (last) {
              if (event("[DONE]")) {
                conn.endStream();
              }
            } else {
              tick();
            }
          });
    }
  }

  /**
   * {@code <think>} deltas, the end marker, a long answer: paced 10 ms. Counts the events written
   * after the marker until the client hangs up.
   */
  private final class ReasonerStream extends Stream {
    final HybridRecord record;
    long start;
    int step;

    ReasonerStream(HybridRecord record) {
      this.record = record == null ? new HybridRecord() : record;
    }

    @Override
    void begin(long now) {
      start = now;
      if (event(chunk("chatcmpl-reason", ROLE, null))) {
        tick();
      }
    }

    void tick() {
      long due = start + (step + 1) * REASONING_PACE_NANOS;
      later(
          Math.max(0, due - System.nanoTime()),
          () -> {
            if (conn.closed) {
              return;
            }
            step++;
            String text;
            if (step == 1) {
              text = "<think>Let me think step by step. ";
            } else if (step <= THINK_DELTAS) {
              text = "reasoning step " + step + " weighs the options. ";
            } else if (step == THINK_DELTAS + 1) {
              text = "so the answer is clear.</think>The answer";
            } else {
              text = " answer word " + step;
            }
            boolean last = step == THINK_DELTAS + 1 + ANSWER_DELTAS;
            if (!event(chunk("chatcmpl-reason", content(text), last ? "stop" : null))) {
              return;
            }
            if (step == THINK_DELTAS + 1) {
              record.markerWritten = System.nanoTime();
            } else if (step > THINK_DELTAS + 1) {
              record.eventsAfterMarker++;
            }
            if (last) {
              record.reasonerFinishedNormally = true;
              if (event("[DONE]")) {
                conn.endStream();
              }
            } else {
              tick();
            }
          });
    }

    @Override
    void clientGone(long now) {
      if (record.disconnectSeen == 0) {
        record.disconnectSeen = now;
      }
    }
  }

  /** A short execution answer, written at once. */
  private final class ExecutorStream extends Stream {
    @Override
    void begin(long now) {
      if (!event(chunk("chatcmpl-exec", ROLE, null))) {
        return;
      }
      for (int i = 1; i <= 8; i++) {
        if (!event(chunk("chatcmpl-exec", content("word" + i + " "), i == 8 ? "stop" : null))) {
          return;
        }
      }
      if (event("[DONE]")) {
        conn.endStream();
      }
    }
  }

  private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] CRLF = {'\r', '\n'};

  private static byte[] response(int status, String type, String body) {
    return response(status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] response(int status, String type, byte[] body) {
    String reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
    byte[] head =
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\nContent-Type: "
                + type
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    return concat(head, body);
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  static int indexOf(ByteBuffer buffer, int from, int to, byte[] needle) {
    byte[] a = buffer.array();
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Decodes a chunked body; returns the index after it, or -1 when it is not complete yet. */
  private static int dechunk(byte[] a, int from, int to, ByteArrayBuilder into) {
    int at = from;
    while (true) {
      int lineEnd = -1;
      for (int i = at; i + 1 < to; i++) {
        if (a[i] == '\r' && a[i + 1] == '\n') {
          lineEnd = i;
          break;
        }
      }
      if (lineEnd < 0) {
        return -1;
      }
      String sizeText = new String(a, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semi = sizeText.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeText : sizeText.substring(0, semi)).trim(), 16);
      int dataStart = lineEnd + 2;
      if (size == 0) {
        // trailers end with an empty line
        int end = -1;
        for (int i = dataStart; i + 1 < to; i++) {
          if (a[i] == '\r' && a[i + 1] == '\n') {
            if (i == dataStart) {
              end = i + 2;
              break;
            }
            dataStart = i + 2;
            i++;
          }
        }
        return end;
      }
      if (to < dataStart + size + 2) {
        return -1;
      }
      into.append(a, dataStart, size);
      at = dataStart + size + 2;
    }
  }

  /** The index just after the colon of key {@code name} (not a string value that looks the same). */
  private static int valueStart(String json, String name) {
    String quoted = "\"" + name + "\"";
    int at = json.indexOf(quoted);
    while (at >= 0) {
      int i = at + quoted.length();
      while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
        i++;
      }
      if (i < json.length() && json.charAt(i) == ':') {
        i++;
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
          i++;
        }
        return i;
      }
      at = json.indexOf(quoted, at + 1);
    }
    return -1;
  }

  /** The string value of key {@code name} (first occurrence, no escapes expected). */
  static String stringField(String json, String name) {
    int start = valueStart(json, name);
    if (start < 0 || start >= json.length() || json.charAt(start) != '"') {
      return null;
    }
    int close = json.indexOf('"', start + 1);
    return close < 0 ? null : json.substring(start + 1, close);
  }

  static boolean booleanField(String json, String name) {
    int start = valueStart(json, name);
    return start >= 0 && json.startsWith("true", start);
  }

  static long benchId(String text) {
    int at = text.indexOf("bench-id-");
    if (at < 0) {
      return -1;
    }
    int i = at + 9;
    long id = 0;
    int digits = 0;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      id = id * 10 + (text.charAt(i++) - '0');
      digits++;
    }
    return digits == 0 ? -1 : id;
  }

  @Override
  public void close() throws IOException {
    running = false;
    timers.shutdownNow();
    selector.wakeup();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    selector.close();
    server.close();
  }

  /** A growable byte array. */
  static final class ByteArrayBuilder {
    byte[] bytes = new byte[1024];
    int length;

    void append(byte[] source, int from, int count) {
      if (length + count > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
      }
      System.arraycopy(source, from, bytes, length, count);
      length += count;
    }

    byte[] toArray() {
      return java.util.Arrays.copyOf(bytes, length);
    }
  }
}
