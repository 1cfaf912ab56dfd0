using EdgeMlops.Packaging;

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

        var scratch = Path.Combine(Path.GetTempPath(), $"edgemlops-verify-{Guid.NewGuid():N}");
        try
        {
            var package = ModelPackageVerifier.Verify(path, trust, File.Exists(path) ? scratch : null);
            var m = package.Manifest;
            output.WriteLine($"OK {m.Name} {m.Version}: {m.Files.Count} files verified, signed by key {package.KeyId}, labels {string.Join(",", m.Labels)}");
            return Task.FromResult(0);
        }
        catch (ModelPackageException ex)
        {
            output.WriteLine($"INVALID {path}: {ex.Error}: {ex.Message}");
            return Task.FromResult(1);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
