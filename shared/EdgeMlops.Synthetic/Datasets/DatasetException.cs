namespace EdgeMlops.Synthetic.Datasets;

/// <summary>A data set cannot be used as a whole: missing or empty root, unknown label folder.</summary>
public class DatasetException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public DatasetException(string message) : base(message) { }

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public DatasetException(string message, Exception? inner) : base(message, inner) { }
}
