using EdgeMlops.Onnx;

namespace EdgeMlops.Inference.Preprocessing;

/// <summary>
/// A package's classifier with its preprocessing prepended (<see cref="InputPreprocessing"/>), built in memory
/// from the manifest's input description (<see cref="ImageTensorFormat"/>): any package gets it, nothing is
/// written to disk, and the package's signed model file stays what was verified.
/// </summary>
public static class FusedPreprocessingModel
{
    /// <summary>The uint8 [N, H, W, C] input of the fused graph.</summary>
    public const string InputName = InputPreprocessing.DefaultInputName;

    /// <summary>The preprocessing the graph does for <paramref name="format"/> (host bytes are B,G,R or grey).</summary>
    public static ImageInputPreprocessing SpecFor(ImageTensorFormat format) =>
        new(format.Width, format.Height, format.Channels, format.Rgb && format.Channels == 3, format.Gain, format.Offset);

    /// <summary>
    /// The serialised fused model. Its float input <paramref name="modelInput"/> stays available as an extra
    /// output, so the session can check at load that the graph's preprocessing equals the host's.
    /// </summary>
    /// <exception cref="OnnxFormatException">The file is not an ONNX model, or its external data is missing.</exception>
    /// <exception cref="ArgumentException">The model's input does not fit the format (named in the message).</exception>
    public static byte[] Build(string modelPath, string modelInput, ImageTensorFormat format)
    {
        // The fused model is loaded from bytes, where ONNX Runtime has no folder to find external data in.
        var model = OnnxModelFile.LoadWithExternalData(modelPath);
        var fused = InputPreprocessing.Prepend(model, modelInput, SpecFor(format), InputName, exposeModelInput: true);
        return OnnxModelFile.ToBytes(fused);
    }
}
