using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// A package named on the command line (directory or .zip), verified against the trusted keys. A zip is extracted
/// into a scratch directory that is removed again when the scope ends.
/// </summary>
internal sealed class PackageArgument : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"edgemlops-cli-{Guid.NewGuid():N}");

    private PackageArgument(string path) => Given = path;

    public string Given { get; }
    public VerifiedModelPackage? Package { get; private set; }
    public ModelPackageException? Problem { get; private set; }

    public static PackageArgument Verify(string path, TrustedKeys trust)
    {
        var argument = new PackageArgument(path);
        try
        {
            argument.Package = ModelPackageVerifier.Verify(path, trust, File.Exists(path) ? argument._scratch : null);
        }
        catch (ModelPackageException ex)
        {
            argument.Problem = ex;
        }
        return argument;
    }

    /// <summary>The one line a failed verification prints: the error kind and the message naming the file.</summary>
    public string ProblemLine => $"INVALID {Given}: {Problem!.Error}: {Problem.Message}";

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
