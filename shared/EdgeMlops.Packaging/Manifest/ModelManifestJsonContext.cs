using System.Text.Json.Serialization;

namespace EdgeMlops.Packaging;

/// <summary>
/// Source-generated serializer for <see cref="ModelManifest"/>. Strict on input: unknown or duplicate properties and
/// nulls in non-nullable properties are errors, so what is verified is exactly what the signer wrote.
/// </summary>
/// <remarks>Use <see cref="ModelManifestJson"/> to read and write manifests; this context is public so hosts can chain
/// it into their own resolvers when a manifest travels inside another message.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ModelManifest))]
public sealed partial class ModelManifestJsonContext : JsonSerializerContext;
