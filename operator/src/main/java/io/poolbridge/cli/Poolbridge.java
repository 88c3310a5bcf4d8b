package io.poolbridge.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code poolbridge} command line. It writes UTF-8 whatever the platform charset (under {@code
 * LANG=C} Java's default writers would print {@code ?} for {@code ×} and non-ASCII names); a bad
 * command line is one {@code error:} line and exit code 2; an unexpected failure one {@code error:
 * internal error} line and exit code 70, with the stack trace only under {@code --debug}.
 */
@Command(
    name = "poolbridge",
    mixinStandardHelpOptions = true,
    versionProvider = Poolbridge.Version.class,
    description = "Pools node capacity from several clouds and datacenters and lends it, fairly and under quota.",
    subcommands = {SimulateCommand.class, DemoCommand.class, RunCommand.class, CommandLine.HelpCommand.class})
public final class Poolbridge implements Callable<Integer> {
  /** Exit code of an invalid command line. */
  public static final int USAGE = 2;
  /** Exit code of an unexpected internal error (sysexits' EX_SOFTWARE). */
  public static final int INTERNAL_ERROR = 70;

  @Spec CommandSpec spec;

  /** Whether standard output is a terminal: set by {@link #main} only, so in-process runs print plain text. */
  private static volatile boolean stdoutIsTerminal;

  public static void main(String[] args) {
    stdoutIsTerminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    System.exit(execute(commandLine(), new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err), args));
  }

  /** Whether this process's standard output is a terminal (cursor movement allowed), as {@link #main} found it. */
  static boolean stdoutIsTerminal() {
    return stdoutIsTerminal;
  }

  /** Runs the command line on this process's standard streams and returns its exit code. */
  public static int run(String... args) {
    return execute(commandLine(), System.out, System.err, args);
  }

  /** The command line, its subcommands made by picocli's default factory. */
  public static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  static CommandLine commandLine(CommandLine.IFactory factory) {
    CommandLine cli = new CommandLine(new Poolbridge(), factory).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(Poolbridge::usageError);
    cli.setExecutionExceptionHandler(Poolbridge::internalError);
    return cli;
  }

  /** Runs {@code cli} writing UTF-8 to {@code out} and {@code err}; returns the exit code. */
  static int execute(CommandLine cli, OutputStream out, OutputStream err, String... args) {
    PrintWriter o = utf8(out);
    PrintWriter e = utf8(err);
    cli.setOut(o);
    cli.setErr(e);
    try {
      return cli.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  private static PrintWriter utf8(OutputStream stream) {
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)));
  }

  /** One line saying what is wrong, then where to read more: no usage text burying the message. */
  static int usageError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for the options and examples.");
    err.flush();
    return USAGE;
  }

  /** A bug: one line and how to get details, or with {@code --debug} the stack trace too. */
  static int internalError(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    String message = e.getMessage() == null || e.getMessage().isBlank() ? "unexpected failure" : e.getMessage();
    if (debug(parsed)) {
      err.println("error: internal error: " + message);
      e.printStackTrace(err);
    } else {
      err.println("error: internal error: " + message + "; run with --debug for details");
    }
    err.flush();
    return INTERNAL_ERROR;
  }

  private static boolean debug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** {@code poolbridge} alone: name the commands. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing a command: poolbridge demo, run or simulate (or help)");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Poolbridge.class.getPackage().getImplementationVersion();
      return new String[] {"poolbridge " + (v == null ? "development build" : v)};
    }
  }
}
