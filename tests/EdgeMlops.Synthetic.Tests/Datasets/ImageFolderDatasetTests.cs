using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Datasets;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Synthetic_data_set_round_trips_through_the_folder_layout()
    {
        using var generator = new CropGenerator();
        var manifest = ImageFolderDatasetWriter.WriteSynthetic(_temp.Path, generator, 5, Condition.ParseList("day,fog:0.5"), perClass: 2);

        var dataset = ImageFolderDataset.Open(_temp.Path);
        Assert.Equal(VehicleClasses.Labels.Order(StringComparer.Ordinal), dataset.Labels);
        Assert.Equal(20, dataset.Items.Count);
        Assert.All(dataset.CountByLabel().Values, count => Assert.Equal(4, count));
        Assert.Equal(manifest, dataset.Manifest, ManifestComparer);
        Assert.Equal(["day", "fog:0.5"], dataset.Manifest!.Conditions);

        var expected = generator.Generate(5, Condition.ParseList("day,fog:0.5"), 2).ToDictionary(c => c.Id);
        try
        {
            foreach (var image in dataset.Load())
            {
                using (image)
                {
                    var crop = expected[Path.GetFileNameWithoutExtension(image.Item.Path)];
                    Assert.Equal(crop.Label, image.Item.Label);
                    Assert.Equal(dataset.Labels[image.Item.LabelIndex], image.Item.Label);
                    Assert.Equal(crop.Image.Size(), image.Image.Size());
                    using var difference = new Mat();
                    Cv2.Absdiff(crop.Image, image.Image, difference);
                    Assert.True(difference.Mean().Val0 < 8, $"JPEG round trip differs by {difference.Mean().Val0}");
                }
            }
        }
        finally
        {
            foreach (var crop in expected.Values)
                crop.Dispose();
        }
        Assert.Empty(dataset.SkippedFiles);
    }

    [Fact]
    public void An_explicit_label_list_sets_the_order_and_rejects_unknown_folders()
    {
        WriteImage("van", "a");
        WriteImage("car", "b");
        var dataset = ImageFolderDataset.Open(_temp.Path, new ImageFolderDatasetOptions { Labels = ["van", "car", "bus"] });
        Assert.Equal(["van", "car", "bus"], dataset.Labels);
        Assert.Equal([0, 1], dataset.Items.Select(i => i.LabelIndex));

        var error = Assert.Throws<DatasetException>(() => ImageFolderDataset.Open(_temp.Path, new ImageFolderDatasetOptions { Labels = ["car"] }));
        Assert.Contains("van", error.Message);
    }

    [Fact]
    public void Folder_labels_are_sorted_ordinally_and_other_files_are_ignored()
    {
        WriteImage("b", "1");
        WriteImage("B", "2");
        WriteImage("a", "3", ".png");
        File.WriteAllText(Path.Combine(_temp.Path, "a", "notes.txt"), "not an image");
        var dataset = ImageFolderDataset.Open(_temp.Path);
        Assert.Equal(["B", "a", "b"], dataset.Labels);
        Assert.Equal(3, dataset.Items.Count);
        Assert.Null(dataset.Manifest);
    }

    [Fact]
    public void Missing_root_is_a_clear_error() =>
        AssertMentions(Assert.Throws<DatasetException>(() => ImageFolderDataset.Open(_temp.Combine("nowhere"))), _temp.Combine("nowhere"), "does not exist");

    [Fact]
    public void Empty_root_is_a_clear_error()
    {
        AssertMentions(Assert.Throws<DatasetException>(() => ImageFolderDataset.Open(_temp.Path)), _temp.Path, "no images");
        Directory.CreateDirectory(_temp.Combine("car"));
        AssertMentions(Assert.Throws<DatasetException>(() => ImageFolderDataset.Open(_temp.Path)), _temp.Path, "no images");
    }

    [Fact]
    public void Garbage_bytes_are_reported_with_the_file()
    {
        string path = WriteBytes("car", "garbage.jpg", Enumerable.Range(0, 500).Select(i => (byte)(i * 37 % 251)).ToArray());
        AssertLoadFails(path, "not a decodable image");
    }

    [Fact]
    public void Empty_file_is_reported_with_the_file() =>
        AssertLoadFails(WriteBytes("car", "empty.jpg", []), "empty");

    [Fact]
    public void Truncated_jpeg_is_reported_with_the_file()
    {
        string good = WriteImage("car", "whole");
        byte[] bytes = File.ReadAllBytes(good);
        File.Delete(good);
        AssertLoadFails(WriteBytes("car", "cut.jpg", bytes[..(bytes.Length * 2 / 3)]), "truncated JPEG");
    }

    [Fact]
    public void Dangling_link_is_reported_with_the_file()
    {
        Directory.CreateDirectory(_temp.Combine("car"));
        string path = _temp.Combine("car", "gone.jpg");
        File.CreateSymbolicLink(path, _temp.Combine("missing-target.jpg"));
        AssertLoadFails(path, "not found");
    }

    [Fact]
    public void Progressive_jpeg_and_trailing_bytes_after_the_end_marker_are_accepted()
    {
        using var image = TestImage();
        Directory.CreateDirectory(_temp.Combine("car"));
        string progressive = _temp.Combine("car", "progressive.jpg");
        Assert.True(Cv2.ImWrite(progressive, image, new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1)));
        string trailing = WriteImage("car", "trailing");
        File.AppendAllText(trailing, "camera metadata after EOI");

        var dataset = ImageFolderDataset.Open(_temp.Path);
        var loaded = dataset.Load().ToList();
        Assert.Equal(2, loaded.Count);
        loaded.ForEach(l => l.Dispose());
    }

    [Fact]
    public void Skip_mode_loads_the_good_images_and_lists_every_bad_one_with_its_reason()
    {
        WriteImage("car", "good1");
        WriteImage("bus", "good2", ".bmp");
        WriteBytes("car", "empty.jpg", []);
        WriteBytes("bus", "garbage.png", [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        byte[] bytes = File.ReadAllBytes(WriteImage("van", "whole"));
        WriteBytes("van", "cut.jpg", bytes[..(bytes.Length / 2)]);
        File.CreateSymbolicLink(_temp.Combine("van", "gone.jpeg"), _temp.Combine("missing.jpg"));

        var dataset = ImageFolderDataset.Open(_temp.Path, new ImageFolderDatasetOptions { SkipUnreadable = true });
        var loaded = dataset.Load().ToList();
        Assert.Equal(["good2", "good1", "whole"], loaded.Select(l => Path.GetFileNameWithoutExtension(l.Item.Path)));
        loaded.ForEach(l => l.Dispose());

        Assert.Equal(4, dataset.SkippedFiles.Count);
        Assert.Equal(
            ["garbage.png", "empty.jpg", "cut.jpg", "gone.jpeg"],
            dataset.SkippedFiles.Select(s => Path.GetFileName(s.Path)));
        Assert.All(dataset.SkippedFiles, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));

        // Enumerating again starts a fresh count instead of accumulating.
        dataset.Load().ToList().ForEach(l => l.Dispose());
        Assert.Equal(4, dataset.SkippedFiles.Count);
    }

    [Fact]
    public void Writer_rejects_labels_and_ids_that_are_not_plain_file_names()
    {
        var writer = new ImageFolderDatasetWriter(_temp.Path);
        using var image = TestImage();
        Assert.Throws<ArgumentException>(() => writer.Write("../car", "x", image));
        Assert.Throws<ArgumentException>(() => writer.Write("car", "a/b", image));
        Assert.Throws<ArgumentException>(() => writer.Write(".hidden", "x", image));
    }

    private void AssertLoadFails(string path, string problem)
    {
        var dataset = ImageFolderDataset.Open(_temp.Path);
        var error = Assert.Throws<DatasetImageException>(() => dataset.Load().ToList().ForEach(l => l.Dispose()));
        Assert.Equal(path, error.FilePath);
        AssertMentions(error, path, problem);
    }

    private static void AssertMentions(Exception error, string path, string problem)
    {
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    private string WriteImage(string label, string id, string extension = ".jpg")
    {
        Directory.CreateDirectory(_temp.Combine(label));
        string path = _temp.Combine(label, id + extension);
        using var image = TestImage();
        Assert.True(Cv2.ImWrite(path, image));
        return path;
    }

    private string WriteBytes(string label, string fileName, byte[] bytes)
    {
        Directory.CreateDirectory(_temp.Combine(label));
        string path = _temp.Combine(label, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static Mat TestImage()
    {
        var image = new Mat(48, 64, MatType.CV_8UC3, new Scalar(40, 90, 160));
        Cv2.Circle(image, new Point(30, 20), 12, new Scalar(220, 220, 220), -1);
        return image;
    }

    private static readonly IEqualityComparer<DatasetManifest?> ManifestComparer = EqualityComparer<DatasetManifest?>.Create(
        (a, b) => a is not null && b is not null && a.Seed == b.Seed && a.Source == b.Source && a.CropSize == b.CropSize
            && a.Conditions.SequenceEqual(b.Conditions) && a.Counts.OrderBy(p => p.Key).SequenceEqual(b.Counts.OrderBy(p => p.Key)),
        m => m?.Seed ?? 0);
}
