namespace EdgeMlops.Synthetic.Datasets;

/// <summary>One image of a data set cannot be loaded; names the file and what is wrong with it.</summary>
public sealed class DatasetImageException(string filePath, string problem, Exception? inner = null)
    : DatasetException($"Cannot load image '{filePath}': {problem}.", inner)
{
    /// <summary>Path of the unreadable file.</summary>
    public string FilePath => filePath;

    /// <summary>What is wrong, e.g. "file is empty (0 bytes)".</summary>
    public string Problem => problem;
}
