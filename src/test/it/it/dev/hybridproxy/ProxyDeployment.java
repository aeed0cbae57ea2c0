package it.dev.hybridproxy;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The packaged WAR, deployed under a name no {@code <webApplication>} in server.xml uses. */
public final class ProxyDeployment {
  private ProxyDeployment() {}

  public static WebArchive war() {
    return ShrinkWrap.create(ZipImporter.class, "proxy-it.war")
        .importFrom(new File("target/hybrid-llm-proxy.war"))
        .as(WebArchive.class);
  }
}
