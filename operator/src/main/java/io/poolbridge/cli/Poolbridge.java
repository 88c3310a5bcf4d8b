package io.poolbridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code poolbridge} command line. */
@Command(
    name = "poolbridge",
    mixinStandardHelpOptions = true,
    versionProvider = Poolbridge.Version.class,
    description = "Pools node capacity from several clouds and datacenters and lends it, fairly and under quota.",
    subcommands = {SimulateCommand.class, CommandLine.HelpCommand.class})
public final class Poolbridge {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new Poolbridge()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Poolbridge.class.getPackage().getImplementationVersion();
      return new String[] {"poolbridge " + (v == null ? "development build" : v)};
    }
  }
}
