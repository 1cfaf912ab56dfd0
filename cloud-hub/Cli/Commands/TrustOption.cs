using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>The <c>--trust DIR</c> option: a folder of <c>*.pub.pem</c> keys, by default the development key in models/keys.</summary>
internal static class TrustOption
{
    public const string DefaultDirectory = "models/keys";

    public static TrustedKeys Load(CommandArguments arguments)
    {
        var directory = arguments.Optional("trust") ?? DefaultDirectory;
        if (!Directory.Exists(directory))
            throw new UsageException($"Trust folder '{directory}' does not exist (give --trust DIR with *{TrustedKeys.PublicKeyFileSuffix} files).");
        var trust = TrustedKeys.FromDirectory(directory);
        if (trust.KeyIds.Count == 0)
            throw new UsageException($"Trust folder '{directory}' holds no *{TrustedKeys.PublicKeyFileSuffix} public keys.");
        return trust;
    }
}
