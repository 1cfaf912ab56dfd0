using System.Globalization;
using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>model inspect PATH [--json]</c>: the manifest of a package, verified first.</summary>
public sealed class ModelInspectCommand : ICliCommand
{
    public string Name => "model inspect";
    public string Usage => "PATH [--json] [--trust DIR]";
    public string Summary => "Show a verified package's manifest: labels, input, output, lineage, metrics.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var path = arguments.PositionalAt(0, "package PATH");
        bool json = arguments.Flag("json");
        var trust = TrustOption.Load(arguments);
        arguments.RejectUnknown();

        using var argument = PackageArgument.Verify(path, trust);
        if (argument.Package is not { } package)
        {
            output.WriteLine(argument.ProblemLine);
            return Task.FromResult(1);
        }
        if (json)
            output.WriteLine(System.Text.Encoding.UTF8.GetString(ModelManifestJson.Serialize(package.Manifest, indented: true)));
        else
            WriteText(package, output);
        return Task.FromResult(0);
    }

    private static void WriteText(VerifiedModelPackage package, TextWriter o)
    {
        var m = package.Manifest;
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"{m.Name} {m.Version}   created {m.CreatedAt:u}   signed by {package.KeyId}");
        o.WriteLine($"labels:  {string.Join(", ", m.Labels)}");
        o.WriteLine(string.Create(inv, $"input:   {m.Input.TensorName} {m.Input.Layout.ToString().ToUpperInvariant()} {m.Input.Channels}x{m.Input.Height}x{m.Input.Width} {m.Input.ColorOrder.ToString().ToUpperInvariant()}, scale {m.Input.Scale:G4}, mean [{string.Join(", ", m.Input.Mean)}], std [{string.Join(", ", m.Input.Std)}]"));
        o.WriteLine($"output:  {m.Output.TensorName} ({m.Output.Kind}){(m.Output.EmbeddingTensorName is { } e ? $", embedding {e}" : "")}");
        o.WriteLine($"lineage: parent {m.Lineage.ParentVersion ?? "-"}, training data {m.Lineage.TrainingDataHash?[..Math.Min(16, m.Lineage.TrainingDataHash.Length)] ?? "-"}");
        if (m.Lineage.Trainer is not null) o.WriteLine($"         trainer: {m.Lineage.Trainer}");
        o.WriteLine($"files:   {string.Join(", ", m.Files.Where(f => !f.Path.Contains('/')).Select(f => $"{f.Path} ({f.Size:N0} B)"))}; canary images: {m.Files.Count(f => f.Path.StartsWith(PackageLayout.CanaryDirectory + "/", StringComparison.Ordinal))}");
        if (m.Metrics.Count == 0) return;
        o.WriteLine("metrics:");
        o.WriteLine($"  {"set",-34} {"samples",7} {"macroP",7} {"macroR",7} {"acc",6}  precision per class");
        foreach (var evaluation in m.Metrics)
            o.WriteLine(string.Create(inv, $"  {evaluation.Set,-34} {evaluation.Samples,7} {evaluation.MacroPrecision,7:F3} {evaluation.MacroRecall,7:F3} {evaluation.Accuracy,6:F3}  {string.Join(" ", evaluation.Precision.Select(p => $"{p.Key}={p.Value:F2}"))}"));
    }
}
