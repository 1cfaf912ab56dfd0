namespace EdgeMlops.Packaging;

/// <summary>Why a package was rejected, in the order verification checks it.</summary>
public enum ModelPackageError
{
    /// <summary>The zip is truncated or damaged (unreadable directory, bad entry data, CRC or size mismatch).</summary>
    CorruptArchive,

    /// <summary>A zip entry escapes the target directory, is absolute, is duplicated, or the archive exceeds size limits.</summary>
    UnsafeArchiveEntry,

    /// <summary>There is no <c>manifest.json</c> (or no package at all) at the given path.</summary>
    MissingManifest,

    /// <summary><c>manifest.json</c> is not valid JSON, does not match the schema, or breaks a content rule.</summary>
    MalformedManifest,

    /// <summary>The manifest's <c>formatVersion</c> is not one this reader understands.</summary>
    UnsupportedFormatVersion,

    /// <summary>The manifest carries no signature.</summary>
    Unsigned,

    /// <summary>The manifest is signed with a key that is not in the trust store.</summary>
    UntrustedKey,

    /// <summary>The signature does not verify with the named key: the manifest was changed after signing.</summary>
    ManifestTampered,

    /// <summary>A file listed in the manifest is not in the package.</summary>
    MissingFile,

    /// <summary>A file in the package is not listed in the manifest, e.g. one planted after signing.</summary>
    UnlistedFile,

    /// <summary>A listed file's size or SHA-256 differs from the manifest.</summary>
    FileTampered,
}
