package io.chaosplaybooks.cli;

import io.chaosplaybooks.runtime.run.RunException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Runs chaos playbooks: Groovy DSL scripts that inject network faults into memcached servers",
        "through Toxiproxy-compatible proxies while a built-in load engine drives traffic, and decide",
        "a verdict per scenario.",
        "",
        "Example playbook:",
        "  scenario \"packet-loss-10\" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }",
    },
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  ok: everything ran and every expectation held",
        "  1  a scenario failed its expectations",
        "  2  invalid playbook or command line",
        "  3  runtime error (server unreachable, port in use, I/O)",
        "130  interrupted by Ctrl-C or SIGTERM (after cleaning up)",
        "",
        "Run 'chaos help COMMAND' or 'chaos COMMAND --help' for a command's options.",
    })
public final class ChaosCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The commands, built only when asked for: picocli reflects over every option of every command
     * it is given, which costs a short command like {@code validate} about 150 ms at start-up.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("run", RunCommand::new);
        m.put("repl", ReplCommand::new);
        m.put("validate", ValidateCommand::new);
        m.put("list", ListCommand::new);
        m.put("load", LoadCommand::new);
        m.put("proxy", ProxyCommand::new);
        m.put("report", ReportCommand::new);
        m.put("schedule", ScheduleCommand::new);
        m.put("status", StatusCommand::new);
        m.put("stop", StopCommand::new);
        m.put("pause", PauseCommand::new);
        m.put("resume", ResumeCommand::new);
        m.put("serve", ServeCommand::new);
        m.put("replay", ReplayCommand::new);
        m.put("diff", DiffCommand::new);
        return m;
    }

    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The command line for these arguments: with only the command they name, or all of them (help, typos). */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new ChaosCommand());
        String first = args.length > 0 ? args[0] : null;
        if (first != null && COMMANDS.containsKey(first)) {
            cl.addSubcommand(first, COMMANDS.get(first).get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExitCodeExceptionMapper(ChaosCommand::exitCodeFor);
        cl.setExecutionExceptionHandler(ChaosCommand::handleExecutionException);
        cl.setParameterExceptionHandler(ChaosCommand::handleParameterException);
        return cl;
    }

    /** The one place where failures become exit codes: commands throw what went wrong, never a number. */
    static int exitCodeFor(Throwable t) {
        return switch (t) {
            case UserFacingException.Invalid invalid -> ExitCodes.INVALID;
            case CommandLine.ParameterException badCommandLine -> ExitCodes.INVALID;
            case Interruptible.Stopped stopped -> ExitCodes.INTERRUPTED;
            default -> ExitCodes.RUNTIME_ERROR; // UserFacingException.Failed, RunException, and bugs
        };
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof UserFacingException || ex instanceof RunException || ex instanceof Interruptible.Stopped) {
            err.println("chaos: " + ex.getMessage());
        } else {
            // Not a user's mistake: keep the cause visible for a bug report.
            err.println("chaos: internal error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return cl.getExitCodeExceptionMapper().getExitCode(ex);
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("chaos: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return cl.getExitCodeExceptionMapper().getExitCode(ex);
    }
}
