using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>The registration checks, by the name a refusal reports in its <c>check</c> field and the metrics count it under.</summary>
public static class RegistrationChecks
{
    /// <summary>The hub has no usable folder of trusted publisher keys.</summary>
    public const string PublisherTrust = "publisher-trust";

    /// <summary>The upload is larger than <c>Hub:Registry:MaxPackageBytes</c>.</summary>
    public const string Size = "size";

    /// <summary>The zip cannot be read or holds unsafe entries.</summary>
    public const string Archive = "archive";

    /// <summary>No manifest, or one that is malformed or of an unknown format.</summary>
    public const string Manifest = "manifest";

    /// <summary>Unsigned, signed by a key the hub does not trust, or changed after signing.</summary>
    public const string Signature = "signature";

    /// <summary>A file is missing, unlisted, or differs from the manifest.</summary>
    public const string Files = "files";

    /// <summary>The ONNX graph does not match the manifest (input, output, label count) or does not load.</summary>
    public const string Graph = "graph";

    /// <summary>The canary set cannot be read or scores under the manifest's gate.</summary>
    public const string Canary = "canary";

    /// <summary>The (name, version) is registered with other content.</summary>
    public const string Immutable = "immutable";

    /// <summary>Every check, in the order registration runs them.</summary>
    public static IReadOnlyList<string> All { get; } = [PublisherTrust, Size, Archive, Manifest, Signature, Files, Graph, Canary, Immutable];

    /// <summary>The check a package verification failure belongs to.</summary>
    public static string Of(ModelPackageError error) => error switch
    {
        ModelPackageError.CorruptArchive or ModelPackageError.UnsafeArchiveEntry => Archive,
        ModelPackageError.MissingManifest or ModelPackageError.MalformedManifest or ModelPackageError.UnsupportedFormatVersion => Manifest,
        ModelPackageError.Unsigned or ModelPackageError.UntrustedKey or ModelPackageError.ManifestTampered => Signature,
        _ => Files,
    };
}

/// <summary>A package the registry refused: which check failed, on which file, and why.</summary>
/// <param name="check">One of <see cref="RegistrationChecks"/>.</param>
/// <param name="file">The file the problem is about: package-relative (<c>model.onnx</c>) or the package itself.</param>
public sealed class RegistrationRefusedException(string check, string file, string message, Exception? inner = null)
    : Exception($"{check} check failed on {file}: {message}", inner)
{
    public string Check { get; } = check;
    public string File { get; } = file;

    /// <summary>The problem alone, without the check and file the message starts with.</summary>
    public string Problem { get; } = message;

    /// <summary>Whether the refusal is a conflict with what is registered (HTTP 409) rather than a bad package (422).</summary>
    public bool IsConflict => Check == RegistrationChecks.Immutable;
}
