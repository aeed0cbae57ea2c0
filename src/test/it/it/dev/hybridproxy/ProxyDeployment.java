package it.dev.hybridproxy;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The packaged WAR, deployed under a name no {@code <webApplication>} in server.xml uses. */
public final class ProxyDeployment {
  private ProxyDeployment() {}

  public static WebArchive war() {
    return ShrinkWrap.create(ZipImporter.class, "proxy-it.war")
        .importFrom(new File("target/hybrid-llm-proxy.war"))
        .as(WebArchive.class);
  }

  /**
   * The packaged WAR with settings of its own, for a test that needs a configuration the shared
   * server must not have: a library whose {@code META-INF/microprofile-config.properties} has
   * ordinal 500, above the server's environment and system properties.
   *
   * @param settings {@code key=value} lines
   */
  public static WebArchive configured(String name, String... settings) {
    String properties = "config_ordinal=500\n" + String.join("\n", settings) + "\n";
    JavaArchive overrides =
        ShrinkWrap.create(JavaArchive.class, "it-settings.jar")
            .addAsManifestResource(new StringAsset(properties), "microprofile-config.properties");
    return ShrinkWrap.create(ZipImporter.class, name)
        .importFrom(new File("target/hybrid-llm-proxy.war"))
        .as(WebArchive.class)
        .addAsLibrary(overrides);
  }
}
