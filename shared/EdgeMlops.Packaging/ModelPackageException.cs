namespace EdgeMlops.Packaging;

/// <summary>A model package failed to extract or verify; <see cref="Error"/> says which check failed.</summary>
public sealed class ModelPackageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Which check failed.</param>
    /// <param name="message">What is wrong, naming the file or path.</param>
    /// <param name="path">The file the problem is about: package-relative (e.g. <c>model.onnx</c>) or the archive/directory.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ModelPackageException(ModelPackageError error, string message, string path, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Which check failed.</summary>
    public ModelPackageError Error { get; }

    /// <summary>The file the problem is about: package-relative (e.g. <c>model.onnx</c>) or the archive/directory.</summary>
    public string Path { get; }
}
