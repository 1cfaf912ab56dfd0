using EdgeMlops.CloudHub.Review;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>review label DEVICE/EPOCH/SEQ LABEL</c> (or <c>--undo</c>): labels a sample as <c>cli:&lt;os user&gt;</c>, audited.</summary>
public sealed class ReviewLabelCommand : ICliCommand
{
    public string Name => "review label";
    public string Usage => "DEVICE/EPOCH/SEQ (LABEL | --undo) [--db PATH]";
    public string Summary => "Label a sample with a class of its model, not-a-vehicle or unsure (your earlier label of it is replaced), or --undo your label; prints the sample as it then stands.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var keyText = arguments.PositionalAt(0, "DEVICE/EPOCH/SEQ");
        if (!SampleKey.TryParse(keyText, out var key, out var problem))
            throw new UsageException(problem + ".");
        var undo = arguments.Flag("undo");
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        if (undo == arguments.Positional.Count > 1)
            throw new UsageException(undo ? "Give LABEL or --undo, not both." : "Missing LABEL (or --undo).");
        if (arguments.Positional.Count > 2)
            throw new UsageException($"Unexpected '{arguments.Positional[2]}': give one LABEL.");

        using var review = ReviewCli.Open(db);
        var result = undo
            ? review.Service.Withdraw(key, ReviewCli.Reviewer)
            : review.Service.Label(key, arguments.Positional[1], ReviewCli.Reviewer);
        switch (result.Outcome)
        {
            case ReviewChange.Done:
                review.Print(result.Item!, review.ImagePathOf(key), output);
                return Task.FromResult(0);
            case ReviewChange.NotAllowed:
                output.WriteLine($"'{arguments.Positional[1]}' is not an answer for {key} ({result.Item?.ModelName} {result.Item?.ModelVersion}); allowed: {string.Join(", ", result.AllowedLabels)}");
                return Task.FromResult(1);
            case ReviewChange.NoStandingLabel:
                output.WriteLine($"{ReviewCli.Reviewer} has no label on {key} to undo");
                return Task.FromResult(1);
            default:
                output.WriteLine($"the hub has no sample {key}");
                return Task.FromResult(1);
        }
    }
}
