namespace EdgeMlops.Packaging.Tests.Support;

/// <summary>Inputs for a realistic small package; the model bytes are random because the format never parses ONNX.</summary>
internal static class SamplePackage
{
    public static readonly string[] Labels = ["car", "van", "truck", "bus", "motorcycle"];

    public static ModelManifestDraft Draft() => new()
    {
        Name = "vehicle-classifier",
        Version = "1.0.0",
        Labels = Labels,
        Input = new ModelInputSpec
        {
            TensorName = "input",
            Width = 64,
            Height = 64,
            Channels = 3,
            Layout = TensorLayout.Nchw,
            ColorOrder = ColorOrder.Rgb,
            Scale = 1.0 / 255,
            Mean = [0.485, 0.456, 0.406],
            Std = [0.229, 0.224, 0.225],
        },
        Output = new ModelOutputSpec { TensorName = "logits", Kind = OutputKind.Logits, EmbeddingTensorName = "embedding" },
        Lineage = new ModelLineage { Trainer = "head-finetune/1", TrainingDataHash = "9f2c", Notes = "seed model" },
        Metrics =
        [
            new EvaluationMetrics
            {
                Set = "synthetic-day-seed-9001",
                Condition = "day",
                Samples = 500,
                MacroPrecision = 0.91,
                MacroRecall = 0.9,
                Accuracy = 0.92,
                Precision = Labels.ToDictionary(label => label, _ => 0.91),
                Recall = Labels.ToDictionary(label => label, _ => 0.9),
            },
        ],
        CreatedAt = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
    };

    /// <summary>Incompressible bytes, so in a zip the model's data fills the middle of the archive.</summary>
    public static byte[] FakeModel()
    {
        var bytes = new byte[64 * 1024];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes a labelled canary set (<c>&lt;label&gt;/&lt;n&gt;.jpg</c>) and returns its directory.</summary>
    public static string CreateCanarySet(string directory, params string[] labels)
    {
        var random = new Random(7);
        foreach (var label in labels.Length > 0 ? labels : ["car", "truck"])
        {
            Directory.CreateDirectory(Path.Combine(directory, label));
            for (var i = 1; i <= 2; i++)
            {
                var image = new byte[512];
                random.NextBytes(image);
                File.WriteAllBytes(Path.Combine(directory, label, $"{i:0000}.jpg"), image);
            }
        }

        return directory;
    }
}
