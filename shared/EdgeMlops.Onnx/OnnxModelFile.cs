using Google.Protobuf;

namespace EdgeMlops.Onnx;

/// <summary>Reads and writes ONNX model files (the protobuf-serialised <see cref="ModelProto"/>).</summary>
/// <remarks>
/// Fields that our proto subset does not declare are kept as unknown fields and written back unchanged, so a
/// model exported by another tool survives a load/save round trip. Weights stored in external data files are
/// not loaded: only the single-file format is supported.
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

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();
}
