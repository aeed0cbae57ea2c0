package dev.hybridproxy.api;

import dev.hybridproxy.engine.ModelCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/models}: every configured {@code backend:model} plus the aliases. */
@Path("/v1/models")
@ApplicationScoped
public class ModelsResource {
  private ModelCatalog catalog;

  protected ModelsResource() {}

  @Inject
  public ModelsResource(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public String list() {
    JsonArrayBuilder data = Json.createArrayBuilder();
    for (ModelCatalog.Entry entry : catalog.list()) {
      data.add(
          Json.createObjectBuilder()
              .add("id", entry.id())
              .add("object", "model")
              .add("created", entry.created())
              .add("owned_by", entry.ownedBy()));
    }
    return Json.createObjectBuilder().add("object", "list").add("data", data).build().toString();
  }
}
