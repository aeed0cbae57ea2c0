package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    return Json.map(
        "cpu", cpuModel(),
        "cores", Runtime.getRuntime().availableProcessors(),
        "memory_gb", memoryGb(),
        "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static double memoryGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return 0;
  }

  static String libertyVersion(Path wlp) {
    try {
      for (String line : Files.readAllLines(wlp.resolve("lib/versions/openliberty.properties"))) {
        if (line.startsWith("com.ibm.websphere.productVersion=")) {
          return line.substring(line.indexOf('=') + 1).trim();
        }
      }
    } catch (IOException e) {
      // unknown
    }
    return "unknown";
  }

  static String nginxVersion() {
    String out = command(List.of(Gateways.onPath("nginx", "/usr/sbin/nginx").map(Path::toString).orElse("nginx"), "-v"));
    return out.replaceAll("(?s).*nginx/", "").trim();
  }

  static String nodeVersion() {
    return command(List.of(Gateways.onPath("node", "/usr/bin/node").map(Path::toString).orElse("node"), "--version")).trim();
  }

  private static String command(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
