using System.Text.Json;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Datasets;

/// <summary>Writes images as <c>root/&lt;label&gt;/&lt;id&gt;.jpg</c>, the layout <see cref="ImageFolderDataset"/> reads.</summary>
public sealed class ImageFolderDatasetWriter
{
    private readonly int _jpegQuality;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>A writer into <paramref name="root"/> (created when missing) with JPEG quality <paramref name="jpegQuality"/>.</summary>
    public ImageFolderDatasetWriter(string root, int jpegQuality = 95)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(jpegQuality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jpegQuality, 100);
        Root = Path.GetFullPath(root);
        _jpegQuality = jpegQuality;
        Directory.CreateDirectory(Root);
    }

    /// <summary>Full path of the root folder.</summary>
    public string Root { get; }

    /// <summary>Images written per label by this writer.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>
    /// Writes <paramref name="perClass"/> crops of <paramref name="generator"/> for every class and condition
    /// (see <see cref="CropGenerator.Generate(int, IReadOnlyList{Condition}, int)"/>) plus <c>dataset.json</c>.
    /// </summary>
    public static DatasetManifest WriteSynthetic(string root, CropGenerator generator, int seed, IReadOnlyList<Condition> conditions, int perClass)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var writer = new ImageFolderDatasetWriter(root);
        foreach (var crop in generator.Generate(seed, conditions, perClass))
        {
            using (crop)
                writer.Write(crop);
        }
        return writer.WriteManifest("synthetic", seed, conditions, generator.Options.CropSize);
    }

    /// <summary>Writes <paramref name="image"/> as <c>root/label/id.jpg</c> and returns its path.</summary>
    public string Write(string label, string id, Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        DatasetLabels.EnsureValid(label);
        DatasetLabels.EnsureValid(id, "image id");
        if (image.Empty())
            throw new ArgumentException($"Image '{id}' is empty.", nameof(image));
        string folder = Path.Combine(Root, label);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, id + ".jpg");
        if (!Cv2.ImWrite(path, image, new ImageEncodingParam(ImwriteFlags.JpegQuality, _jpegQuality)))
            throw new IOException($"OpenCV could not write '{path}'.");
        _counts[label] = _counts.GetValueOrDefault(label) + 1;
        return path;
    }

    /// <summary>Writes <paramref name="crop"/> under its label and id.</summary>
    public string Write(LabelledCrop crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        return Write(crop.Label, crop.Id, crop.Image);
    }

    /// <summary>Writes <c>dataset.json</c> with the counts so far and how the images were made.</summary>
    public DatasetManifest WriteManifest(string source, int? seed, IReadOnlyList<Condition> conditions, int? cropSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(conditions);
        var manifest = new DatasetManifest(
            1, source, seed, conditions.Select(c => c.ToString()).ToArray(),
            new SortedDictionary<string, int>(_counts, StringComparer.Ordinal), cropSize);
        File.WriteAllText(Path.Combine(Root, DatasetManifest.FileName),
            JsonSerializer.Serialize(manifest, DatasetJsonContext.Default.DatasetManifest));
        return manifest;
    }
}
