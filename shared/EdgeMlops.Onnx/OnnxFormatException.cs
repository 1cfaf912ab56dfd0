namespace EdgeMlops.Onnx;

/// <summary>
/// The bytes are not an ONNX model we can use. The message names the source (usually the file path) because
/// these errors surface far from where the file was chosen: a downloaded package, a retraining output.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string source, string problem, Exception? innerException = null)
        : base($"'{source}' is not a valid ONNX model: {problem}", innerException)
    {
        ModelSource = source;
    }

    /// <summary>The file path, or a description of the in-memory source, that failed to load.</summary>
    public string ModelSource { get; }
}
