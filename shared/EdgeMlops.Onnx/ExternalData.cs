using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;

namespace EdgeMlops.Onnx;

/// <summary>
/// Moves initializer bytes between a model and a data file beside it, as ONNX "external data" describes:
/// the tensor keeps its name, type and dims, sets <c>data_location = EXTERNAL</c> and names its bytes with the
/// <c>location</c>, <c>offset</c> and <c>length</c> entries of <c>external_data</c> (the bytes are what
/// <c>raw_data</c> would hold). Large weights then live in a file of their own, so two packages that share a
/// backbone share that file byte for byte and a retrained head changes only the small model file.
/// </summary>
/// <remarks>
/// Covers the main graph's initializers, where exporters put weights; tensors inside node attributes and
/// subgraphs (Constant values, If/Loop bodies) are left as they are.
/// </remarks>
public static class ExternalData
{
    /// <summary>Offsets are multiples of this, so a reader may memory-map each tensor on a page boundary.</summary>
    public const int Alignment = 4096;

    /// <summary>Tensors smaller than this stay inline: a head's weights belong with the graph that uses them.</summary>
    public const int DefaultMinimumBytes = 1024;

    private const string LocationKey = "location";
    private const string OffsetKey = "offset";
    private const string LengthKey = "length";

    /// <summary>
    /// Writes the bytes of every initializer of at least <paramref name="minimumBytes"/> to
    /// <paramref name="dataFileName"/> in <paramref name="modelDirectory"/> (replacing it), in graph order, and
    /// turns those initializers into references to it. Same model in, same bytes out.
    /// </summary>
    /// <returns>A copy of <paramref name="model"/>; the argument is left as it was.</returns>
    public static ModelProto MoveToFile(ModelProto model, string modelDirectory, string dataFileName, int minimumBytes = DefaultMinimumBytes) =>
        MoveToFile(model, modelDirectory, dataFileName, (_, bytes) => bytes >= minimumBytes);

    /// <summary>
    /// Like <see cref="MoveToFile(ModelProto, string, string, int)"/>, moving the initializers that
    /// <paramref name="moveOut"/> picks (given the tensor and its size in bytes): a backbone's weights, say, and
    /// not the head trained on it, whatever their sizes.
    /// </summary>
    public static ModelProto MoveToFile(ModelProto model, string modelDirectory, string dataFileName, Func<TensorProto, int, bool> moveOut)
    {
        if (dataFileName.Length == 0 || Path.GetFileName(dataFileName) != dataFileName || dataFileName is "." or "..")
            throw new ArgumentException($"'{dataFileName}' is not a plain file name; external data lives beside the model.", nameof(dataFileName));

        var dataPath = Path.Combine(modelDirectory, dataFileName);
        var result = model.Clone();
        var temporaryPath = dataPath + ".tmp";
        var moved = 0;
        using (var data = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write))
        {
            foreach (var tensor in result.Graph.Initializer)
            {
                if (tensor.DataLocation == TensorProto.Types.DataLocation.External) continue;
                var bytes = RawBytesOf(tensor);
                if (bytes is null || !moveOut(tensor, bytes.Length)) continue;

                var offset = AlignUp(data.Position);
                data.Write(new byte[offset - data.Position]);
                data.Write(bytes);
                PointAt(tensor, dataFileName, offset, bytes.Length);
                moved++;
            }
        }

        if (moved == 0)
        {
            // Nothing large enough: an empty data file would only be one more file to ship.
            File.Delete(temporaryPath);
            return result;
        }
        File.Move(temporaryPath, dataPath, overwrite: true);
        return result;
    }

    /// <summary>
    /// Reads every external initializer's bytes into <c>raw_data</c>, so the model stands alone in memory (for
    /// <see cref="OnnxTensor.ReadFloats"/>, or ONNX Runtime loading it from bytes).
    /// </summary>
    /// <param name="modelDirectory">The folder of the model file, which locations are relative to.</param>
    /// <returns>A copy of <paramref name="model"/>; the argument is left as it was.</returns>
    /// <exception cref="OnnxFormatException">A location escapes <paramref name="modelDirectory"/>, its file is missing,
    /// or the offset and length do not lie inside it.</exception>
    public static ModelProto Inline(ModelProto model, string modelDirectory, string sourceName)
    {
        var result = model.Clone();
        foreach (var tensor in result.Graph.Initializer.Where(IsExternal))
        {
            var reference = ReferenceOf(tensor, modelDirectory, sourceName);
            tensor.RawData = ByteString.CopyFrom(ReadRange(reference, tensor.Name, sourceName));
            tensor.ExternalData.Clear();
            tensor.ClearDataLocation();
        }
        return result;
    }

    public static bool IsExternal(TensorProto tensor) => tensor.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>The data files a model's external initializers name, each once, in first-use order.</summary>
    public static IReadOnlyList<string> Locations(ModelProto model) =>
        model.Graph.Initializer.Where(IsExternal).Select(t => Entry(t, LocationKey) ?? "").Where(l => l.Length > 0).Distinct().ToList();

    /// <summary>
    /// The full path of <paramref name="location"/> in <paramref name="modelDirectory"/>. A model names its data
    /// files, and a model from elsewhere must not make us read (or a package ship) a file outside its own folder.
    /// </summary>
    /// <exception cref="OnnxFormatException">The location is absolute or leaves the folder.</exception>
    public static string ResolveInside(string modelDirectory, string location, string sourceName)
    {
        var segments = location.Split('/', '\\');
        if (location.Length == 0 || Path.IsPathRooted(location) || location.StartsWith('/') || location.StartsWith('\\')
            || segments.Any(s => s == ".."))
            throw new OnnxFormatException(sourceName,
                $"external data location '{location}' must be a relative path inside the model's folder (no '..', not absolute)");

        var root = Path.GetFullPath(modelDirectory);
        var path = Path.GetFullPath(Path.Combine(root, Path.Combine(segments)));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new OnnxFormatException(sourceName, $"external data location '{location}' resolves outside the model's folder '{root}'");
        return path;
    }

    private sealed record Reference(string Path, long Offset, long? Length);

    private static Reference ReferenceOf(TensorProto tensor, string modelDirectory, string sourceName)
    {
        var location = Entry(tensor, LocationKey)
            ?? throw new OnnxFormatException(sourceName, $"tensor '{tensor.Name}' is external but has no '{LocationKey}' entry");
        var path = ResolveInside(modelDirectory, location, sourceName);
        return new Reference(path, ParseLong(tensor, OffsetKey, sourceName) ?? 0, ParseLong(tensor, LengthKey, sourceName));
    }

    private static byte[] ReadRange(Reference reference, string tensorName, string sourceName)
    {
        if (!File.Exists(reference.Path))
            throw new OnnxFormatException(sourceName, $"tensor '{tensorName}' keeps its data in '{reference.Path}', which does not exist");

        using var file = new FileStream(reference.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = reference.Length ?? file.Length - reference.Offset;
        if (reference.Offset < 0 || length < 0 || reference.Offset + length > file.Length)
            throw new OnnxFormatException(sourceName,
                $"tensor '{tensorName}' reads bytes {reference.Offset}..{reference.Offset + length} of '{reference.Path}', which has {file.Length}");

        var bytes = new byte[length];
        file.Position = reference.Offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    private static long? ParseLong(TensorProto tensor, string key, string sourceName)
    {
        var text = Entry(tensor, key);
        if (text is null) return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new OnnxFormatException(sourceName, $"tensor '{tensor.Name}' has external data {key} '{text}', not a non-negative integer");
        return value;
    }

    private static string? Entry(TensorProto tensor, string key) =>
        tensor.ExternalData.FirstOrDefault(e => e.Key == key)?.Value;

    private static void PointAt(TensorProto tensor, string location, long offset, long length)
    {
        tensor.ClearRawData();
        tensor.FloatData.Clear();
        tensor.Int64Data.Clear();
        tensor.DoubleData.Clear();
        tensor.ExternalData.Clear();
        tensor.ExternalData.Add(new StringStringEntryProto { Key = LocationKey, Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = OffsetKey, Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = LengthKey, Value = length.ToString(CultureInfo.InvariantCulture) });
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
    }

    /// <summary>
    /// The little-endian bytes raw_data would hold, or null for a tensor kept inline: strings have no fixed
    /// width, and types packed into int32_data (int8, float16, bool...) are rare in weights and stay as they are.
    /// </summary>
    private static byte[]? RawBytesOf(TensorProto tensor)
    {
        if (tensor.HasRawData) return tensor.RawData.ToByteArray();
        if (tensor.FloatData.Count > 0) return Encode(tensor.FloatData, sizeof(float), (span, v) => BinaryPrimitives.WriteSingleLittleEndian(span, v));
        if (tensor.Int64Data.Count > 0) return Encode(tensor.Int64Data, sizeof(long), (span, v) => BinaryPrimitives.WriteInt64LittleEndian(span, v));
        if (tensor.DoubleData.Count > 0) return Encode(tensor.DoubleData, sizeof(double), (span, v) => BinaryPrimitives.WriteDoubleLittleEndian(span, v));
        return null;
    }

    private delegate void Writer<in T>(Span<byte> destination, T value);

    private static byte[] Encode<T>(IReadOnlyList<T> values, int width, Writer<T> write)
    {
        var bytes = new byte[values.Count * width];
        for (var i = 0; i < values.Count; i++)
            write(bytes.AsSpan(i * width), values[i]);
        return bytes;
    }

    private static long AlignUp(long position) => (position + Alignment - 1) / Alignment * Alignment;
}
