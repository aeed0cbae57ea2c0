package bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG charts drawn with Java2D, no network and no libraries. */
final class Charts {
  private Charts() {}

  private static final Color[] COLORS = {
    new Color(0x33, 0x33, 0x33), new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C)
  };
  private static final int W = 1200;
  private static final int H = 520;

  /** p50 (dashed) and p99 (solid) latency vs concurrency, one panel per mock delay, log scale. */
  static void latency(Map<String, Object> results, Path file) throws IOException {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = start(image, "Buffered latency vs concurrency (solid p99, dashed p50; log scale)");
    List<String> targets = Report.targets(results);
    int panel = 0;
    for (int delay : new int[] {0, 20}) {
      int x0 = 80 + panel * (W / 2);
      int y0 = 70;
      int pw = W / 2 - 130;
      int ph = H - 170;
      double min = Double.MAX_VALUE;
      double max = 0;
      for (Map<String, Object> r : Report.rows(results, "buffered")) {
        if (Report.num(r, "mock_delay_ms") == delay) {
          min = Math.min(min, Report.num(r, "p50_ms"));
          max = Math.max(max, Report.num(r, "p99_ms"));
        }
      }
      if (min == Double.MAX_VALUE) {
        min = 1; // no buffered figures in this run (--only): empty axes, not an endless tick loop
      }
      double lo = Math.pow(10, Math.floor(Math.log10(Math.max(min, 0.01))));
      double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, lo * 10))));
      axes(g, x0, y0, pw, ph, delay + " ms mock", "concurrent connections", "ms");
      int[] xs = new int[Bench.CONCURRENCY.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = x0 + 20 + i * (pw - 40) / (xs.length - 1);
        g.setColor(Color.DARK_GRAY);
        centered(g, Integer.toString(Bench.CONCURRENCY[i]), xs[i], y0 + ph + 20);
      }
      for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
        int y = logY(tick, lo, hi, y0, ph);
        g.setColor(new Color(0xE0, 0xE0, 0xE0));
        g.drawLine(x0, y, x0 + pw, y);
        g.setColor(Color.DARK_GRAY);
        right(g, Report.f(tick), x0 - 6, y + 5);
      }
      for (int t = 0; t < targets.size(); t++) {
        for (String p : new String[] {"p99_ms", "p50_ms"}) {
          g.setColor(COLORS[t % COLORS.length]);
          g.setStroke(p.equals("p99_ms") ? new BasicStroke(2.5f) : dashed());
          int lastX = -1;
          int lastY = -1;
          for (int i = 0; i < Bench.CONCURRENCY.length; i++) {
            Map<String, Object> r =
                Report.row(results, "buffered", "mock_delay_ms", delay, "concurrency", Bench.CONCURRENCY[i], "target", targets.get(t)).orElse(null);
            double v = Report.num(r, p);
            if (Double.isNaN(v)) {
              continue;
            }
            int y = logY(Math.max(v, lo), lo, hi, y0, ph);
            g.fillOval(xs[i] - 4, y - 4, 8, 8);
            if (lastX >= 0) {
              g.drawLine(lastX, lastY, xs[i], y);
            }
            lastX = xs[i];
            lastY = y;
          }
        }
      }
      panel++;
    }
    legend(g, targets, 80, H - 40);
    finish(g, image, file);
  }

  /** Stall rate and added TTFT p99 vs concurrent streams. */
  static void streams(Map<String, Object> results, Path file) throws IOException {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = start(image, "Concurrent streams (role + 64 deltas paced 20 ms)");
    List<String> targets = new ArrayList<>();
    for (Map<String, Object> r : Report.rows(results, "streams")) {
      if (!targets.contains((String) r.get("target"))) {
        targets.add((String) r.get("target"));
      }
    }
    String[][] panels = {{"stall_rate", "stalled streams (%)"}, {"ttft_p99_ms", "time to first token p99 (ms, log scale)"}};
    for (int panel = 0; panel < 2; panel++) {
      String key = panels[panel][0];
      boolean log = key.equals("ttft_p99_ms");
      int x0 = 80 + panel * (W / 2);
      int y0 = 70;
      int pw = W / 2 - 130;
      int ph = H - 170;
      double min = Double.MAX_VALUE;
      double max = log ? 0 : 100;
      for (Map<String, Object> r : Report.rows(results, "streams")) {
        double v = Report.num(r, key) * (log ? 1 : 100);
        if (!Double.isNaN(v) && v > 0) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
      double lo = log ? Math.pow(10, Math.floor(Math.log10(min == Double.MAX_VALUE ? 1 : min))) : 0;
      double hi = log ? Math.pow(10, Math.ceil(Math.log10(Math.max(max, lo * 10)))) : niceCeiling(max);
      axes(g, x0, y0, pw, ph, panels[panel][1], "concurrent streams", "");
      int[] xs = new int[Bench.STREAMS.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = x0 + 20 + i * (pw - 40) / (xs.length - 1);
        g.setColor(Color.DARK_GRAY);
        centered(g, Integer.toString(Bench.STREAMS[i]), xs[i], y0 + ph + 20);
      }
      if (log) {
        for (double tick = lo; tick <= hi * 1.0001; tick *= 10) {
          int y = logY(tick, lo, hi, y0, ph);
          g.setColor(new Color(0xE0, 0xE0, 0xE0));
          g.drawLine(x0, y, x0 + pw, y);
          g.setColor(Color.DARK_GRAY);
          right(g, Report.f(tick), x0 - 6, y + 5);
        }
      } else {
        for (int i = 0; i <= 4; i++) {
          double tick = hi * i / 4;
          int y = y0 + ph - (int) (tick / hi * ph);
          g.setColor(new Color(0xE0, 0xE0, 0xE0));
          g.drawLine(x0, y, x0 + pw, y);
          g.setColor(Color.DARK_GRAY);
          right(g, Report.f(tick), x0 - 6, y + 5);
        }
      }
      for (int t = 0; t < targets.size(); t++) {
        g.setColor(COLORS[t % COLORS.length]);
        g.setStroke(new BasicStroke(2.5f));
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < Bench.STREAMS.length; i++) {
          Map<String, Object> r = Report.row(results, "streams", "streams", Bench.STREAMS[i], "target", targets.get(t)).orElse(null);
          double v = Report.num(r, key) * (log ? 1 : 100);
          if (Double.isNaN(v)) {
            continue;
          }
          int y =
              log
                  ? logY(Math.max(v, lo), lo, hi, y0, ph)
                  // overlapping zero lines are spread a little so that every target stays visible
                  : y0 + ph - (int) (Math.min(v, hi) / hi * ph) - (v == 0 ? t * 2 : 0);
          g.fillOval(xs[i] - 4, y - 4, 8, 8);
          if (lastX >= 0) {
            g.drawLine(lastX, lastY, xs[i], y);
          }
          lastX = xs[i];
          lastY = y;
        }
      }
    }
    legend(g, targets, 80, H - 40);
    finish(g, image, file);
  }

  private static double niceCeiling(double v) {
    if (v <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static int logY(double v, double lo, double hi, int y0, int ph) {
    double f = (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    return y0 + ph - (int) Math.round(f * ph);
  }

  private static Stroke dashed() {
    return new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f);
  }

  private static Graphics2D start(BufferedImage image, String title) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString(title, 20, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    return g;
  }

  private static void axes(Graphics2D g, int x0, int y0, int pw, int ph, String title, String xLabel, String yLabel) {
    g.setStroke(new BasicStroke(1f));
    g.setColor(Color.BLACK);
    g.drawRect(x0, y0, pw, ph);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    centered(g, title, x0 + pw / 2, y0 - 10);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    centered(g, xLabel, x0 + pw / 2, y0 + ph + 42);
    if (!yLabel.isEmpty()) {
      right(g, yLabel, x0 - 6, y0 - 10);
    }
  }

  private static void legend(Graphics2D g, List<String> targets, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    for (int t = 0; t < targets.size(); t++) {
      g.setColor(COLORS[t % COLORS.length]);
      g.setStroke(new BasicStroke(3f));
      g.drawLine(x, y, x + 30, y);
      g.setColor(Color.BLACK);
      g.drawString(targets.get(t), x + 38, y + 5);
      x += 60 + g.getFontMetrics().stringWidth(targets.get(t));
    }
  }

  private static void centered(Graphics2D g, String text, int x, int y) {
    FontMetrics m = g.getFontMetrics();
    g.drawString(text, x - m.stringWidth(text) / 2, y);
  }

  private static void right(Graphics2D g, String text, int x, int y) {
    FontMetrics m = g.getFontMetrics();
    g.drawString(text, x - m.stringWidth(text), y);
  }

  private static void finish(Graphics2D g, BufferedImage image, Path file) throws IOException {
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }
}
