namespace EdgeMlops.Synthetic.Datasets;

/// <summary>Rules for labels and ids that become folder and file names.</summary>
internal static class DatasetLabels
{
    public static void EnsureValid(string name, string what = "label")
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.StartsWith('.')
            || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
            throw new ArgumentException($"'{name}' cannot be a data set {what}: it must be a plain file name not starting with '.'.");
    }
}
