namespace EdgeMlops.CloudHub.Cli;

/// <summary>One operator command, e.g. <c>model verify</c>.</summary>
public interface ICliCommand
{
    /// <summary>The words that select the command, e.g. "model verify".</summary>
    string Name { get; }

    /// <summary>One usage line: the command's arguments and options.</summary>
    string Usage { get; }

    string Summary { get; }

    /// <returns>The process exit code: 0 for success.</returns>
    Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken);
}
