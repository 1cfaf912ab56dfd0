namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>model verify PATH</c>: exit 0 and one line when the package verifies; exit 1 and the reason when not.</summary>
public sealed class ModelVerifyCommand : ICliCommand
{
    public string Name => "model verify";
    public string Usage => "PATH [--trust DIR]";
    public string Summary => "Verify a model package (directory or .zip): hashes, signature, trusted key.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var path = arguments.PositionalAt(0, "package PATH");
        var trust = TrustOption.Load(arguments);
        arguments.RejectUnknown();

        using var argument = PackageArgument.Verify(path, trust);
        if (argument.Package is not { } package)
        {
            output.WriteLine(argument.ProblemLine);
            return Task.FromResult(1);
        }
        var m = package.Manifest;
        output.WriteLine($"OK {m.Name} {m.Version}: {m.Files.Count} files verified, signed by key {package.KeyId}, labels {string.Join(",", m.Labels)}");
        return Task.FromResult(0);
    }
}
