using System.Text.Json;

namespace EdgeMlops.Packaging;

/// <summary>Reads and writes <c>manifest.json</c>, and defines the bytes a signature covers.</summary>
public static class ModelManifestJson
{
    /// <summary>
    /// The canonical bytes a manifest signature covers: the manifest serialized by
    /// <see cref="ModelManifestJsonContext"/> with <see cref="ModelManifest.Signature"/> set to <c>null</c> (and so
    /// omitted), without indentation or any whitespace between tokens, encoded as UTF-8 without a byte order mark.
    /// </summary>
    /// <remarks>
    /// Properties appear in declaration order with camelCase names; null optional properties are omitted; numbers use
    /// the shortest round-trip form; per-label metric maps are sorted by ordinal key order; strings are escaped as
    /// System.Text.Json's default encoder does (non-ASCII and HTML-sensitive characters such as <c>+</c> as
    /// <c>\uXXXX</c>). Verification parses <c>manifest.json</c> and recomputes these bytes, so the file on disk may be
    /// indented or re-formatted freely.
    /// </remarks>
    public static byte[] GetSigningBytes(ModelManifest manifest) => Serialize(manifest with { Signature = null }, indented: false);

    /// <summary>Serializes a manifest as UTF-8 JSON.</summary>
    public static byte[] Serialize(ModelManifest manifest, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            JsonSerializer.Serialize(writer, manifest, ModelManifestJsonContext.Default.ModelManifest);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Parses <c>manifest.json</c> without verifying it: first the JSON syntax, then the format version, then the
    /// schema. Rules about the content are checked after the signature (see <see cref="ModelPackageVerifier"/>).
    /// </summary>
    /// <exception cref="ModelPackageException">
    /// <see cref="ModelPackageError.MalformedManifest"/> or <see cref="ModelPackageError.UnsupportedFormatVersion"/>.
    /// </exception>
    public static ModelManifest Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = ParseDocument(utf8Json);
        var root = document.RootElement;
        // The version decides the schema, so it is read on its own before the schema is applied.
        RequireSupportedVersion(root);
        try
        {
            return root.Deserialize(ModelManifestJsonContext.Default.ModelManifest)
                ?? throw Malformed("the manifest is null");
        }
        catch (JsonException e)
        {
            throw Malformed($"does not match the manifest format: {e.Message}", e);
        }
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw Malformed($"is not valid JSON: {e.Message}", e);
        }

        var kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Malformed($"must hold a JSON object, found {kind}");
        }

        return document;
    }

    private static void RequireSupportedVersion(JsonElement root)
    {
        if (!root.TryGetProperty("formatVersion", out var element)
            || element.ValueKind != JsonValueKind.Number
            || !element.TryGetInt32(out var version))
        {
            throw Malformed("formatVersion is missing or not an integer");
        }

        if (version != ModelManifest.CurrentFormatVersion)
        {
            throw new ModelPackageException(
                ModelPackageError.UnsupportedFormatVersion,
                $"{PackageLayout.ManifestFile}: formatVersion {version} is not supported; this reader supports {ModelManifest.CurrentFormatVersion}",
                PackageLayout.ManifestFile);
        }
    }

    private static ModelPackageException Malformed(string problem, Exception? inner = null) =>
        new(ModelPackageError.MalformedManifest, $"{PackageLayout.ManifestFile}: {problem}", PackageLayout.ManifestFile, inner);
}
