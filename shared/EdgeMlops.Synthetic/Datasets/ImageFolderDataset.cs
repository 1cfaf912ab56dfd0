using System.Text.Json;

namespace EdgeMlops.Synthetic.Datasets;

/// <summary>
/// A labelled image data set laid out as <c>root/&lt;label&gt;/*.{jpg,jpeg,png,bmp}</c>: the format synthetic
/// data sets are written in and real ones are loaded from. Opening scans the folders; images are decoded
/// lazily by <see cref="Load()"/>.
/// </summary>
public sealed class ImageFolderDataset
{
    /// <summary>Image file extensions that are loaded (case-insensitive); other files are ignored.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp"];

    private readonly ImageFolderDatasetOptions _options;
    private readonly List<SkippedFile> _skipped = [];

    private ImageFolderDataset(string root, IReadOnlyList<string> labels, IReadOnlyList<DatasetItem> items, ImageFolderDatasetOptions options)
    {
        Root = root;
        Labels = labels;
        Items = items;
        _options = options;
    }

    /// <summary>Full path of the root folder.</summary>
    public string Root { get; }

    /// <summary>Labels in index order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Image files, by label then file name (ordinal), so the order is the same on every machine.</summary>
    public IReadOnlyList<DatasetItem> Items { get; }

    /// <summary>Files skipped by the last <see cref="Load()"/> enumeration (only with <see cref="ImageFolderDatasetOptions.SkipUnreadable"/>).</summary>
    public IReadOnlyList<SkippedFile> SkippedFiles => _skipped;

    /// <summary>The optional <c>dataset.json</c> at the root, or null when there is none.</summary>
    public DatasetManifest? Manifest { get; private init; }

    /// <summary>
    /// Scans <paramref name="root"/>. A missing root, a root without images in label folders, or (with an
    /// explicit label list) a folder that is not a listed label raises <see cref="DatasetException"/>.
    /// </summary>
    public static ImageFolderDataset Open(string root, ImageFolderDatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        options ??= new ImageFolderDatasetOptions();
        string fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
            throw new DatasetException(File.Exists(fullRoot)
                ? $"Data set root '{fullRoot}' is a file, not a folder."
                : $"Data set root '{fullRoot}' does not exist.");

        var folders = Directory.EnumerateDirectories(fullRoot)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var labels = options.Labels is { } explicitLabels ? CheckedLabels(explicitLabels, folders, fullRoot) : folders;

        var items = new List<DatasetItem>();
        for (int index = 0; index < labels.Length; index++)
        {
            string folder = Path.Combine(fullRoot, labels[index]);
            if (!Directory.Exists(folder))
                continue;
            items.AddRange(Directory.EnumerateFiles(folder)
                .Where(IsImageFile)
                .Order(StringComparer.Ordinal)
                .Select(path => new DatasetItem(path, labels[index], index)));
        }
        if (items.Count == 0)
            throw new DatasetException(
                $"Data set root '{fullRoot}' contains no images; expected root/<label>/*.{{jpg,jpeg,png,bmp}} (found {folders.Length} label folders).");

        return new ImageFolderDataset(fullRoot, labels, items, options) { Manifest = ReadManifest(fullRoot) };
    }

    /// <summary>Number of image files per label (labels without files count 0).</summary>
    public IReadOnlyDictionary<string, int> CountByLabel() =>
        Labels.ToDictionary(label => label, label => Items.Count(item => item.Label == label));

    /// <summary>
    /// Decodes every item in order. An unreadable file raises <see cref="DatasetImageException"/>, or is skipped and
    /// listed in <see cref="SkippedFiles"/> when <see cref="ImageFolderDatasetOptions.SkipUnreadable"/> is set. The
    /// caller disposes each image.
    /// </summary>
    public IEnumerable<DatasetImage> Load()
    {
        _skipped.Clear();
        foreach (var item in Items)
        {
            DatasetImage image;
            try
            {
                image = Load(item);
            }
            catch (DatasetImageException e) when (_options.SkipUnreadable)
            {
                _skipped.Add(new SkippedFile(e.FilePath, e.Problem));
                continue;
            }
            yield return image;
        }
    }

    /// <summary>Decodes <paramref name="item"/>; throws <see cref="DatasetImageException"/> when it cannot.</summary>
    public static DatasetImage Load(DatasetItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new DatasetImage(item, ImageFileDecoder.Decode(item.Path));
    }

    private static bool IsImageFile(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    private static string[] CheckedLabels(IReadOnlyList<string> labels, string[] folders, string root)
    {
        foreach (string label in labels)
            DatasetLabels.EnsureValid(label);
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            throw new DatasetException($"Label list has duplicates: {string.Join(", ", labels)}.");
        var unknown = folders.Where(folder => !labels.Contains(folder, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
            throw new DatasetException(
                $"Data set '{root}' has folders that are not labels: {string.Join(", ", unknown)}; expected only {string.Join(", ", labels)}.");
        return [.. labels];
    }

    private static DatasetManifest? ReadManifest(string root)
    {
        string path = Path.Combine(root, DatasetManifest.FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DatasetJsonContext.Default.DatasetManifest);
        }
        catch (JsonException e)
        {
            throw new DatasetException($"Data set manifest '{path}' is not valid: {e.Message}", e);
        }
    }
}
