package dev.hybridproxy.engine;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A backend whose answers are scripted per model, recording every request it got. */
final class FakeBackend implements Backend {
  private final String name;
  final List<UpstreamRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Function<UpstreamRequest, ChunkStream>> streams =
      new ConcurrentHashMap<>();
  private final Map<String, Function<UpstreamRequest, JsonObject>> answers =
      new ConcurrentHashMap<>();

  FakeBackend(String name) {
    this.name = name;
  }

  FakeBackend streams(String model, Function<UpstreamRequest, ChunkStream> stream) {
    streams.put(model, stream);
    return this;
  }

  FakeBackend answers(String model, Function<UpstreamRequest, JsonObject> answer) {
    answers.put(model, answer);
    return this;
  }

  List<UpstreamRequest> requests(String model) {
    return requests.stream().filter(r -> r.model().equals(model)).toList();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public JsonObject complete(UpstreamRequest request) {
    requests.add(request);
    return answers.get(request.model()).apply(request);
  }

  @Override
  public ChunkStream stream(UpstreamRequest request) {
    requests.add(request);
    return streams.get(request.model()).apply(request);
  }

  @Override
  public List<String> models() {
    return List.of();
  }
}
