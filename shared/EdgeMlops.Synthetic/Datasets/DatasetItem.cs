using OpenCvSharp;

namespace EdgeMlops.Synthetic.Datasets;

/// <summary>One image file of a data set and its label.</summary>
/// <param name="Path">Full path of the image.</param>
/// <param name="Label">Label, the name of the folder it lies in.</param>
/// <param name="LabelIndex">Index of <paramref name="Label"/> in the data set's labels.</param>
public sealed record DatasetItem(string Path, string Label, int LabelIndex);

/// <summary>A loaded image with its item. Owns <see cref="Image"/>.</summary>
/// <param name="Item">Which file and label.</param>
/// <param name="Image">Decoded 8-bit BGR image.</param>
public sealed record DatasetImage(DatasetItem Item, Mat Image) : IDisposable
{
    /// <summary>Releases the image.</summary>
    public void Dispose() => Image.Dispose();
}
