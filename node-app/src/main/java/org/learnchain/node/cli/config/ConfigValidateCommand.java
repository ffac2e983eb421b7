package org.learnchain.node.cli.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.learnchain.config.ConfigProblem;
import org.learnchain.config.ConfigResult;
import org.learnchain.config.ConfigText;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code learnchain config validate FILE}: checks a node config (TOML) or a genesis (JSON) and
 * reports every problem, one per line, as {@code file:line:column: key: what is wrong}.
 */
@Command(
    name = "validate",
    description = {
      "Check a node configuration (TOML) or genesis (JSON) file and report every problem.",
      "The kind is taken from the extension (.toml, .json), else from the content. Only the"
          + " file is checked: LEARNCHAIN_* environment variables are not applied.",
      "Prints 'OK FILE' when the file is valid; otherwise one line per problem on stderr."
    })
public final class ConfigValidateCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(paramLabel = "FILE", description = "the file to check")
  private Path file;

  public ConfigValidateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ConfigResult<String> text = ConfigText.read(file);
    List<ConfigProblem> problems;
    if (!text.isValid()) {
      problems = text.problems();
    } else if (isGenesis(text.value())) {
      problems = GenesisJson.parse(text.value(), file.toString()).problems();
    } else {
      problems =
          NodeConfigLoader.parse(
                  text.value(), file.toString(), file.getParent(), Map.of(), Map.of())
              .problems();
    }
    if (problems.isEmpty()) {
      ctx.out().println("OK " + file);
      return 0;
    }
    for (ConfigProblem p : problems) {
      ctx.err().println(p.format());
    }
    return ExitCodes.FAILURE;
  }

  /** By extension; otherwise a JSON document starts with '{' and a TOML file never does. */
  private boolean isGenesis(String text) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return true;
    }
    if (lower.endsWith(".toml")) {
      return false;
    }
    return text.strip().startsWith("{");
  }
}
