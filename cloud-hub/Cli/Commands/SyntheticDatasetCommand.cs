using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Synthetic.Video;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>synthetic dataset</c>: writes an image-folder data set (<c>root/class/*.jpg</c>) of synthetic crops.</summary>
public sealed class SyntheticDatasetCommand : ICliCommand
{
    public string Name => "synthetic dataset";
    public string Usage => "--out DIR [--seed N] [--conditions day,dusk] [--per-class 200]";
    public string Summary => "Write labelled synthetic vehicle crops as an image-folder data set.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var outDir = arguments.Required("out");
        int seed = arguments.Int("seed", 1, 0);
        int perClass = arguments.Int("per-class", 200, 1, 1_000_000);
        List<Condition> conditions;
        try { conditions = (arguments.Optional("conditions") ?? "day").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Condition.Parse).ToList(); }
        catch (FormatException ex) { throw new UsageException($"--conditions: {ex.Message}"); }
        arguments.RejectUnknown();

        using var generator = new CropGenerator();
        var manifest = ImageFolderDatasetWriter.WriteSynthetic(outDir, generator, seed, conditions, perClass);
        output.WriteLine($"wrote {manifest.Counts.Values.Sum()} images to {outDir} ({string.Join(", ", manifest.Counts.Select(c => $"{c.Key} {c.Value}"))}; conditions {string.Join(",", manifest.Conditions)})");
        return Task.FromResult(0);
    }
}
