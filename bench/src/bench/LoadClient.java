package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A closed-loop HTTP/1.1 load generator on one NIO selector thread: {@code c} keep-alive
 * connections, each sending its next request as soon as the previous answer is complete. Buffered
 * answers are timed from the request's write to the answer's last byte; streamed answers are read
 * as SSE, each {@code data:} line timed as it arrives.
 */
final class LoadClient {

  /** Where requests go and what they look like. */
  record Target(String name, int port, String path, Map<String, String> headers) {

    byte[] request(byte[] body) {
      StringBuilder head =
          new StringBuilder("POST ")
              .append(path)
              .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
              .append(port)
              .append("\r\nContent-Type: application/json\r\nAccept: */*\r\nContent-Length: ")
              .append(body.length)
              .append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("\r\n");
      return MockUpstream.concat(head.toString().getBytes(StandardCharsets.US_ASCII), body);
    }
  }

  /** One phase of load. */
  record Plan(
      Target target,
      int connections,
      long warmupNanos,
      long measureNanos,
      boolean streaming,
      int expectedFrames,
      long staggerNanos,
      LongFunction<byte[]> body) {}

  /** Everything measured in one phase (nanoseconds). */
  static final class Result {
    final LongList latencies = new LongList();
    final LongList ttft = new LongList();
    final LongList gaps = new LongList();
    final LongList maxGapPerStream = new LongList();
    long completed;
    long errors;
    long stalled; // streams with a gap > 200 ms, a missing frame, no [DONE] or an error
    long measuredNanos;
    long cpuNanos; // used by the gateway's processes during the phase, when known
    String firstError;

    double cpuPerRequestMicros() {
      return completed == 0 || cpuNanos == 0 ? Double.NaN : cpuNanos / 1e3 / completed;
    }

    double rate() {
      return measuredNanos == 0 ? 0 : completed * 1e9 / measuredNanos;
    }

    void error(String what) {
      errors++;
      if (firstError == null) {
        firstError = what;
      }
    }
  }

  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private LoadClient() {}

  /** Runs a phase to its end; requests in flight at the deadline are waited for, not counted. */
  static Result run(Plan plan) throws IOException {
    Result result = new Result();
    try (Selector selector = Selector.open()) {
      List<Conn> conns = new ArrayList<>();
      for (int i = 0; i < plan.connections; i++) {
        conns.add(new Conn(plan, result, selector, i));
      }
      // connect everything first, so that the measured requests do not pay for the handshakes
      long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int connected = 0;
      while (connected < conns.size() && System.nanoTime() < connectDeadline) {
        selector.select(100);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Conn conn = (Conn) key.attachment();
          if (key.isConnectable()) {
            try {
              conn.channel.finishConnect();
              key.interestOps(SelectionKey.OP_READ);
              connected++;
            } catch (IOException e) {
              result.error("connect: " + e.getMessage());
              conn.reconnect();
            }
          }
        }
      }
      long start = System.nanoTime();
      long measureFrom = start + plan.warmupNanos;
      long end = measureFrom + plan.measureNanos;
      for (Conn conn : conns) {
        conn.measureFrom = measureFrom;
        conn.end = end;
        conn.startAt = start + (plan.staggerNanos * conn.index) / Math.max(1, plan.connections);
      }
      long hardStop = end + TimeUnit.SECONDS.toNanos(plan.streaming ? 30 : 10);
      int active = conns.size();
      while (active > 0) {
        long now = System.nanoTime();
        if (now > hardStop) {
          for (Conn conn : conns) {
            if (conn.inFlight) {
              result.error("timed out waiting for an answer");
            }
          }
          break;
        }
        long wait = Long.MAX_VALUE;
        for (Conn conn : conns) {
          if (!conn.started) {
            if (now >= conn.startAt) {
              conn.started = true;
              conn.sendNext(now);
            } else {
              wait = Math.min(wait, conn.startAt - now);
            }
          }
        }
        if (wait == Long.MAX_VALUE) {
          selector.select(50);
        } else if (wait > 1_000_000) {
          selector.select(wait / 1_000_000);
        } else {
          selector.selectNow();
        }
        now = System.nanoTime();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Conn conn = (Conn) key.attachment();
          if (!key.isValid()) {
            continue;
          }
          if (key.isConnectable()) {
            try {
              conn.channel.finishConnect();
              key.interestOps(SelectionKey.OP_READ);
              conn.flushPending(now);
            } catch (IOException e) {
              conn.fail(now, "connect: " + e.getMessage());
            }
            continue;
          }
          if (key.isWritable()) {
            conn.flushPending(now);
          }
          if (key.isValid() && key.isReadable()) {
            conn.read(now);
          }
        }
        active = 0;
        for (Conn conn : conns) {
          if (!conn.started || conn.inFlight) {
            active++;
          }
        }
      }
      result.measuredNanos = plan.measureNanos;
      for (Conn conn : conns) {
        conn.close();
      }
    }
    return result;
  }

  /** One keep-alive connection and the answer it is reading. */
  private static final class Conn {
    final Plan plan;
    final Result result;
    final Selector selector;
    final int index;
    SocketChannel channel;
    SelectionKey key;
    long measureFrom;
    long end;
    long startAt;
    boolean started;
    boolean inFlight;
    ByteBuffer pending;
    long requestNumber;

    // the answer being read
    long sentAt;
    byte[] acc = new byte[16 * 1024];
    int accLength;
    int state;
    int status;
    long remaining;
    boolean chunked;
    boolean closeAfter;
    // SSE scanning
    boolean lineStart = true;
    final byte[] linePrefix = new byte[16];
    int linePrefixLength;
    boolean inLine;
    int frames;
    boolean done;
    boolean errorEvent;
    long lastEvent;
    long firstEvent;
    long maxGap;
    final LongList streamGaps = new LongList();

    static final int HEAD = 0;
    static final int FIXED = 1;
    static final int CHUNK_SIZE = 2;
    static final int CHUNK_DATA = 3;
    static final int CHUNK_CRLF = 4;
    static final int TRAILER = 5;
    static final int UNTIL_CLOSE = 6;

    static final ByteBuffer READ = ByteBuffer.allocateDirect(64 * 1024);

    Conn(Plan plan, Result result, Selector selector, int index) throws IOException {
      this.plan = plan;
      this.result = result;
      this.selector = selector;
      this.index = index;
      open();
    }

    void open() throws IOException {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean now = channel.connect(new InetSocketAddress("127.0.0.1", plan.target.port()));
      key = channel.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
    }

    void reconnect() {
      try {
        channel.close();
      } catch (IOException e) {
        // reopened below
      }
      try {
        open();
      } catch (IOException e) {
        result.error("reconnect: " + e.getMessage());
      }
    }

    void sendNext(long now) {
      if (now >= end) {
        inFlight = false;
        return;
      }
      requestNumber++;
      long id = ((long) index << 32) | requestNumber;
      pending = ByteBuffer.wrap(plan.target.request(plan.body.apply(id)));
      inFlight = true;
      resetAnswer();
      sentAt = now;
      if (key.isValid() && (key.interestOps() & SelectionKey.OP_CONNECT) == 0) {
        flushPending(now);
      }
    }

    void flushPending(long now) {
      if (pending == null) {
        return;
      }
      try {
        channel.write(pending);
        if (pending.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
          pending = null;
          key.interestOps(SelectionKey.OP_READ);
        }
      } catch (IOException e) {
        fail(now, "write: " + e.getMessage());
      }
    }

    void resetAnswer() {
      accLength = 0;
      state = HEAD;
      status = 0;
      remaining = 0;
      chunked = false;
      closeAfter = false;
      lineStart = true;
      inLine = false;
      linePrefixLength = 0;
      frames = 0;
      done = false;
      errorEvent = false;
      lastEvent = 0;
      firstEvent = 0;
      maxGap = 0;
      streamGaps.clear();
    }

    void read(long now) {
      while (true) {
        READ.clear();
        int n;
        try {
          n = channel.read(READ);
        } catch (IOException e) {
          n = -1;
        }
        if (n < 0) {
          if (inFlight && state == UNTIL_CLOSE) {
            complete(now);
          } else if (inFlight) {
            fail(now, "connection closed by the server mid-answer");
          } else {
            reconnect();
          }
          return;
        }
        if (n == 0) {
          return;
        }
        READ.flip();
        if (accLength + n > acc.length) {
          acc = java.util.Arrays.copyOf(acc, Math.max(acc.length * 2, accLength + n));
        }
        READ.get(acc, accLength, n);
        accLength += n;
        if (!inFlight) {
          accLength = 0; // nothing expected: ignore
          continue;
        }
        parse(now);
        if (n < READ.capacity()) {
          return;
        }
      }
    }

    void parse(long now) {
      int pos = 0;
      while (inFlight && pos < accLength) {
        switch (state) {
          case HEAD -> {
            int end = indexOf(acc, pos, accLength, (byte) '\r', (byte) '\n', (byte) '\r', (byte) '\n');
            if (end < 0) {
              compact(pos);
              return;
            }
            head(new String(acc, pos, end - pos, StandardCharsets.ISO_8859_1));
            pos = end + 4;
            if (state == FIXED && remaining == 0) {
              complete(now);
              pos = accLength;
            }
          }
          case FIXED -> {
            int take = (int) Math.min(remaining, accLength - pos);
            body(acc, pos, take, now);
            pos += take;
            remaining -= take;
            if (remaining == 0) {
              complete(now);
            }
          }
          case CHUNK_SIZE -> {
            int end = indexOf(acc, pos, accLength, (byte) '\r', (byte) '\n');
            if (end < 0) {
              compact(pos);
              return;
            }
            String size = new String(acc, pos, end - pos, StandardCharsets.US_ASCII);
            int semi = size.indexOf(';');
            remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            pos = end + 2;
            state = remaining == 0 ? TRAILER : CHUNK_DATA;
          }
          case CHUNK_DATA -> {
            int take = (int) Math.min(remaining, accLength - pos);
            body(acc, pos, take, now);
            pos += take;
            remaining -= take;
            if (remaining == 0) {
              state = CHUNK_CRLF;
            }
          }
          case CHUNK_CRLF -> {
            if (accLength - pos < 2) {
              compact(pos);
              return;
            }
            pos += 2;
            state = CHUNK_SIZE;
          }
          case TRAILER -> {
            int end = indexOf(acc, pos, accLength, (byte) '\r', (byte) '\n');
            if (end < 0) {
              compact(pos);
              return;
            }
            boolean empty = end == pos;
            pos = end + 2;
            if (empty) {
              complete(now);
            }
          }
          case UNTIL_CLOSE -> {
            body(acc, pos, accLength - pos, now);
            pos = accLength;
          }
          default -> throw new IllegalStateException();
        }
      }
      compact(pos);
    }

    void compact(int pos) {
      if (pos >= accLength) {
        accLength = 0;
      } else if (pos > 0) {
        System.arraycopy(acc, pos, acc, 0, accLength - pos);
        accLength -= pos;
      }
    }

    void head(String head) {
      int sp = head.indexOf(' ');
      status = Integer.parseInt(head.substring(sp + 1, sp + 4));
      long length = -1;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("transfer-encoding")
            && value.toLowerCase().contains("chunked")) {
          chunked = true;
        } else if (name.equalsIgnoreCase("connection") && value.equalsIgnoreCase("close")) {
          closeAfter = true;
        }
      }
      if (chunked) {
        state = CHUNK_SIZE;
      } else if (length >= 0) {
        state = FIXED;
        remaining = length;
      } else {
        state = UNTIL_CLOSE;
        closeAfter = true;
      }
    }

    /** Body bytes: for streams, finds each {@code data:} line as it completes. */
    void body(byte[] a, int from, int count, long now) {
      if (!plan.streaming) {
        return;
      }
      for (int i = from; i < from + count; i++) {
        byte b = a[i];
        if (b == '\n') {
          if (inLine) {
            line(now);
          }
          inLine = false;
          linePrefixLength = 0;
          continue;
        }
        if (b == '\r') {
          continue;
        }
        inLine = true;
        if (linePrefixLength < linePrefix.length) {
          linePrefix[linePrefixLength++] = b;
        }
      }
    }

    void line(long now) {
      if (linePrefixLength < 5 || !startsWith("data:")) {
        return; // comments (keep-alives), event names, ids
      }
      int at = 5;
      if (at < linePrefixLength && linePrefix[at] == ' ') {
        at++;
      }
      if (regionIs(at, "[DONE]")) {
        done = true;
      } else {
        if (regionIs(at, "{\"error\"")) {
          errorEvent = true;
        }
        frames++;
      }
      if (lastEvent != 0) {
        long gap = now - lastEvent;
        streamGaps.add(gap);
        maxGap = Math.max(maxGap, gap);
      } else {
        firstEvent = now;
      }
      lastEvent = now;
    }

    boolean startsWith(String prefix) {
      return regionIs(0, prefix);
    }

    boolean regionIs(int at, String text) {
      if (linePrefixLength - at < text.length()) {
        return false;
      }
      for (int i = 0; i < text.length(); i++) {
        if (linePrefix[at + i] != text.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    void complete(long now) {
      boolean measured = sentAt >= measureFrom && sentAt < end;
      if (measured) {
        if (status != 200) {
          result.error("HTTP " + status);
        } else if (plan.streaming) {
          boolean ok =
              done
                  && !errorEvent
                  && (plan.expectedFrames <= 0 || frames == plan.expectedFrames)
                  && maxGap <= STALL_NANOS;
          if (firstEvent != 0) {
            result.ttft.add(firstEvent - sentAt);
          }
          result.gaps.addAll(streamGaps);
          result.maxGapPerStream.add(maxGap);
          if (!ok) {
            result.stalled++;
            if (!done || errorEvent || (plan.expectedFrames > 0 && frames != plan.expectedFrames)) {
              result.error(
                  "stream incomplete: frames="
                      + frames
                      + " done="
                      + done
                      + (errorEvent ? " error event" : ""));
            }
          }
          result.completed++;
          result.latencies.add(now - sentAt);
        } else {
          result.completed++;
          result.latencies.add(now - sentAt);
        }
      }
      inFlight = false;
      if (closeAfter) {
        reconnect();
      }
      sendNext(now);
    }

    void fail(long now, String what) {
      if (sentAt >= measureFrom && sentAt < end) {
        result.error(what);
        if (plan.streaming) {
          result.stalled++;
          result.completed++;
        }
      }
      inFlight = false;
      reconnect();
      if (started) {
        sendNext(now);
      }
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }

    static int indexOf(byte[] a, int from, int to, byte... needle) {
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
  }
}
