namespace EdgeMlops.Onnx;

/// <summary>
/// The graph does not end in a classifier head this library can read or rewrite. The message says what the
/// graph ends in instead, so an operator can tell a wrong file from an unsupported architecture.
/// </summary>
public sealed class OnnxHeadNotFoundException(string message) : Exception(message);
