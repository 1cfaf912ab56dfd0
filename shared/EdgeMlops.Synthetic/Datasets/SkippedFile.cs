namespace EdgeMlops.Synthetic.Datasets;

/// <summary>An image left out because it could not be loaded (with <see cref="ImageFolderDatasetOptions.SkipUnreadable"/>).</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">What was wrong with it.</param>
public sealed record SkippedFile(string Path, string Reason);
