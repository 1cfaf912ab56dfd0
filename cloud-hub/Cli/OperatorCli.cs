namespace EdgeMlops.CloudHub.Cli;

/// <summary>
/// Dispatches <c>cloud-hub GROUP COMMAND ...</c> to its command. Exit codes: 0 success, 1 the command ran and
/// failed (e.g. a package did not verify), 2 the command line was wrong (usage printed), 130 cancelled.
/// </summary>
public sealed class OperatorCli(IEnumerable<ICliCommand> commands)
{
    public const int UsageError = 2;
    public const int Cancelled = 130;
    private readonly IReadOnlyList<ICliCommand> _commands = commands.ToList();

    /// <summary>Runs one operator command on the console: output on stdout, logs and errors on stderr; Ctrl+C cancels.</summary>
    public static async Task<int> RunConsoleAsync(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            // Logs go to stderr so command output on stdout stays parseable by scripts.
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddOperatorCommands();
        await using var provider = services.BuildServiceProvider();

        var cli = new OperatorCli(provider.GetServices<ICliCommand>());
        try
        {
            return await cli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return Cancelled;
        }
    }

    public async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var command = _commands
            .Where(c => Matches(c, args))
            .OrderByDescending(c => c.Name.Split(' ').Length)
            .FirstOrDefault();
        if (command is null)
        {
            if (args.Length > 0 && args[0] is not ("help" or "--help" or "-h"))
                error.WriteLine($"Unknown command '{string.Join(' ', args.Take(2))}'.");
            WriteUsage(error);
            return args.Length > 0 && args[0] is "help" or "--help" or "-h" ? 0 : UsageError;
        }

        try
        {
            var arguments = CommandArguments.Parse(args.Skip(command.Name.Split(' ').Length), "json", "force", "rotate", "scramble-head", "undo");
            return await command.RunAsync(arguments, output, cancellationToken);
        }
        catch (UsageException ex)
        {
            error.WriteLine($"{command.Name}: {ex.Message}");
            error.WriteLine($"usage: cloud-hub {command.Name} {command.Usage}");
            return UsageError;
        }
    }

    public bool Handles(string[] args) => _commands.Any(c => Matches(c, args)) || (args.Length > 0 && args[0] is "help" or "--help" or "-h");

    private static bool Matches(ICliCommand command, string[] args)
    {
        var words = command.Name.Split(' ');
        return args.Length >= words.Length && words.Select((w, i) => w == args[i]).All(m => m);
    }

    public void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: cloud-hub COMMAND [ARGS]");
        writer.WriteLine();
        foreach (var c in _commands)
            writer.WriteLine($"  {c.Name} {c.Usage}\n      {c.Summary}");
    }
}
