namespace EdgeMlops.Inference.Runtime;

/// <summary>The model file could not be turned into a working classifier session; the message names the model and the problem.</summary>
public sealed class ClassifierLoadException(string message, Exception? inner = null) : Exception(message, inner);
