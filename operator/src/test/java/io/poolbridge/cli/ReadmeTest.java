package io.poolbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README is what a newcomer trusts first: every {@code bin/poolbridge simulate} command in a
 * {@code sh} block that is followed by an output block prints exactly that output (the commands
 * run from the repository root, as the README says).
 */
class ReadmeTest {
  private static final Pattern COMMAND_THEN_OUTPUT = Pattern.compile(
      "```sh\\n(bin/poolbridge simulate [^\\n]*)\\n```\\n(?:\\n(?:[^`\\n][^\\n]*)?)*\\n```\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everySimulateExampleWithItsOutputPrintsThatOutput() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    Matcher m = COMMAND_THEN_OUTPUT.matcher(readme);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String command = m.group(1);
      List<String> args = new ArrayList<>(Arrays.asList(command.substring("bin/poolbridge ".length()).split(" +")));
      // Paths are relative to the repository root; the tests run in operator/.
      args.replaceAll(a -> a.startsWith("samples/") ? "../" + a : a);
      SimulateCommandTest.Run run = SimulateCommandTest.run(args.toArray(String[]::new));
      assertThat(run.exitCode()).as(command + "\n" + run.err()).isZero();
      assertThat(run.out()).as("the README's output of: " + command).isEqualTo(m.group(2));
      checked.add(command);
    }
    assertThat(checked).as("README examples with their output").hasSizeGreaterThanOrEqualTo(2);
  }
}
