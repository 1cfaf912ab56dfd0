using System.Text.RegularExpressions;

namespace EdgeMlops.Packaging;

/// <summary>Content rules a manifest must meet beyond its JSON schema. Problems name the JSON field they concern.</summary>
internal static partial class ManifestValidator
{
    /// <summary>All problems found, empty when the manifest is valid.</summary>
    public static IReadOnlyList<string> FindProblems(ModelManifest manifest)
    {
        var problems = new List<string>();
        if (manifest.FormatVersion != ModelManifest.CurrentFormatVersion)
        {
            problems.Add($"formatVersion: must be {ModelManifest.CurrentFormatVersion}, found {manifest.FormatVersion}");
        }

        RequireText(problems, "name", manifest.Name);
        if (!string.IsNullOrWhiteSpace(manifest.Name) && EdgeMlops.Contracts.ModelNames.FindNameProblem(manifest.Name) is { } nameProblem)
        {
            // The name becomes a folder on every box and a path segment on the hub.
            problems.Add($"name: {nameProblem}");
        }

        if (!SemverLike().IsMatch(manifest.Version))
        {
            problems.Add($"version: '{manifest.Version}' is not of the form MAJOR.MINOR.PATCH[-suffix]");
        }
        else if (EdgeMlops.Contracts.ModelNames.FindVersionProblem(manifest.Version) is { } versionProblem)
        {
            problems.Add($"version: {versionProblem}");
        }

        CheckLabels(problems, manifest.Labels);
        CheckInput(problems, manifest.Input);
        CheckOutput(problems, manifest.Output);
        CheckFiles(problems, manifest.Files, manifest.Labels);
        for (var i = 0; i < manifest.Metrics.Count; i++)
        {
            CheckMetrics(problems, $"metrics[{i}]", manifest.Metrics[i], manifest.Labels);
        }

        if (manifest.Gate is { } gate)
        {
            if (!double.IsFinite(gate.MinMacroPrecision) || gate.MinMacroPrecision is < 0 or > 1)
            {
                problems.Add($"gate.minMacroPrecision: must be between 0 and 1, found {gate.MinMacroPrecision}");
            }

            if (!manifest.Files.Any(file => file.Path.StartsWith(PackageLayout.CanaryDirectory + "/", StringComparison.Ordinal)))
            {
                problems.Add($"gate: the package has no canary set ({PackageLayout.CanaryDirectory}/<label>/<file>) to apply it to");
            }
        }

        if (manifest.Monitoring is { } monitoring)
        {
            CheckMonitoring(problems, monitoring, manifest.Labels);
        }

        if (manifest.CreatedAt.Offset != TimeSpan.Zero)
        {
            problems.Add($"createdAt: must be UTC, found offset {manifest.CreatedAt.Offset}");
        }

        return problems;
    }

    private static void CheckLabels(List<string> problems, IReadOnlyList<string> labels)
    {
        if (labels.Count == 0)
        {
            problems.Add("labels: must not be empty");
        }

        for (var i = 0; i < labels.Count; i++)
        {
            RequireText(problems, $"labels[{i}]", labels[i]);
        }

        foreach (var duplicate in labels.GroupBy(label => label, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            problems.Add($"labels: '{duplicate.Key}' appears {duplicate.Count()} times");
        }
    }

    private static void CheckInput(List<string> problems, ModelInputSpec input)
    {
        RequireText(problems, "input.tensorName", input.TensorName);
        RequirePositive(problems, "input.width", input.Width);
        RequirePositive(problems, "input.height", input.Height);
        RequirePositive(problems, "input.channels", input.Channels);
        RequireDefined(problems, "input.layout", input.Layout);
        RequireDefined(problems, "input.colorOrder", input.ColorOrder);
        if (!double.IsFinite(input.Scale) || input.Scale <= 0)
        {
            problems.Add($"input.scale: must be a positive number, found {input.Scale}");
        }

        RequirePerChannel(problems, "input.mean", input.Mean, input.Channels);
        RequirePerChannel(problems, "input.std", input.Std, input.Channels);
        if (input.Std.Any(value => value <= 0))
        {
            problems.Add("input.std: every value must be positive");
        }
    }

    private static void CheckOutput(List<string> problems, ModelOutputSpec output)
    {
        RequireText(problems, "output.tensorName", output.TensorName);
        RequireDefined(problems, "output.kind", output.Kind);
        if (output.EmbeddingTensorName is not null)
        {
            RequireText(problems, "output.embeddingTensorName", output.EmbeddingTensorName);
        }
    }

    private static void CheckFiles(List<string> problems, IReadOnlyList<PackageFileEntry> files, IReadOnlyList<string> labels)
    {
        if (!files.Any(file => file.Path == PackageLayout.ModelFile))
        {
            problems.Add($"files: must list {PackageLayout.ModelFile}");
        }

        foreach (var duplicate in files.GroupBy(file => file.Path, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            problems.Add($"files: '{duplicate.Key}' is listed {duplicate.Count()} times");
        }

        foreach (var file in files)
        {
            var field = $"files['{file.Path}']";
            if (!PackagePath.IsSafeRelative(file.Path))
            {
                problems.Add($"{field}.path: must be relative, with forward slashes and no '.', '..' or empty segments");
            }
            else if (file.Path == PackageLayout.ManifestFile)
            {
                problems.Add($"{field}.path: the manifest does not list itself");
            }
            else if (!IsInLabelledCanaryFolder(file.Path, labels))
            {
                problems.Add($"{field}.path: canary files must be at {PackageLayout.CanaryDirectory}/<label>/<file> for a label of this model");
            }

            if (!Sha256Hex().IsMatch(file.Sha256))
            {
                problems.Add($"{field}.sha256: must be 64 lowercase hex characters");
            }

            RequirePositive(problems, $"{field}.size", file.Size);
        }
    }

    private static bool IsInLabelledCanaryFolder(string path, IReadOnlyList<string> labels)
    {
        var segments = path.Split('/');
        return segments[0] != PackageLayout.CanaryDirectory
            || (segments.Length == 3 && labels.Contains(segments[1], StringComparer.Ordinal));
    }

    private static void CheckMetrics(List<string> problems, string field, EvaluationMetrics metrics, IReadOnlyList<string> labels)
    {
        RequireText(problems, $"{field}.set", metrics.Set);
        RequirePositive(problems, $"{field}.samples", metrics.Samples);
        RequireFraction(problems, $"{field}.macroPrecision", metrics.MacroPrecision);
        RequireFraction(problems, $"{field}.macroRecall", metrics.MacroRecall);
        RequireFraction(problems, $"{field}.accuracy", metrics.Accuracy);
        CheckPerLabel(problems, $"{field}.precision", metrics.Precision, labels);
        CheckPerLabel(problems, $"{field}.recall", metrics.Recall, labels);
    }

    private static void CheckPerLabel(List<string> problems, string field, IReadOnlyDictionary<string, double> values, IReadOnlyList<string> labels)
    {
        foreach (var (label, value) in values)
        {
            if (!labels.Contains(label, StringComparer.Ordinal))
            {
                problems.Add($"{field}: '{label}' is not one of the labels");
            }

            RequireFraction(problems, $"{field}['{label}']", value);
        }
    }

    private static void RequireText(List<string> problems, string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{field}: must not be empty");
        }
    }

    private static void RequirePositive(List<string> problems, string field, long value)
    {
        if (value <= 0)
        {
            problems.Add($"{field}: must be positive, found {value}");
        }
    }

    private static void RequireFraction(List<string> problems, string field, double value)
    {
        if (!(value is >= 0 and <= 1))
        {
            problems.Add($"{field}: must be between 0 and 1, found {value}");
        }
    }

    private static void RequireDefined<TEnum>(List<string> problems, string field, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            problems.Add($"{field}: unknown value {value}");
        }
    }

    private static void RequirePerChannel(List<string> problems, string field, IReadOnlyList<double> values, int channels)
    {
        if (values.Count != channels)
        {
            problems.Add($"{field}: has {values.Count} values, expected one per channel ({channels})");
        }

        if (!values.All(double.IsFinite))
        {
            problems.Add($"{field}: every value must be a finite number");
        }
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]+)?\z")]
    private static partial Regex SemverLike();

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex Sha256Hex();

    private static void CheckMonitoring(List<string> problems, ModelMonitoring monitoring, IReadOnlyList<string> labels)
    {
        if (!double.IsFinite(monitoring.Temperature) || monitoring.Temperature <= 0)
        {
            problems.Add($"monitoring.temperature: must be a positive number, found {monitoring.Temperature}");
        }

        if (monitoring.CertaintyThreshold is { } threshold && (!double.IsFinite(threshold) || threshold is < 0 or > 1))
        {
            problems.Add($"monitoring.certaintyThreshold: must be between 0 and 1, found {threshold}");
        }

        if (monitoring.Reference is not { } reference)
        {
            return;
        }

        foreach (var (label, share) in reference.ClassMix)
        {
            if (!labels.Contains(label))
            {
                problems.Add($"monitoring.reference.classMix: '{label}' is not one of the labels");
            }
            else if (!double.IsFinite(share) || share is < 0 or > 1)
            {
                problems.Add($"monitoring.reference.classMix[{label}]: must be between 0 and 1, found {share}");
            }
        }

        if (reference.ConfidenceHistogram.Count != ReferenceDistributions.ConfidenceBins
            || reference.ConfidenceHistogram.Any(share => !double.IsFinite(share) || share is < 0 or > 1))
        {
            problems.Add($"monitoring.reference.confidenceHistogram: must hold {ReferenceDistributions.ConfidenceBins} shares between 0 and 1");
        }
    }
}
