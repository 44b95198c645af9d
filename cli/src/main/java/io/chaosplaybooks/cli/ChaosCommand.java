package io.chaosplaybooks.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

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
    subcommands = {
        RunCommand.class,
        ReplCommand.class,
        ValidateCommand.class,
        ListCommand.class,
        LoadCommand.class,
        ProxyCommand.class,
        CommandLine.HelpCommand.class,
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

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ChaosCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(ChaosCommand::handleExecutionException);
        cl.setParameterExceptionHandler(ChaosCommand::handleParameterException);
        return cl;
    }

    /** The one place where failures become exit codes. */
    static int exitCodeFor(Throwable t) {
        if (t instanceof UserFacingException u) {
            return u.exitCode();
        }
        if (t instanceof CommandLine.ParameterException) {
            return ExitCodes.INVALID;
        }
        return ExitCodes.RUNTIME_ERROR;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof UserFacingException) {
            err.println("chaos: " + ex.getMessage());
        } else {
            // Not a user's mistake: keep the cause visible for a bug report.
            err.println("chaos: internal error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCodeFor(ex);
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("chaos: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.INVALID;
    }
}
