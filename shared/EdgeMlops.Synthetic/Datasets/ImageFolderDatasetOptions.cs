namespace EdgeMlops.Synthetic.Datasets;

/// <summary>How <see cref="ImageFolderDataset"/> reads a folder.</summary>
public sealed record ImageFolderDatasetOptions
{
    /// <summary>
    /// Labels in model output order. Null: the label folders found, sorted ordinally. When given, a folder not in
    /// the list is an error (a typo would otherwise silently drop a class); listed labels may have no folder.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Skip unreadable images and list them in <see cref="ImageFolderDataset.SkippedFiles"/> instead of throwing.</summary>
    public bool SkipUnreadable { get; init; }
}
