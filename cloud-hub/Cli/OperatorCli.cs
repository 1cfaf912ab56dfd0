namespace EdgeMlops.CloudHub.Cli;

/// <summary>
/// Dispatches <c>cloud-hub GROUP COMMAND ...</c> to its command. Exit codes: 0 success, 1 the command ran and
/// failed (e.g. a package did not verify), 2 the command line was wrong (usage printed).
/// </summary>
public sealed class OperatorCli(IEnumerable<ICliCommand> commands)
{
    public const int UsageError = 2;
    private readonly IReadOnlyList<ICliCommand> _commands = commands.ToList();

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
            var arguments = CommandArguments.Parse(args.Skip(command.Name.Split(' ').Length), "json", "force", "rotate");
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
