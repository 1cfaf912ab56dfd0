using System.Text.Json.Serialization;

namespace EdgeMlops.Synthetic.Datasets;

/// <summary>Optional <c>dataset.json</c> describing how a data set was made.</summary>
/// <param name="Version">Manifest format version.</param>
/// <param name="Source">Who made it, e.g. "synthetic".</param>
/// <param name="Seed">Generator seed, when synthetic.</param>
/// <param name="Conditions">Conditions rendered, in text form (e.g. "fog:0.7").</param>
/// <param name="Counts">Images per label.</param>
/// <param name="CropSize">Side of the square crops, when all have one size.</param>
public sealed record DatasetManifest(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("seed")] int? Seed,
    [property: JsonPropertyName("conditions")] IReadOnlyList<string> Conditions,
    [property: JsonPropertyName("counts")] IReadOnlyDictionary<string, int> Counts,
    [property: JsonPropertyName("cropSize")] int? CropSize)
{
    /// <summary>File name at the data set root.</summary>
    public const string FileName = "dataset.json";
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(DatasetManifest))]
internal sealed partial class DatasetJsonContext : JsonSerializerContext;
