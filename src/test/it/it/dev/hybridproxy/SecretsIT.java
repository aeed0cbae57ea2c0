package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets (SPEC §10, issue 7): an upstream request carries its own backend's key and no other key
 * (nor the client's), and no error the client sees — status or stream event — repeats a key or the
 * upstream's internal address, even when the upstream itself echoes them. Keys are read from the
 * test server's environment. The log side is {@link SecretsLogAudit}, after the whole suite.
 */
@ExtendWith(ArquillianExtension.class)
class SecretsIT {
  private static final StubUpstream STUB = StubUpstream.get();
  private static final FaultUpstream FAULTY = FaultUpstream.get();
  private static final Path SERVER =
      Path.of(System.getProperty("it.servers.dir"), System.getProperty("it.server.name"));
  private static final String FAULTY_ADDRESS = "127.0.0.1:" + Integer.getInteger("it.fault.port");
  private static final String STUB_ADDRESS = "127.0.0.1:" + Integer.getInteger("it.stub.port");

  /** Backend name → its key, from the server's environment. */
  private static final Map<String, String> KEYS = backendKeys();

  /** The client keys the server accepts. */
  private static final List<String> CLIENT_KEYS = clientKeys();

  @ArquillianResource private URL base;
  private ProxyClient client;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  @BeforeEach
  void setUp() {
    client = new ProxyClient(base);
  }

  private static List<String> envLines() {
    try {
      return Files.readAllLines(SERVER.resolve("server.env"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> backendKeys() {
    Map<String, String> keys = new LinkedHashMap<>();
    Pattern key = Pattern.compile("BACKENDS_([A-Z0-9_]+)_API_KEY=(.+)");
    for (String line : envLines()) {
      Matcher matcher = key.matcher(line.strip());
      if (matcher.matches()) {
        keys.put(matcher.group(1).toLowerCase(Locale.ROOT).replace('_', '-'), matcher.group(2));
      }
    }
    return keys;
  }

  private static List<String> clientKeys() {
    for (String line : envLines()) {
      if (line.startsWith("PROXY_API_KEYS=")) {
        return List.of(line.substring("PROXY_API_KEYS=".length()).split(","));
      }
    }
    return List.of();
  }

  // --- every upstream request carries its own key only -------------------------------------------

  @Test
  void everyBackendGetsItsOwnKeyAndNoOtherOnPlainAndHybridRequests() throws Exception {
    for (String backend : List.of("mock", "strict", "claude", "gem")) {
      STUB.script("sec-" + backend, SecretsIT::answerInTheRequestsProtocol);
    }
    FAULTY.script("sec-faulty", ex -> UpstreamFault.answer(ex, "Hi"));
    List<String> backends = List.of("mock", "strict", "claude", "gem", "faulty");

    for (int i = 0; i < backends.size(); i++) {
      String one = backends.get(i);
      String next = backends.get((i + 1) % backends.size());
      assertThat(client.post("v1/chat/completions", body(one + ":sec-" + one, false)).statusCode())
          .isEqualTo(200);
      ProxyClient.Stream stream =
          client.stream(
              body("hybrid:[" + one + ":sec-" + one + "," + next + ":sec-" + next + "]", true));
      assertThat(stream.data().get(stream.data().size() - 1).data()).isEqualTo("[DONE]");
    }

    for (String backend : backends) {
      List<Sent> sent = sentFor("sec-" + backend);
      assertThat(sent).as("requests to " + backend).hasSizeGreaterThanOrEqualTo(3);
      for (Sent request : sent) {
        assertThat(request.secretsIn())
            .as("secrets in a request to %s: %s", backend, request.where())
            .containsExactly(KEYS.get(backend));
      }
    }
  }

  @Test
  void noUpstreamRequestOfTheWholeRunCarriesAKeyThatIsNotItsBackends() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Sent request : everythingSent()) {
      checked++;
      List<String> secrets = request.secretsIn();
      if (secrets.size() > 1 || !request.allowedKeys().containsAll(secrets)) {
        wrong.add(request.where() + " carried " + secrets.size() + " known secret(s)");
      }
    }
    System.out.println("SECRETS upstream requests checked for foreign keys: " + checked);
    assertThat(wrong).isEmpty();
  }

  // --- errors never echo a key or an internal address --------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "400-json",
        "401-json",
        "404-json",
        "429-json",
        "500-json",
        "502-html",
        "stream-error-event"
      })
  void anUpstreamErrorThatEchoesItsKeyAndAddressReachesTheClientWithoutThem(String kind)
      throws Exception {
    String key = KEYS.get("faulty");
    String echo =
        "Incorrect API key provided: "
            + key
            + ". You sent it to http://"
            + FAULTY_ADDRESS
            + "/v1/chat/completions (see http://"
            + FAULTY_ADDRESS
            + "/docs)";
    String model = "sec-echo-" + kind;
    FAULTY.script(
        model,
        ex -> {
          String envelope =
              "{\"error\":{\"message\":"
                  + UpstreamFault.quote(echo)
                  + ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"bad\"}}";
          switch (kind) {
            case "502-html" ->
                ex.respond(502, "text/html", "<html><body>" + echo + "</body></html>");
            case "stream-error-event" -> {
              ex.event(UpstreamFault.delta(ex.model, "content", "Hel"));
              ex.event(envelope);
              ex.awaitHangUp(UpstreamFault.PATIENCE);
            }
            default -> ex.json(Integer.parseInt(kind.substring(0, 3)), envelope);
          }
        });

    for (boolean stream : new boolean[] {false, true}) {
      String seen;
      if (stream) {
        ProxyClient.Stream answer = client.stream(body("faulty:" + model, true));
        StringBuilder text = new StringBuilder();
        answer.lines().forEach(l -> text.append(l.text()).append('\n'));
        seen = answer.response().statusCode() + " " + text;
      } else {
        HttpResponse<String> answer =
            client.post("v1/chat/completions", body("faulty:" + model, false));
        seen = answer.statusCode() + " " + answer.headers().map() + " " + answer.body();
      }
      assertThat(seen)
          .as("what the client saw (%s, stream=%s)", kind, stream)
          .contains("error")
          .doesNotContain(key)
          .doesNotContain(FAULTY_ADDRESS)
          .doesNotContain(STUB_ADDRESS)
          .doesNotContain(CLIENT_KEYS.get(0));
    }
  }

  // --- what the upstreams received
  // ----------------------------------------------------------------

  /** One request an upstream received, reduced to what matters here. */
  private record Sent(String upstream, String path, String model, String headers, String body) {

    /** Every known secret (backend keys and client keys) that appears in it. */
    List<String> secretsIn() {
      List<String> found = new ArrayList<>();
      for (String secret : KEYS.values()) {
        if (headers.contains(secret) || body.contains(secret)) {
          found.add(secret);
        }
      }
      for (String secret : CLIENT_KEYS) {
        if (headers.contains(secret) || body.contains(secret)) {
          found.add(secret);
        }
      }
      return found;
    }

    /** The keys this request may carry: of the backend its upstream and path belong to. */
    List<String> allowedKeys() {
      if (upstream.equals("faulty")) {
        return List.of(KEYS.get("faulty"));
      }
      if (path.contains("/anthropic/")) {
        return List.of(KEYS.get("claude"));
      }
      if (path.contains("/gemini/")) {
        return List.of(KEYS.get("gem"));
      }
      // mock and strict share the stub's /v1 path: this suite's models say which one was meant
      if (model != null && model.startsWith("sec-strict")) {
        return List.of(KEYS.get("strict"));
      }
      if (model != null && model.startsWith("sec-mock")) {
        return List.of(KEYS.get("mock"));
      }
      return List.of(KEYS.get("mock"), KEYS.get("strict"));
    }

    String where() {
      return upstream + " " + path + " model=" + model;
    }
  }

  private static List<Sent> everythingSent() {
    List<Sent> all = new ArrayList<>();
    for (StubUpstream.Exchange exchange : STUB.requests()) {
      all.add(
          new Sent(
              "stub",
              exchange.path,
              exchange.model,
              exchange.headers.toString(),
              String.valueOf(exchange.body)));
    }
    for (FaultUpstream.Exchange exchange : FAULTY.requests()) {
      all.add(
          new Sent(
              "faulty", exchange.path, exchange.model, exchange.headers.toString(), exchange.body));
    }
    return all;
  }

  private static List<Sent> sentFor(String model) {
    return everythingSent().stream().filter(s -> model.equals(s.model())).toList();
  }

  private static void answerInTheRequestsProtocol(StubUpstream.Exchange ex) throws IOException {
    Path fixtures = Path.of(System.getProperty("it.fixtures.dir"));
    boolean stream =
        ex.body.getBoolean("stream", false) || ex.path.endsWith(":streamGenerateContent");
    if (ex.path.contains("/anthropic/") || ex.path.contains("/gemini/")) {
      String provider = ex.path.contains("/anthropic/") ? "anthropic" : "gemini";
      if (stream) {
        ex.startStream();
        ex.write(Files.readString(fixtures.resolve(provider + "/streaming.sse")));
        ex.end();
      } else {
        ex.json(200, Files.readString(fixtures.resolve(provider + "/plain.response.json")));
      }
    } else if (stream) {
      ex.event(StubUpstream.contentChunk("chatcmpl-sec", ex.model, "Hi"));
      ex.event(StubUpstream.finishChunk("chatcmpl-sec", ex.model));
      ex.event("[DONE]");
      ex.end();
    } else {
      ex.json(200, UpstreamFault.completion(ex.model, "Hi"));
    }
  }

  private static String body(String model, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }
}
