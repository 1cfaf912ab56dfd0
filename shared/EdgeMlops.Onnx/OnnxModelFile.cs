using Google.Protobuf;

namespace EdgeMlops.Onnx;

/// <summary>Reads and writes ONNX model files (the protobuf-serialised <see cref="ModelProto"/>).</summary>
/// <remarks>
/// Fields that our proto subset does not declare are kept as unknown fields and written back unchanged, so a
/// model exported by another tool survives a load/save round trip. <see cref="Load(string)"/> leaves weights
/// stored as external data where they are (the tensors say where); <see cref="LoadWithExternalData"/> reads
/// them in, and <see cref="SaveWithExternalData"/> writes large weights to a file of their own
/// (see <see cref="ExternalData"/>).
/// </remarks>
public static class OnnxModelFile
{
    /// <exception cref="OnnxFormatException">The file is not an ONNX model.</exception>
    public static ModelProto Load(string path) => Load(File.ReadAllBytes(path), path);

    /// <param name="bytes">The serialised model.</param>
    /// <param name="sourceName">Names the source in error messages, e.g. the package entry the bytes came from.</param>
    /// <exception cref="OnnxFormatException">The bytes are not an ONNX model.</exception>
    public static ModelProto Load(byte[] bytes, string sourceName = "in-memory model")
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(sourceName, $"the bytes do not parse as an ONNX ModelProto ({e.Message})", e);
        }

        // Many byte strings happen to parse as a protobuf message made of unknown fields; a real model always
        // declares its IR version and carries a graph.
        if (!model.HasIrVersion || model.IrVersion <= 0)
            throw new OnnxFormatException(sourceName, "it has no ir_version");
        if (model.Graph is null)
            throw new OnnxFormatException(sourceName, "it has no graph");
        return model;
    }

    /// <summary>Writes the model to <paramref name="path"/>, replacing an existing file.</summary>
    /// <remarks>
    /// Writes a sibling temporary file and moves it into place, so a reader never sees half a model.
    /// </remarks>
    public static void Save(ModelProto model, string path)
    {
        var temporaryPath = path + ".tmp";
        File.WriteAllBytes(temporaryPath, ToBytes(model));
        File.Move(temporaryPath, path, overwrite: true);
    }

    /// <summary>Loads the model and reads the weights it keeps in external data files beside it.</summary>
    /// <exception cref="OnnxFormatException">The file is not an ONNX model, or its external data is missing or
    /// lies outside the model's folder.</exception>
    public static ModelProto LoadWithExternalData(string path) =>
        ExternalData.Inline(Load(path), ModelDirectory(path), path);

    /// <summary>
    /// Writes the model to <paramref name="path"/> with every initializer of at least
    /// <paramref name="minimumBytes"/> in <paramref name="dataFileName"/> beside it. ONNX Runtime loads the pair
    /// from the model's path (not from bytes: it needs the folder to find the data file).
    /// </summary>
    /// <returns>The model as written: large initializers are references into the data file.</returns>
    public static ModelProto SaveWithExternalData(ModelProto model, string path, string dataFileName,
        int minimumBytes = ExternalData.DefaultMinimumBytes) =>
        SaveWithExternalData(model, path, dataFileName, (_, bytes) => bytes >= minimumBytes);

    /// <summary>Writes the model with the initializers <paramref name="moveOut"/> picks (tensor, size in bytes) in <paramref name="dataFileName"/>.</summary>
    /// <returns>The model as written.</returns>
    public static ModelProto SaveWithExternalData(ModelProto model, string path, string dataFileName, Func<TensorProto, int, bool> moveOut)
    {
        var written = ExternalData.MoveToFile(model, ModelDirectory(path), dataFileName, moveOut);
        Save(written, path);
        return written;
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    private static string ModelDirectory(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;
}
