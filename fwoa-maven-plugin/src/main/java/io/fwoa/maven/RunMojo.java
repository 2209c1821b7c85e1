package io.fwoa.maven;

import io.fwoa.engine.node.NodeRuntime;
import io.fwoa.engine.node.NodeRuntimeException;
import io.fwoa.engine.run.LocalRun;
import io.fwoa.server.local.LocalStackException;
import io.fwoa.server.local.NpmPackages;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

/**
 * Runs the whole FHIR service on this machine, no AWS account needed: DynamoDB (dynalite), S3
 * (s3rver) and Cognito (cognito-local) emulators, installed with npm from a pinned lock file on
 * first use, an OpenSearch node embedded in the server's JVM (each write is indexed through the
 * stream Lambda's handler before it returns), and the FHIR API on 127.0.0.1 through the same Lambda
 * handler code the cloud runs. The server runs in a JVM of its own (fwoa.jvmArguments), which stops
 * with the build.
 * Needs Node.js 20 or newer and npm on PATH (checked first, with what to install if they are missing).
 * Prints the base URL and a practitioner token; Ctrl-C stops everything.
 */
@Mojo(name = "run", threadSafe = true, requiresProject = false)
public class RunMojo extends AbstractFwoaMojo {

  /** Port of the FHIR API on 127.0.0.1 (0 picks a free port). */
  @Parameter(property = "fwoa.port", defaultValue = "8080")
  private int port;

  /** Where the local data is kept between runs. */
  @Parameter(property = "fwoa.dataDirectory", defaultValue = "${project.build.directory}/fwoa/local")
  private File dataDirectory;

  /** Start with empty data (deletes the data directory first). */
  @Parameter(property = "fwoa.clean", defaultValue = "false")
  private boolean clean;

  /** Where the emulators are installed on first use (default: $FWOA_CACHE_DIR or ~/.cache/fwoa). */
  @Parameter(property = "fwoa.cacheDirectory")
  private File cacheDirectory;

  /** Check that the server answers, then stop instead of waiting for Ctrl-C (scripts, CI). */
  @Parameter(property = "fwoa.exitAfterStartup", defaultValue = "false")
  private boolean exitAfterStartup;

  /**
   * Options of the server's JVM (fwoa:run forks one), separated by spaces. The default, C1 only,
   * saves most of the CPU a short run spends compiling; a value replaces it (for example
   * "-XX:TieredStopAtLevel=1 -Xmx2g").
   */
  @Parameter(property = "fwoa.jvmArguments", defaultValue = LocalRun.DEFAULT_JVM_ARGUMENTS)
  private String jvmArguments;

  @Parameter(defaultValue = "${plugin}", readonly = true)
  private PluginDescriptor plugin;

  @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
  private RepositorySystemSession repositorySession;

  @Parameter(defaultValue = "${project.remotePluginRepositories}", readonly = true)
  private List<RemoteRepository> pluginRepositories;

  @Component
  private RepositorySystem repositorySystem;

  /** Where node and npm are looked for (the build's environment; tests replace it). */
  Map<String, String> environment = System.getenv();

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      return;
    }
    if (port < 0 || port > 65535) {
      throw new MojoFailureException("fwoa.port must be between 0 and 65535 (got " + port + "): set <port> or "
          + "-Dfwoa.port=8080");
    }
    if (issuerEndpoint != null || oAuth2ApiEndpoint != null) {
      getLog().warn("fwoa:run serves Cognito (non-SMART) authentication only; the SMART endpoints are ignored "
          + "locally");
    }
    LocalRun.Settings settings = new LocalRun.Settings(dataDirectory.toPath(), port,
        cacheDirectory != null ? cacheDirectory.toPath() : NpmPackages.defaultCacheDirectory(), clean,
        enableMultiTenancy, exitAfterStartup, enableESHardDelete, enforceReferentialIntegrity,
        LocalRun.Settings.jvmArguments(jvmArguments));
    try {
      new LocalRun(engineLog(), new NodeRuntime(environment), this::serverClasspath).run(settings);
    } catch (NodeRuntimeException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (LocalStackException e) {
      String hint = e.getMessage() != null && e.getMessage().contains("in use")
          ? "" : "\nThe emulators' logs are in " + dataDirectory + "/logs";
      throw new MojoFailureException(e.getMessage() + hint, e);
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new MojoExecutionException("The local FHIR server failed: " + e.getMessage(), e);
    }
  }

  /**
   * The forked server's classpath: this plugin and its dependencies, plus slf4j-api, which Maven
   * lends its plugins from its own (older) copy instead of resolving theirs; resolved here in the
   * version of the slf4j-simple the server logs with.
   */
  private List<Path> serverClasspath() {
    if (plugin == null) {
      return LocalRun.ownClasspath(); // not started by Maven (tests)
    }
    List<Path> out = new ArrayList<>(); // the plugin's artifacts include the plugin itself
    String slf4jVersion = null;
    boolean hasApi = false;
    for (Artifact a : plugin.getArtifacts()) {
      out.add(a.getFile().toPath());
      if ("org.slf4j".equals(a.getGroupId())) {
        hasApi |= "slf4j-api".equals(a.getArtifactId());
        slf4jVersion = "slf4j-simple".equals(a.getArtifactId()) ? a.getVersion() : slf4jVersion;
      }
    }
    if (!hasApi && slf4jVersion != null) {
      try {
        ArtifactResult api = repositorySystem.resolveArtifact(repositorySession, new ArtifactRequest(
            new DefaultArtifact("org.slf4j", "slf4j-api", "jar", slf4jVersion), pluginRepositories, null));
        out.add(api.getArtifact().getFile().toPath());
      } catch (ArtifactResolutionException e) {
        throw new UncheckedIOException(new IOException("Could not resolve org.slf4j:slf4j-api:" + slf4jVersion
            + " for the local server's JVM: " + e.getMessage(), e));
      }
    }
    return out;
  }
}
